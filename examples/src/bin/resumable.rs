//! At-least-once processing: forwards every payload of the input (a Kafka topic) to the output,
//! and marks an input message done only once the output has its receipt. Killed at any point and
//! restarted with the same `--group`, it goes on after the last message it finished: nothing is
//! lost, and at most the messages in flight are forwarded twice.
//!
//! ```text
//! resumable --input kafka://localhost:9092/orders --output kafka://localhost:9092/archive --group archiver
//! ```

use std::{collections::VecDeque, process::ExitCode};

use clap::Parser;
use sea_streamer::{
    kafka::{rdkafka::error::RDKafkaErrorCode, AutoOffsetReset, KafkaConsumer, KafkaErr},
    BackendErr, Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Message, Producer,
    SeaConsumer, SeaConsumerOptions, SeaResult, SeqNo, ShardId, StreamErr, StreamKey, StreamUrl,
    Streamer,
};
use sea_streamer_examples::{connect, parse_key_value, run};

/// Sends in flight at most (their input offsets are stored as their receipts arrive, in order).
const WINDOW: usize = 1000;

#[derive(Debug, Parser)]
#[command(
    about = "Forward INPUT to OUTPUT at least once: an input message is committed only after the output's receipt"
)]
struct Args {
    /// Where to read (Kafka), e.g. kafka://localhost:9092/orders
    #[arg(long)]
    input: StreamUrl,
    /// Where to write (the first stream), e.g. kafka://localhost:9092/archive or stdio:///archive
    #[arg(long)]
    output: StreamUrl,
    /// The consumer group that remembers how far it got
    #[arg(long)]
    group: String,
    /// Exit after this many messages (default: run until killed)
    #[arg(long)]
    count: Option<u64>,
    /// A librdkafka consumer property, KEY=VALUE (repeatable), e.g. session.timeout.ms=6000
    #[arg(long = "kafka-option", value_parser = parse_key_value)]
    kafka_options: Vec<(String, String)>,
}

/// Marks input message `id` done. A partition taken away in a rebalance cannot be stored for
/// (librdkafka's `State` error): its new owner starts after the last commit and does the message
/// again, which at-least-once allows, so that is not an error here.
fn store(kafka: &KafkaConsumer, id: &(StreamKey, ShardId, SeqNo)) -> SeaResult<()> {
    match kafka.store_offset_with(id) {
        Err(StreamErr::Backend(KafkaErr::StoreOffset(RDKafkaErrorCode::State))) => Ok(()),
        r => r.map_err(|e| e.map_backend(BackendErr::Kafka)),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(async move {
        let input = connect(&args.input).await?;
        let output = connect(&args.output).await?;
        let mut options = SeaConsumerOptions::new(ConsumerMode::Resumable);
        options
            .set_consumer_group(ConsumerGroup::new(&args.group))
            .set_kafka_consumer_options(|o| {
                // offsets are stored by hand, after the receipt; auto-commit commits those
                o.set_enable_auto_offset_store(false)
                    .set_auto_offset_reset(AutoOffsetReset::Earliest);
                for (k, v) in &args.kafka_options {
                    o.add_custom_option(k, v);
                }
            });
        let consumer = input
            .create_consumer(args.input.stream_keys(), options)
            .await?;
        let SeaConsumer::Kafka(kafka) = consumer else {
            return Err("resumable needs a Kafka input (kafka://...): only Kafka remembers how far a group got".into());
        };
        let producer = output
            .create_producer(args.output.stream_key().clone(), Default::default())
            .await?;
        let mut in_flight = VecDeque::new();
        let mut done = 0u64;
        let mut read = 0u64;
        while args.count.is_none_or(|n| read < n) {
            let message = match kafka.next().await {
                Ok(m) => m,
                // a report (a lost connection, the broker down): the consumer goes on by itself
                Err(StreamErr::Backend(e)) if sea_streamer::kafka::is_transient(&e) => {
                    eprintln!("resumable: warning: {e}");
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            in_flight.push_back((producer.send(message.message())?, message.identifier()));
            read += 1;
            while in_flight.len() >= WINDOW {
                if let Some((receipt, id)) = in_flight.pop_front() {
                    receipt.await?;
                    store(&kafka, &id)?;
                    done += 1;
                }
            }
        }
        while let Some((receipt, id)) = in_flight.pop_front() {
            receipt.await?;
            store(&kafka, &id)?;
            done += 1;
        }
        if done > 0 {
            kafka.commit().await?;
        }
        producer.end().await?;
        output.disconnect().await?;
        Ok(())
    })
}
