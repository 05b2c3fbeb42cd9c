//! [`SeaStreamer`]: the backend chosen at run time by the URI scheme.

use sea_streamer_types::{Capabilities, StreamErr, StreamKey, Streamer, StreamerUri};

use crate::{
    Backend, BackendErr, SeaConnectOptions, SeaConsumer, SeaConsumerOptions, SeaProducer,
    SeaProducerOptions, SeaResult,
};

/// A streamer on whichever backend the URI's scheme names (`stdio://`, `kafka://`), among those
/// compiled in.
///
/// ```
/// use sea_streamer::{Backend, SeaStreamer, SeaConnectOptions, Streamer};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> sea_streamer::SeaResult<()> {
/// let streamer = SeaStreamer::connect("stdio://".parse()?, SeaConnectOptions::default()).await?;
/// assert_eq!(streamer.backend(), Backend::Stdio);
/// let err = SeaStreamer::connect("nats://localhost".parse()?, SeaConnectOptions::default()).await.err().unwrap();
/// assert!(err.to_string().contains("unknown scheme `nats://`: this build has stdio://"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SeaStreamer {
    /// On stdio.
    #[cfg(feature = "stdio")]
    Stdio(sea_streamer_stdio::StdioStreamer),
    /// On Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaStreamer),
}

impl SeaStreamer {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "stdio")]
            SeaStreamer::Stdio(_) => Backend::Stdio,
            #[cfg(feature = "kafka")]
            SeaStreamer::Kafka(_) => Backend::Kafka,
        }
    }

    /// The stdio streamer, if this is one.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn get_stdio(&self) -> Option<&sea_streamer_stdio::StdioStreamer> {
        match self {
            SeaStreamer::Stdio(s) => Some(s),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaStreamer {
    /// The Kafka streamer, if this is one.
    pub fn get_kafka(&self) -> Option<&sea_streamer_kafka::KafkaStreamer> {
        match self {
            SeaStreamer::Kafka(s) => Some(s),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Streamer for SeaStreamer {
    type Error = BackendErr;
    type Producer = SeaProducer;
    type Consumer = SeaConsumer;
    type ConnectOptions = SeaConnectOptions;
    type ConsumerOptions = SeaConsumerOptions;
    type ProducerOptions = SeaProducerOptions;

    /// Connects to the backend the URI's scheme names.
    ///
    /// # Errors
    /// [`StreamErr::Connect`] naming the schemes this build has, if the scheme is unknown or its
    /// backend is not compiled in; otherwise the backend's own connect errors.
    async fn connect(uri: StreamerUri, options: SeaConnectOptions) -> SeaResult<Self> {
        let backend = Backend::from_scheme(uri.protocol()).map_err(StreamErr::Connect)?;
        match backend {
            #[cfg(feature = "stdio")]
            Backend::Stdio => sea_streamer_stdio::StdioStreamer::connect(
                uri,
                options.into_stdio_connect_options(),
            )
            .await
            .map(SeaStreamer::Stdio)
            .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            Backend::Kafka => sea_streamer_kafka::KafkaStreamer::connect(
                uri,
                options.into_kafka_connect_options(),
            )
            .await
            .map(SeaStreamer::Kafka)
            .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn disconnect(self) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaStreamer::Stdio(s) => s
                .disconnect()
                .await
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaStreamer::Kafka(s) => s
                .disconnect()
                .await
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn create_generic_producer(&self, options: SeaProducerOptions) -> SeaResult<SeaProducer> {
        let _ = options;
        match self {
            #[cfg(feature = "stdio")]
            SeaStreamer::Stdio(s) => s
                .create_generic_producer(Default::default())
                .await
                .map(SeaProducer::Stdio)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaStreamer::Kafka(s) => s
                .create_generic_producer(options.to_kafka_producer_options())
                .await
                .map(SeaProducer::Kafka)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn create_consumer(
        &self,
        streams: &[StreamKey],
        options: SeaConsumerOptions,
    ) -> SeaResult<SeaConsumer> {
        match self {
            #[cfg(feature = "stdio")]
            SeaStreamer::Stdio(s) => s
                .create_consumer(streams, options.to_stdio_consumer_options())
                .await
                .map(SeaConsumer::Stdio)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaStreamer::Kafka(s) => s
                .create_consumer(streams, options.to_kafka_consumer_options())
                .await
                .map(SeaConsumer::Kafka)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn capabilities(&self) -> Capabilities {
        match self {
            #[cfg(feature = "stdio")]
            SeaStreamer::Stdio(s) => s.capabilities(),
            #[cfg(feature = "kafka")]
            SeaStreamer::Kafka(s) => s.capabilities(),
        }
    }
}
