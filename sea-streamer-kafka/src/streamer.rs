//! [`KafkaStreamer`].

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use rdkafka::{
    consumer::{BaseConsumer, Consumer as _, StreamConsumer},
    error::RDKafkaErrorCode,
    producer::FutureProducer,
    ClientConfig, Offset, TopicPartitionList,
};
use sea_streamer_types::{
    check_consumer_group, Capabilities, ConnectOptions, ConsumerGroup, ConsumerMode,
    ConsumerOptions, StreamErr, StreamKey, StreamKeyErr, Streamer, StreamerUri,
};

use crate::{
    close::OffExecutor,
    error::{backend, blocking, unreachable_or_backend},
    host::host_id,
    AutoOffsetReset, KafkaConnectOptions, KafkaConsumer, KafkaConsumerOptions, KafkaErr,
    KafkaProducer, KafkaProducerOptions, KafkaResult,
};

/// The URI scheme of this backend: `kafka://host:port[,host:port...]`.
pub const KAFKA_SCHEME: &str = "kafka";

/// What Kafka supports: everything.
pub const KAFKA_CAPABILITIES: Capabilities = Capabilities::ALL;

/// A connection to a Kafka cluster.
#[derive(Debug)]
pub struct KafkaStreamer {
    uri: StreamerUri,
    options: KafkaConnectOptions,
}

/// The group RealTime consumers carry (librdkafka wants one); they never join or commit.
fn internal_group() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "sea-streamer-realtime-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The group of Resumable consumers that did not name one: unique to this host.
pub fn resumable_group() -> ConsumerGroup {
    ConsumerGroup::new(format!("sea-streamer-{}", host_id()))
}

impl KafkaStreamer {
    fn config(&self) -> ClientConfig {
        self.options.client_config(&self.uri)
    }

    fn timeout(&self) -> Duration {
        self.options.timeout_or_default()
    }
}

impl Streamer for KafkaStreamer {
    type Error = KafkaErr;
    type Producer = KafkaProducer;
    type Consumer = KafkaConsumer;
    type ConnectOptions = KafkaConnectOptions;
    type ConsumerOptions = KafkaConsumerOptions;
    type ProducerOptions = KafkaProducerOptions;

    /// Connects, and checks that a broker answers within the timeout.
    ///
    /// # Errors
    /// [`StreamErr::Connect`] if the URI is not `kafka://` with at least one host, the timeout
    /// is zero, or no broker answers in time.
    async fn connect(uri: StreamerUri, options: KafkaConnectOptions) -> KafkaResult<Self> {
        if uri.protocol() != KAFKA_SCHEME {
            return Err(StreamErr::Connect(format!(
                "`{uri}` is not a Kafka URI: use kafka://host:port[,host:port...]"
            )));
        }
        if uri.nodes().is_empty() {
            return Err(StreamErr::Connect(format!(
                "`{uri}` names no broker: use kafka://host:port[,host:port...]"
            )));
        }
        if options.timeout() == Some(Duration::ZERO) {
            return Err(StreamErr::Connect(
                "the connect timeout is zero: set a positive timeout, or none for the default (10 s)".into(),
            ));
        }
        let streamer = Self { uri, options };
        let mut config = streamer.config();
        config.set("group.id", internal_group());
        let timeout = streamer.timeout();
        let hosts = streamer.uri.to_string();
        blocking(move || {
            let probe: BaseConsumer = config.create().map_err(backend)?;
            probe.fetch_metadata(None, timeout).map_err(|e| {
                StreamErr::Connect(format!(
                    "no Kafka broker at {hosts} answered within {timeout:?} ({e}): is it running and reachable?"
                ))
            })?;
            Ok(())
        })
        .await?;
        Ok(streamer)
    }

    async fn disconnect(self) -> KafkaResult<()> {
        Ok(())
    }

    async fn create_generic_producer(
        &self,
        options: KafkaProducerOptions,
    ) -> KafkaResult<KafkaProducer> {
        let mut config = self.config();
        options.apply(&mut config);
        let producer: FutureProducer = config.create().map_err(backend)?;
        Ok(KafkaProducer::new(producer, self.timeout()))
    }

