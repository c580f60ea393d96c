use anyhow::Context;
use clap::Parser;
use scheduler::config::Command;
use scheduler::{App, Config, MIGRATOR};
use service_runtime::{shutdown, telemetry};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    telemetry::init(&config.log)?;
    tokio::runtime::Runtime::new()?.block_on(async {
        match config.command {
            Some(Command::Migrate) => {
                let pool = config.postgres.pool()?;
                MIGRATOR.run(&pool).await.context("applying migrations")?;
                tracing::info!("migrations applied");
            }
            Some(Command::Serve) | None => {
                App::build(config)
                    .await?
                    .run_until(shutdown::signal())
                    .await?;
            }
        }
        Ok(())
    })
}
