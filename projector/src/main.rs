use anyhow::Context;
use clap::Parser;
use projector::config::Command;
use projector::{App, Config, SERVICE, consumer, drop_read_models};
use service_runtime::{shutdown, telemetry};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    // Declared after the runtime so it is dropped first: flushing the last spans on the way
    // out (after the shutdown signal) needs the runtime's workers.
    let _telemetry = telemetry::init(&config.log, SERVICE, runtime.handle())?;
    runtime.block_on(async {
        match config.command {
            Some(Command::Rebuild) => {
                let mongo = config.mongo.client().await?;
                drop_read_models(&mongo.database(&config.mongo.mongo_database))
                    .await
                    .context("dropping the read models")?;
                let partitions = consumer::rewind_group(&config.kafka.brokers, &config.projection)
                    .context("rewinding the consumer group")?;
                tracing::info!(
                    partitions,
                    "read models dropped and the group rewound; run the projector to rebuild"
                );
            }
            Some(Command::Run) | None => {
                App::build(config)
                    .await?
                    .run_until(shutdown::signal())
                    .await?;
            }
        }
        Ok(())
    })
}
