//! Prints each message of a stream as one stdio line, `[timestamp | key | seq | shard] payload`.
//!
//! ```text
//! producer --stream stdio:///numbers | consumer --stream stdio:///numbers --count 5
//! consumer --stream kafka://localhost:9092/numbers --mode load-balanced --group g
//! ```

use std::{
    io::{self, BufWriter, Write},
    process::ExitCode,
};

use clap::Parser;
use futures::FutureExt;
use sea_streamer::{
    kafka::AutoOffsetReset, Backend, Consumer, ConsumerMode, StreamErr, StreamUrl, Streamer,
};
use sea_streamer_examples::{connect, consumer_options, parse_key_value, print_message, run, Mode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Offset {
    /// The first message kept
    Start,
    /// Only new messages
    End,
}

#[derive(Debug, Parser)]
#[command(
    about = "Print each message of a stream as one line: [timestamp | key | seq | shard] payload"
)]
struct Args {
    /// What to read, e.g. stdio:///numbers or kafka://localhost:9092/numbers,letters
    #[arg(long)]
    stream: StreamUrl,
    /// How to consume
    #[arg(long, value_enum, default_value = "real-time")]
    mode: Mode,
    /// Consumer group (required by load-balanced)
    #[arg(long)]
    group: Option<String>,
    /// Where to start when there is no commit to resume from (Kafka's auto.offset.reset).
    /// Default: start for resumable and load-balanced, end for real-time. Not for stdio, which
    /// reads its input as it comes
    #[arg(long, value_enum)]
    offset: Option<Offset>,
    /// Exit after this many messages (default: at the end of the stream)
    #[arg(long)]
    count: Option<u64>,
    /// A librdkafka consumer property, KEY=VALUE (repeatable), e.g. session.timeout.ms=6000
    #[arg(long = "kafka-option", value_parser = parse_key_value)]
    kafka_options: Vec<(String, String)>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(async move {
        let streamer = connect(&args.stream).await?;
        if streamer.backend() == Backend::Stdio && args.offset.is_some() {
            return Err(
                "stdio reads its input as it comes and has no offsets: --offset needs kafka://"
                    .into(),
            );
        }
        let reset = match (args.offset, args.mode) {
            (Some(Offset::Start), _) | (None, Mode::Resumable | Mode::LoadBalanced) => {
                AutoOffsetReset::Earliest
            }
            _ => AutoOffsetReset::Latest,
        };
        let mut options = consumer_options(args.mode, args.group.as_deref());
        options.set_kafka_consumer_options(|o| {
            // group consumers commit what they printed, at exit (below)
            o.set_auto_offset_reset(reset).set_enable_auto_commit(false);
            for (k, v) in &args.kafka_options {
                o.add_custom_option(k, v);
            }
        });
        let mut consumer = streamer
            .create_consumer(args.stream.stream_keys(), options)
            .await?;
        let mut out = BufWriter::new(io::stdout().lock());
        let mut line = Vec::new();
        let mut printed = 0;
        while args.count.is_none_or(|n| printed < n) {
            // flush only when no message is ready, so lines go out at once when idle and in
            // batches under load
            let next = match consumer.next().now_or_never() {
                Some(next) => next,
                None => {
                    out.flush()?;
                    consumer.next().await
                }
            };
            match next {
                Ok(message) => print_message(&mut out, &mut line, &message)?,
                Err(StreamErr::StreamEnded) => break,
                // a report (Kafka: a lost connection): the consumer goes on by itself
                Err(StreamErr::Backend(e)) if e.is_transient() => {
                    eprintln!("consumer: warning: {e}");
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            printed += 1;
        }
        out.flush()?;
        // a group consumer commits what it printed, so the next run resumes after it
        if let Some(kafka) = consumer.get_kafka() {
            if kafka.mode() != ConsumerMode::RealTime && printed > 0 {
                kafka.commit().await?;
            }
        }
        Ok(())
    })
}
