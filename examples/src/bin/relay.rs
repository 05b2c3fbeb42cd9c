//! Forwards every payload from the input streams to the output stream, unchanged, until the input
//! ends.
//!
//! ```text
//! producer --stream stdio:///a | relay --input stdio:///a --output stdio:///b
//! relay --input stdio:///orders --output kafka://localhost:9092/orders
//! ```

use std::process::ExitCode;

use clap::Parser;
use sea_streamer::{Consumer, Message, Producer, StreamErr, StreamExt, StreamUrl};
use sea_streamer_examples::{run, Pipeline};

#[derive(Debug, Parser)]
#[command(
    about = "Forward every payload from INPUT to OUTPUT unchanged; exit at the end of the input"
)]
struct Args {
    /// Where to read, e.g. stdio:///a or kafka://localhost:9092/a,b
    #[arg(long)]
    input: StreamUrl,
    /// Where to write (the first stream), e.g. stdio:///b or kafka://localhost:9092/b
    #[arg(long)]
    output: StreamUrl,
    /// Exit after this many messages (default: at the end of the input)
    #[arg(long)]
    count: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(async move {
        let mut pipeline = Pipeline::connect(&args.input, &args.output).await?;
        let producer = &pipeline.producer;
        let mut stream = pipeline.consumer.stream();
        let mut relayed = 0;
        while args.count.is_none_or(|n| relayed < n) {
            let Some(message) = stream.next().await else {
                break;
            };
            match message {
                Ok(m) => drop(producer.send(m.message())?),
                // a report (Kafka: a lost connection): the consumer goes on by itself
                Err(StreamErr::Backend(e)) if e.is_transient() => {
                    eprintln!("relay: warning: {e}");
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            relayed += 1;
        }
        drop(stream);
        pipeline.finish().await?;
        Ok(())
    })
}
