//! What the example programs share: connecting from a stream URL, options from flags, and how
//! they report errors.

use std::{
    error::Error,
    io::{self, Write},
    process::ExitCode,
    time::Duration,
};

use sea_streamer::{
    stdio::format::write_line, ConsumerGroup, ConsumerMode, ConsumerOptions, Message, Producer,
    SeaConnectOptions, SeaConsumer, SeaConsumerOptions, SeaProducer, SeaResult, SeaStreamer,
    StreamUrl, Streamer,
};

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Every message from now on; no group.
    RealTime,
    /// Resume after the last commit (Kafka).
    Resumable,
    /// Share the stream with the other members of `--group`.
    LoadBalanced,
}

impl From<Mode> for ConsumerMode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::RealTime => ConsumerMode::RealTime,
            Mode::Resumable => ConsumerMode::Resumable,
            Mode::LoadBalanced => ConsumerMode::LoadBalanced,
        }
    }
}

/// Parses `KEY=VALUE` (a librdkafka property for `--kafka-option`).
///
/// # Errors
/// A message for clap to show.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!(
            "`{s}` is not KEY=VALUE (e.g. session.timeout.ms=6000)"
        )),
    }
}

/// Parses a duration such as `100ms` or `2s`.
///
/// # Errors
/// The parser's message, for clap to show.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (write durations like 100ms, 2s, 1m)"))
}

/// Connects to the streamer of `url`.
///
/// # Errors
/// As [`SeaStreamer::connect`].
pub async fn connect(url: &StreamUrl) -> SeaResult<SeaStreamer> {
    SeaStreamer::connect(url.streamer().clone(), SeaConnectOptions::default()).await
}

/// What `relay` and `processor` run on: a RealTime consumer of the input streams and a producer
/// of the output stream (the first one named).
#[derive(Debug)]
pub struct Pipeline {
    /// Reads the input.
    pub consumer: SeaConsumer,
    /// Writes the output.
    pub producer: SeaProducer,
    output: SeaStreamer,
}

impl Pipeline {
    /// Connects both ends.
    ///
    /// # Errors
    /// As [`SeaStreamer::connect`], `create_consumer` and `create_producer`.
    pub async fn connect(input: &StreamUrl, output: &StreamUrl) -> SeaResult<Self> {
        let input_streamer = connect(input).await?;
        let output_streamer = connect(output).await?;
        let consumer = input_streamer
            .create_consumer(
                input.stream_keys(),
                SeaConsumerOptions::new(ConsumerMode::RealTime),
            )
            .await?;
        let producer = output_streamer
            .create_producer(output.stream_key().clone(), Default::default())
            .await?;
        Ok(Self {
            consumer,
            producer,
            output: output_streamer,
        })
    }

    /// Delivers everything sent, then disconnects the output.
    ///
    /// # Errors
    /// If the output could not take everything (e.g. stdout was closed).
    pub async fn finish(self) -> SeaResult<()> {
        self.producer.end().await?;
        self.output.disconnect().await
    }
}

/// Consumer options from `--mode` and `--group`.
pub fn consumer_options(mode: Mode, group: Option<&str>) -> SeaConsumerOptions {
    let mut options = SeaConsumerOptions::new(mode.into());
    if let Some(g) = group {
        options.set_consumer_group(ConsumerGroup::new(g));
    }
    options
}

/// Writes `message` as one stdio line (`[timestamp | key | seq | shard] payload`) to `out`,
/// keeping its own header.
///
/// # Errors
/// If the write fails (e.g. stdout is closed).
pub fn print_message(
    out: &mut impl Write,
    buf: &mut Vec<u8>,
    message: &impl Message,
) -> io::Result<()> {
    buf.clear();
    write_line(buf, &message.header(), message.message().as_bytes());
    out.write_all(buf)
}

/// Runs an example's body on a tokio runtime; prints an error and its causes to stderr.
pub fn run<F>(body: F) -> ExitCode
where
    F: std::future::Future<Output = Result<(), Box<dyn Error>>>,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(body) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut text = format!("error: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                let s_text = s.to_string();
                if !text.contains(&s_text) {
                    text.push_str(&format!(": {s_text}"));
                }
                source = s.source();
            }
            eprintln!("{text}");
            ExitCode::FAILURE
        }
    }
}
