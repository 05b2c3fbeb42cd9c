//! Sends `--count` messages `{"n": i}` to a stream, then flushes and exits.
//!
//! ```text
//! producer --stream stdio:///numbers --count 3
//! producer --stream kafka://localhost:9092/numbers --count 100 --interval 100ms
//! ```

use std::{process::ExitCode, time::Duration};

use clap::Parser;
use sea_streamer::{Producer, StreamUrl, Streamer};
use sea_streamer_examples::{connect, parse_duration, run};

#[derive(Debug, Parser)]
#[command(about = "Send COUNT messages {\"n\": i} to a stream, then flush and exit")]
struct Args {
    /// Where to send, e.g. stdio:///numbers or kafka://localhost:9092/numbers (the first stream)
    #[arg(long)]
    stream: StreamUrl,
    /// How many messages
    #[arg(long, default_value_t = 10)]
    count: u64,
    /// Pause between messages, e.g. 100ms or 2s (each message is then awaited before the next)
    #[arg(long, value_parser = parse_duration)]
    interval: Option<Duration>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(async move {
        let streamer = connect(&args.stream).await?;
        let producer = streamer
            .create_producer(args.stream.stream_key().clone(), Default::default())
            .await?;
        for i in 0..args.count {
            let receipt = producer.send(format!("{{\"n\": {i}}}"))?;
            if let Some(interval) = args.interval {
                receipt.await?;
                tokio::time::sleep(interval).await;
            }
        }
        producer.end().await?;
        streamer.disconnect().await?;
        Ok(())
    })
}
