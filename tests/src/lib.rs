//! Helpers shared by the cross-backend tests: Kafka harnesses on librdkafka's mock cluster and on
//! a real broker.

// test code: a failed setup fails the test, loudly
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod kafka;

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        mpsc, OnceLock,
    },
    time::Duration,
};

use sea_streamer_kafka::{
    rdkafka::{
        admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
        client::DefaultClientContext,
        mocking::MockCluster,
        producer::DefaultProducerContext,
        ClientConfig,
    },
    AutoOffsetReset, KafkaConnectOptions, KafkaConsumerOptions, KafkaStreamer,
};
use sea_streamer_types::{
    conformance::Harness, ConnectOptions, ConsumerMode, ConsumerOptions, StreamKey, Streamer,
};

/// A name no other test run uses: the process id, a counter, and the time.
pub fn unique(name: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static RUN: OnceLock<u128> = OnceLock::new();
    let run = RUN.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() % 1_000_000_000)
            .unwrap_or(0)
    });
    format!(
        "{name}-{}-{run}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Consumer options for tests: a short session timeout (group joins wait for half of it on
/// tansu), and group consumers from the earliest offset. (Not a short `fetch.wait.max.ms`:
/// polling tansu every 10 ms now and then leaves a group's committed-offset fetch unanswered.)
pub fn test_consumer_options(mode: ConsumerMode) -> KafkaConsumerOptions {
    let mut o = KafkaConsumerOptions::new(mode);
    o.set_session_timeout(Duration::from_secs(6));
    if mode != ConsumerMode::RealTime {
        o.set_auto_offset_reset(AutoOffsetReset::Earliest);
    }
    o
}

async fn connect(brokers: &str) -> KafkaStreamer {
    connect_with_timeout(brokers, Duration::from_secs(10)).await
}

/// A streamer on `brokers` whose operations time out after `timeout`.
pub async fn connect_with_timeout(brokers: &str, timeout: Duration) -> KafkaStreamer {
    let mut options = KafkaConnectOptions::default();
    options.set_timeout(timeout);
    match KafkaStreamer::connect(
        format!("kafka://{brokers}").parse().expect("broker URI"),
        options,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => panic!("connect to {brokers}: {e}"),
    }
}

/// librdkafka's in-process mock cluster, kept on a thread of its own (it is not `Send`).
#[derive(Debug)]
pub struct Mock {
    bootstrap: String,
    jobs: mpsc::Sender<MockJob>,
}

/// The cluster type of [`Mock`].
pub type MockClusterRef<'a> = &'a MockCluster<'static, DefaultProducerContext>;

/// Work for the mock cluster's thread.
type MockJob = Box<dyn FnOnce(MockClusterRef<'_>) + Send>;

impl Mock {
    /// A cluster of one broker (id 1).
    pub fn new() -> Self {
        Self::with_brokers(1)
    }

    /// A cluster of `brokers` brokers (ids 1..=brokers).
    pub fn with_brokers(brokers: i32) -> Self {
        let (tx, rx) = mpsc::channel::<MockJob>();
        let (boot_tx, boot_rx) = mpsc::sync_channel(1);
        std::thread::spawn(move || {
            let cluster = match MockCluster::new(brokers) {
                Ok(c) => c,
                Err(e) => {
                    let _ = boot_tx.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = boot_tx.send(Ok(cluster.bootstrap_servers()));
            for job in rx {
                job(&cluster);
            }
        });
        let bootstrap = match boot_rx.recv() {
            Ok(Ok(b)) => b,
            other => panic!("mock cluster: {other:?}"),
        };
        Self {
            bootstrap,
            jobs: tx,
        }
    }

    /// Runs `f` on the cluster (on its thread) and returns what it returns.
    pub fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(MockClusterRef<'_>) -> R + Send + 'static,
    ) -> R {
        let (tx, rx) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |cluster| {
                let _ = tx.send(f(cluster));
            }))
            .expect("mock cluster thread");
        rx.recv().expect("mock cluster thread")
    }

    /// Creates `topic` with `partitions` partitions.
    pub fn create_topic(&self, topic: &str, partitions: i32) {
        let topic = topic.to_owned();
        self.with(move |c| {
            c.create_topic(&topic, partitions, 1)
                .map_err(|e| e.to_string())
        })
        .expect("create topic");
    }

    /// Its bootstrap servers.
    pub fn bootstrap(&self) -> &str {
        &self.bootstrap
    }

    /// A streamer connected to it, whose operations time out after `timeout`.
    pub async fn connect_with_timeout(&self, timeout: Duration) -> KafkaStreamer {
        connect_with_timeout(&self.bootstrap, timeout).await
    }
}

impl kafka::Cluster for Mock {
    async fn topic(&self, topic: &str, partitions: i32) {
        self.create_topic(topic, partitions);
    }

    fn stores_transaction_offsets(&self) -> bool {
        false
    }
}

impl Default for Mock {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness for Mock {
    type Streamer = KafkaStreamer;

    async fn streamer(&self) -> KafkaStreamer {
        connect(&self.bootstrap).await
    }

    async fn stream(&self, name: &str) -> StreamKey {
        let topic = unique(name);
        self.create_topic(&topic, 1);
        StreamKey::new(topic).expect("valid topic")
    }

    /// The mock broker's delivery reports carry a log-append time of 1234 ms.
    fn exact_receipt_timestamps(&self) -> bool {
        false
    }

    fn consumer_options(&self, mode: ConsumerMode) -> KafkaConsumerOptions {
        test_consumer_options(mode)
    }
}

/// A real broker, at `KAFKA_BROKERS`.
#[derive(Debug)]
pub struct Broker {
    brokers: String,
}

impl Broker {
    /// The broker of `KAFKA_BROKERS`; `None` (after saying why) if it is not set. With
    /// `SEA_STREAMER_REQUIRE_KAFKA=1` a missing broker fails the test instead.
    pub fn from_env(test: &str) -> Option<Self> {
        match std::env::var("KAFKA_BROKERS") {
            Ok(b) if !b.trim().is_empty() => Some(Self {
                brokers: b.trim().to_owned(),
            }),
            _ => {
                if std::env::var("SEA_STREAMER_REQUIRE_KAFKA").as_deref() == Ok("1") {
                    panic!("{test}: KAFKA_BROKERS is not set, and SEA_STREAMER_REQUIRE_KAFKA=1 makes that a failure: run scripts/test, or scripts/kafka-broker start and export KAFKA_BROKERS=127.0.0.1:19092");
                }
                // straight to stderr: the test harness captures `eprintln!`
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "{test}: skipped: KAFKA_BROKERS is not set (scripts/test starts a broker and sets it)"
                );
                None
            }
        }
    }

    /// The broker list.
    pub fn brokers(&self) -> &str {
        &self.brokers
    }

    /// Creates `topic` with `partitions` partitions.
    pub async fn create_topic(&self, topic: &str, partitions: i32) {
        self.try_create_topic(topic, partitions)
            .await
            .expect("topic created");
    }

    /// Creates `topic` with `partitions` partitions, or says why not.
    pub async fn try_create_topic(&self, topic: &str, partitions: i32) -> Result<(), String> {
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.brokers)
            .create()
            .map_err(|e| e.to_string())?;
        let results = admin
            .create_topics(
                &[NewTopic::new(topic, partitions, TopicReplication::Fixed(1))],
                &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
            )
            .await
            .map_err(|e| e.to_string())?;
        for r in results {
            r.map_err(|(t, e)| format!("{t}: {e}"))?;
        }
        Ok(())
    }
}

impl Harness for Broker {
    type Streamer = KafkaStreamer;

    async fn streamer(&self) -> KafkaStreamer {
        connect(&self.brokers).await
    }

    async fn stream(&self, name: &str) -> StreamKey {
        let topic = unique(name);
        self.create_topic(&topic, 1).await;
        StreamKey::new(topic).expect("valid topic")
    }

    fn consumer_options(&self, mode: ConsumerMode) -> KafkaConsumerOptions {
        test_consumer_options(mode)
    }
}

impl kafka::Cluster for Broker {
    async fn topic(&self, topic: &str, partitions: i32) {
        self.create_topic(topic, partitions).await;
    }
}
