use anyhow::Context;
use clap::Parser;
use scheduler::config::Command;
use scheduler::{App, Config, MIGRATOR, SERVICE};
use service_runtime::{shutdown, telemetry};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    // Declared after the runtime so it is dropped first: flushing the last spans on the way
    // out (after the shutdown signal) needs the runtime's workers.
    let _telemetry = telemetry::init(&config.log, SERVICE, runtime.handle())?;
    runtime.block_on(async {
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
