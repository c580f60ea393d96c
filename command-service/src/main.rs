use clap::Parser;
use command_service::{App, Config};
use service_runtime::{shutdown, telemetry};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    telemetry::init(&config.log)?;
    tokio::runtime::Runtime::new()?.block_on(async {
        App::build(config)
            .await?
            .run_until(shutdown::signal())
            .await?;
        Ok(())
    })
}
