//! [`StdioStreamer`].

use std::{io, sync::Arc, time::Duration};

use sea_streamer_types::{
    check_consumer_group, Capabilities, ConnectOptions, ConsumerMode, ConsumerOptions, StreamErr,
    StreamKey, Streamer, StreamerUri,
};

use crate::{
    hub::{Hub, SourceGuard},
    options::{take, Input, Output},
    producer::OutputGuard,
    writer::Writer,
    StdioConnectOptions, StdioConsumer, StdioConsumerOptions, StdioErr, StdioProducer,
    StdioProducerOptions, StdioResult,
};

/// The URI scheme of this backend: `stdio://`.
pub const STDIO_SCHEME: &str = "stdio";

/// What stdio supports: RealTime and LoadBalanced consuming, and producing. No seek, rewind,
/// commit or Resumable (there is nothing to resume from); one shard; no record keys or headers.
pub const STDIO_CAPABILITIES: Capabilities = Capabilities {
    load_balanced: true,
    ..Capabilities::NONE
};

/// The stdio backend: reads messages from stdin and writes them to stdout, one per line.
///
/// ```
/// use sea_streamer_stdio::{StdioConnectOptions, StdioStreamer};
/// use sea_streamer_types::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), StreamErr<sea_streamer_stdio::StdioErr>> {
/// // produce and consume in one process: loopback, and no stdin or stdout
/// let mut options = StdioConnectOptions::default();
/// options.set_loopback(true).set_no_input().set_no_output();
/// let streamer = StdioStreamer::connect("stdio://".parse()?, options).await?;
/// let stream = StreamKey::new("hello")?;
/// let consumer = streamer.create_consumer(&[stream.clone()], Default::default()).await?;
/// let producer = streamer.create_producer(stream, Default::default()).await?;
/// let receipt = producer.send("world")?.await?;
/// let message = consumer.next().await?;
/// assert_eq!(message.message().as_str(), Ok("world"));
/// assert_eq!(message.sequence(), receipt.sequence());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct StdioStreamer {
    hub: Arc<Hub>,
    output: Arc<OutputGuard>,
    loopback: Option<Arc<SourceGuard>>,
    buffer_size: usize,
}

impl Streamer for StdioStreamer {
    type Error = StdioErr;
    type Producer = StdioProducer;
    type Consumer = StdioConsumer;
    type ConnectOptions = StdioConnectOptions;
    type ConsumerOptions = StdioConsumerOptions;
    type ProducerOptions = StdioProducerOptions;

    /// Connects to stdin and stdout (or the options' input and output).
    ///
    /// # Errors
    /// [`StreamErr::Connect`] if the URI is not `stdio://` (with no host), or the timeout is zero;
    /// [`StdioErr::InputTaken`] if the options' reader or writer was used by an earlier connect.
    async fn connect(uri: StreamerUri, options: StdioConnectOptions) -> StdioResult<Self> {
        if uri.protocol() != STDIO_SCHEME {
            return Err(StreamErr::Connect(format!(
                "`{uri}` is not a stdio URI: use stdio:// (stream URLs: stdio:///stream1,stream2)"
            )));
        }
        if !uri.nodes().is_empty() {
            return Err(StreamErr::Connect(format!(
                "`{uri}` names a host, but stdio has none: use stdio:// (stream URLs: stdio:///stream1,stream2)"
            )));
        }
        if options.timeout() == Some(Duration::ZERO) {
            // unused here, but refused as on every backend, so code that runs on stdio runs on Kafka
            return Err(StreamErr::Connect(
                "the connect timeout is zero: set a positive timeout, or none for the default"
                    .into(),
            ));
        }
        let hub = match options.input() {
            Input::Stdin => Hub::stdin(),
            Input::Nothing => Hub::new(None),
            Input::Reader(slot) => Hub::new(Some(
                take(slot).ok_or(StreamErr::Backend(StdioErr::InputTaken))?,
            )),
        };
        if let Some(warnings) = options.warnings() {
            hub.set_warnings(warnings.clone());
        }
        let output = match options.output() {
            Output::Stdout => OutputGuard {
                writer: Writer::stdout()?,
                owned: false,
            },
            Output::Discard => OutputGuard {
                writer: Writer::new(Box::new(io::sink()))?,
                owned: true,
            },
            Output::Writer(slot) => OutputGuard {
                writer: Writer::new(take(slot).ok_or(StreamErr::Backend(StdioErr::InputTaken))?)?,
                owned: true,
            },
        };
        let loopback = options.loopback().then(|| Arc::new(hub.add_source()));
        hub.end_if_no_source();
        Ok(Self {
            hub,
            output: Arc::new(output),
            loopback,
            buffer_size: options.buffer_size(),
        })
    }

    /// Waits until everything produced is written, then lets go of the input and output.
    ///
    /// # Errors
    /// [`StdioErr::OutputClosed`] if the output closed before everything was written.
    async fn disconnect(self) -> StdioResult<()> {
        let writer = self.output.writer.clone();
        let batch = writer.last_batch();
        std::future::poll_fn(|cx| writer.poll_written(batch, cx))
            .await
            .map_err(StreamErr::Backend)
    }

    async fn create_generic_producer(&self, _: StdioProducerOptions) -> StdioResult<StdioProducer> {
        let loopback = self
            .loopback
            .as_ref()
            .map(|guard| (self.hub.clone(), guard.clone()));
        Ok(StdioProducer::new(self.output.clone(), loopback))
    }

    /// A consumer of `streams` (and of `broadcast`).
    ///
    /// # Errors
    /// [`StreamErr::StreamKeyEmpty`] for no stream; [`StreamErr::ConsumerGroupNotSet`] for
    /// LoadBalanced without a group; [`StreamErr::ConsumerGroupIsSet`] for RealTime with one;
    /// [`StreamErr::Unsupported`] for Resumable.
    async fn create_consumer(
        &self,
        streams: &[StreamKey],
        options: StdioConsumerOptions,
    ) -> StdioResult<StdioConsumer> {
        if streams.is_empty() {
            return Err(StreamErr::StreamKeyEmpty);
        }
        let mode = options.mode();
        if mode == ConsumerMode::Resumable {
            return Err(StreamErr::Unsupported(
                "stdio has no Resumable consumers: there is nothing to resume from; use RealTime, or LoadBalanced with a group".into(),
            ));
        }
        check_consumer_group(mode, options.consumer_group())?;
        let (id, queue) = self.hub.subscribe(
            streams.to_vec(),
            options.consumer_group().cloned(),
            self.buffer_size,
        );
        Ok(StdioConsumer::new(id, self.hub.clone(), queue))
    }

    fn capabilities(&self) -> Capabilities {
        STDIO_CAPABILITIES
    }
}
