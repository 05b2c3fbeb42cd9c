//! Forwards every payload from the input streams to the output stream, unchanged, until the input
//! ends.
//!
//! ```text
//! producer --stream stdio:///a | relay --input stdio:///a --output stdio:///b
//! relay --input stdio:///orders --output kafka://localhost:9092/orders
//! ```

use std::process::ExitCode;

use clap::Parser;
use sea_streamer::{Consumer, Message, Producer, StreamExt, StreamUrl};
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
        let mut stream = pipeline
            .consumer
            .stream()
            .take(args.count.unwrap_or(usize::MAX));
        while let Some(message) = stream.next().await {
            producer.send(message?.message())?;
        }
        drop(stream);
        pipeline.finish().await?;
        Ok(())
    })
}