    /// # Errors
    /// [`StreamErr::StreamKeyEmpty`], [`StreamErr::ConsumerGroupNotSet`],
    /// [`StreamErr::ConsumerGroupIsSet`] as the contract says; [`StreamErr::StreamKeyNotFound`]
    /// for a RealTime consumer of a topic that does not exist; [`StreamErr::Connect`] if a
    /// RealTime consumer cannot look its partitions up because no broker answers in time;
    /// [`StreamErr::StreamKey`] for a topic name Kafka refuses (`.`, `..`).
    async fn create_consumer(
        &self,
        streams: &[StreamKey],
        options: KafkaConsumerOptions,
    ) -> KafkaResult<KafkaConsumer> {
        if streams.is_empty() {
            return Err(StreamErr::StreamKeyEmpty);
        }
        for key in streams {
            check_topic(key)?;
        }
        let mode = options.mode();
        check_consumer_group(mode, options.consumer_group())?;
        let mut config = self.config();
        let timeout = self.timeout();
        match mode {
            ConsumerMode::RealTime => {
                config.set("group.id", internal_group());
                config.set("enable.auto.commit", "false");
                config.set("enable.auto.offset.store", "false");
            }
            ConsumerMode::Resumable | ConsumerMode::LoadBalanced => {
                let group = match options.consumer_group() {
                    Some(g) => g.clone(),
                    None => resumable_group(),
                };
                config.set("group.id", group.name());
            }
        }
        options.apply(&mut config);
        let consumer: StreamConsumer = config.create().map_err(backend)?;
        let consumer = Arc::new(OffExecutor::new(consumer, timeout));
        let topics: Vec<StreamKey> = streams.to_vec();
        let earliest = options.auto_offset_reset() == Some(AutoOffsetReset::Earliest);
        let c = consumer.clone();
        blocking(move || {
            if mode == ConsumerMode::RealTime {
                realtime_assign(&c, &topics, earliest, timeout)
            } else {
                let names: Vec<&str> = topics.iter().map(|k| k.name()).collect();
                c.subscribe(&names).map_err(backend)
            }
        })
        .await?;
        Ok(KafkaConsumer::new(
            mode,
            consumer,
            streams.to_vec(),
            timeout,
        ))
    }

    fn capabilities(&self) -> Capabilities {
        KAFKA_CAPABILITIES
    }
}

/// Whether Kafka takes `key` as a topic name: every stream key is, but `.` and `..`.
pub(crate) fn check_topic(key: &StreamKey) -> KafkaResult<()> {
    match key.name() {
        "." | ".." => Err(StreamErr::StreamKey(StreamKeyErr::Refused {
            key: key.name().to_owned(),
            backend: "Kafka",
            why: "`.` and `..` are not topic names; pick another name",
        })),
        _ => Ok(()),
    }
}

/// The partitions of `topic`, or `StreamKeyNotFound`.
pub(crate) fn partitions(
    consumer: &impl rdkafka::consumer::Consumer,
    topic: &StreamKey,
    timeout: Duration,
) -> KafkaResult<Vec<i32>> {
    let metadata = consumer
        .fetch_metadata(Some(topic.name()), timeout)
        .map_err(|e| unreachable_or_backend(e, timeout))?;
    match metadata.topics().iter().find(|t| t.name() == topic.name()) {
        Some(t) if t.error().is_none() && !t.partitions().is_empty() => {
            Ok(t.partitions().iter().map(|p| p.id()).collect())
        }
        _ => Err(StreamErr::StreamKeyNotFound(topic.clone())),
    }
}

/// Assigns every partition of `topics`, each from its end now (or its start).
fn realtime_assign(
    consumer: &StreamConsumer,
    topics: &[StreamKey],
    earliest: bool,
    timeout: Duration,
) -> KafkaResult<()> {
    let mut tpl = TopicPartitionList::new();
    for topic in topics {
        for p in partitions(consumer, topic, timeout)? {
            let (low, high) = consumer
                .fetch_watermarks(topic.name(), p, timeout)
                .map_err(|e| match e.rdkafka_error_code() {
                    Some(RDKafkaErrorCode::UnknownTopicOrPartition) => {
                        StreamErr::StreamKeyNotFound(topic.clone())
                    }
                    _ => unreachable_or_backend(e, timeout),
                })?;
            let at = if earliest { low } else { high };
            tpl.add_partition_offset(topic.name(), p, Offset::Offset(at))
                .map_err(backend)?;
        }
    }
    consumer.assign(&tpl).map_err(backend)
}
