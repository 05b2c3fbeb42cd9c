//! Kafka: our `Producer::send` and `Consumer::stream()` against raw rdkafka (`FutureProducer`,
//! `StreamConsumer`) on the same broker in the same run, and the RealTime first-message latency.

use std::{
    io,
    time::{Duration, Instant},
};

use futures::StreamExt;
use sea_streamer_kafka::{
    rdkafka::{
        admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
        client::DefaultClientContext,
        consumer::{Consumer as _, StreamConsumer},
        producer::{FutureProducer, FutureRecord, Producer as _},
        ClientConfig, Offset, TopicPartitionList,
    },
    AutoOffsetReset, KafkaConnectOptions, KafkaConsumer, KafkaConsumerOptions, KafkaStreamer,
};
use sea_streamer_types::{
    ConnectOptions, Consumer, ConsumerMode, ConsumerOptions, Message, Producer, StreamKey, Streamer,
};

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

fn unique(name: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("bench-{name}-{}-{t}", std::process::id())
}

async fn create_topic(brokers: &str, topic: &str) -> io::Result<()> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .map_err(err)?;
    for r in admin
        .create_topics(
            &[NewTopic::new(topic, 1, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        )
        .await
        .map_err(err)?
    {
        r.map_err(|(t, e)| err(format!("{t}: {e}")))?;
    }
    Ok(())
}

/// Settings both sides of each comparison use.
fn producer_config(brokers: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", brokers).set("linger.ms", "5");
    c
}

const FETCH: [(&str, &str); 2] = [("fetch.wait.max.ms", "10"), ("fetch.min.bytes", "1")];

async fn raw_produce(brokers: &str, topic: &str, n: u64, payload: &[u8]) -> io::Result<f64> {
    let p: FutureProducer = producer_config(brokers).create().map_err(err)?;
    let start = Instant::now();
    for _ in 0..n {
        let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(topic).payload(payload);
        loop {
            match p.send_result(record) {
                Ok(_) => break,
                Err((_, r)) => {
                    record = r;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }
    p.flush(Duration::from_secs(60)).map_err(err)?;
    Ok(start.elapsed().as_secs_f64())
}

async fn connect(brokers: &str) -> io::Result<KafkaStreamer> {
    let mut o = KafkaConnectOptions::default();
    o.set_timeout(Duration::from_secs(10));
    KafkaStreamer::connect(format!("kafka://{brokers}").parse().map_err(err)?, o)
        .await
        .map_err(err)
}

async fn our_produce(brokers: &str, topic: &str, n: u64, payload: &[u8]) -> io::Result<f64> {
    let s = connect(brokers).await?;
    let mut po = sea_streamer_kafka::KafkaProducerOptions::default();
    po.add_custom_option("linger.ms", "5");
    let key = StreamKey::new(topic).map_err(err)?;
    let p = s.create_producer(key, po).await.map_err(err)?;
    let start = Instant::now();
    for _ in 0..n {
        drop(p.send(payload).map_err(err)?);
    }
    p.flush().await.map_err(err)?;
    Ok(start.elapsed().as_secs_f64())
}

async fn raw_consume(brokers: &str, topic: &str, n: u64) -> io::Result<f64> {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", brokers)
        .set("group.id", unique("raw"))
        // as our RealTime consumer: it neither commits nor stores offsets
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false");
    for (k, v) in FETCH {
        c.set(k, v);
    }
    let consumer: StreamConsumer = c.create().map_err(err)?;
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning)
        .map_err(err)?;
    consumer.assign(&tpl).map_err(err)?;
    let mut stream = consumer.stream();
    let mut bytes = 0usize;
    // timed from the first message: connecting and offset look-ups do not count
    let mut start = None;
    for _ in 0..n {
        let m = stream
            .next()
            .await
            .ok_or_else(|| err("stream ended"))?
            .map_err(err)?;
        start.get_or_insert_with(Instant::now);
        bytes += sea_streamer_kafka::rdkafka::message::Message::payload(&m).map_or(0, <[u8]>::len);
    }
    std::hint::black_box(bytes);
    Ok(per_message_run(start, n))
}

/// Our RealTime consumer of `topic` from its start, with `options` added.
async fn our_consumer(
    brokers: &str,
    topic: &str,
    options: &[(&str, String)],
) -> io::Result<KafkaConsumer> {
    let s = connect(brokers).await?;
    let mut o = KafkaConsumerOptions::new(ConsumerMode::RealTime);
    o.set_auto_offset_reset(AutoOffsetReset::Earliest);
    for (k, v) in options {
        o.add_custom_option(*k, v);
    }
    let key = StreamKey::new(topic).map_err(err)?;
    s.create_consumer(&[key], o).await.map_err(err)
}

async fn our_consume(brokers: &str, topic: &str, n: u64) -> io::Result<f64> {
    let fetch: Vec<(&str, String)> = FETCH.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let mut c = our_consumer(brokers, topic, &fetch).await?;
    let mut stream = c.stream();
    let mut bytes = 0usize;
    let mut start = None;
    for _ in 0..n {
        let m = stream
            .next()
            .await
            .ok_or_else(|| err("stream ended"))?
            .map_err(err)?;
        start.get_or_insert_with(Instant::now);
        bytes += m.message().len();
    }
    std::hint::black_box(bytes);
    Ok(per_message_run(start, n))
}

/// Reads `n` messages from the start of `topic` with a RealTime consumer, at about `rate`
/// messages per second (0: no limit).
pub async fn paced_consume(
    brokers: &str,
    topic: &str,
    n: u64,
    rate: u64,
    prefetch_kb: Option<u64>,
) -> io::Result<()> {
    // librdkafka's prefetch, and the size of one fetch response, which can overshoot it
    let options: Vec<(&str, String)> = match prefetch_kb {
        Some(kb) => vec![
            ("queued.max.messages.kbytes", kb.to_string()),
            ("fetch.max.bytes", (kb * 1024 / 2).max(1 << 20).to_string()),
            ("queued.min.messages", "10000".to_owned()),
        ],
        None => Vec::new(),
    };
    let mut c = our_consumer(brokers, topic, &options).await?;
    let mut stream = c.stream();
    let start = Instant::now();
    for i in 0..n {
        let m = stream
            .next()
            .await
            .ok_or_else(|| err("stream ended"))?
            .map_err(err)?;
        std::hint::black_box(m.message().len());
        if rate > 0 && i % 100 == 99 {
            let due = start + Duration::from_secs_f64((i + 1) as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
    }
    Ok(())
}

/// Peak RSS (MB) of `paced_consume` in a child process.
fn consumer_rss(
    brokers: &str,
    topic: &str,
    n: u64,
    rate: u64,
    prefetch_kb: Option<u64>,
) -> io::Result<f64> {
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command
        .args(["kafka-consume", "--brokers", brokers, "--topic", topic])
        .args(["--messages", &n.to_string(), "--rate", &rate.to_string()]);
    if let Some(kb) = prefetch_kb {
        command.args(["--prefetch-kb", &kb.to_string()]);
    }
    let mut child = command.spawn()?;
    let watch = crate::RssWatch::start(child.id());
    let status = child.wait()?;
    let peak = watch.stop();
    if !status.success() {
        return Err(err(format!("the consumer failed: {status}")));
    }
    Ok(peak)
}

/// The time of `n` messages from the time of `n - 1` (timed from the first).
fn per_message_run(start: Option<Instant>, n: u64) -> f64 {
    start.map_or(0.0, |s| s.elapsed().as_secs_f64()) * n as f64 / n.saturating_sub(1).max(1) as f64
}

/// From `create_consumer` returning to the first message, produced right then.
async fn realtime_latency(brokers: &str) -> io::Result<Duration> {
    let topic = unique("latency");
    create_topic(brokers, &topic).await?;
    let s = connect(brokers).await?;
    let key = StreamKey::new(&topic).map_err(err)?;
    let p = s
        .create_producer(key.clone(), Default::default())
        .await
        .map_err(err)?;
    let c = s
        .create_consumer(&[key], KafkaConsumerOptions::new(ConsumerMode::RealTime))
        .await
        .map_err(err)?;
    let start = Instant::now();
    p.send("first").map_err(err)?.await.map_err(err)?;
    tokio::time::timeout(Duration::from_secs(10), c.next())
        .await
        .map_err(err)?
        .map_err(err)?;
    Ok(start.elapsed())
}

/// Runs the Kafka benchmarks; `false` if a bar was missed.
pub async fn run(brokers: &str, n: u64, runs: u32) -> io::Result<bool> {
    let payload = vec![b'x'; 100];
    println!("kafka at {brokers}: {n} messages of 100 B, best of {runs}, ours against raw rdkafka");
    // each run times raw, ours and raw again (a control: how far two raw runs disagree), the
    // order rotating from run to run; best of `runs` each
    let (mut raw_p, mut our_p, mut ctl_p) = (f64::MAX, f64::MAX, f64::MAX);
    for run in 0..runs {
        let (a, b, c) = (
            unique("raw-produce"),
            unique("our-produce"),
            unique("ctl-produce"),
        );
        for t in [&a, &b, &c] {
            create_topic(brokers, t).await?;
        }
        for step in 0..3 {
            match (run + step) % 3 {
                0 => raw_p = raw_p.min(raw_produce(brokers, &a, n, &payload).await?),
                1 => our_p = our_p.min(our_produce(brokers, &b, n, &payload).await?),
                _ => ctl_p = ctl_p.min(raw_produce(brokers, &c, n, &payload).await?),
            }
        }
    }
    let produce_ratio = raw_p / our_p;
    println!(
        "  produce: raw FutureProducer {:>6.2} M msgs/s | Producer::send {:>6.2} M msgs/s | ratio {produce_ratio:.2} (bar 0.95; raw against raw: {:.2})",
        n as f64 / raw_p / 1e6,
        n as f64 / our_p / 1e6,
        raw_p / ctl_p
    );
    let topic = unique("consume");
    create_topic(brokers, &topic).await?;
    raw_produce(brokers, &topic, n, &payload).await?;
    // a first read warms the broker's and the OS's caches
    raw_consume(brokers, &topic, n).await?;
    let (mut raw_c, mut our_c, mut ctl_c) = (f64::MAX, f64::MAX, f64::MAX);
    for run in 0..runs {
        for step in 0..3 {
            match (run + step) % 3 {
                0 => raw_c = raw_c.min(raw_consume(brokers, &topic, n).await?),
                1 => our_c = our_c.min(our_consume(brokers, &topic, n).await?),
                _ => ctl_c = ctl_c.min(raw_consume(brokers, &topic, n).await?),
            }
        }
    }
    let consume_ratio = raw_c / our_c;
    println!(
        "  consume: raw StreamConsumer {:>6.2} M msgs/s | Consumer::stream() {:>6.2} M msgs/s | ratio {consume_ratio:.2} (bar 0.95; raw against raw: {:.2})",
        n as f64 / raw_c / 1e6,
        n as f64 / our_c / 1e6,
        raw_c / ctl_c
    );
    // backpressure: a consumer slower than the broker holds what librdkafka prefetches, not
    // the backlog
    let slow_n = (n / 5).max(1);
    let slow = consumer_rss(brokers, &topic, slow_n, 50_000, None)?;
    let small = consumer_rss(brokers, &topic, slow_n, 50_000, Some(8192))?;
    let fast = consumer_rss(brokers, &topic, n, 0, None)?;
    println!(
        "  memory: a consumer at 50k msgs/s reading {slow_n} of a {n}-message backlog peaks at {slow:.1} MB RSS ({small:.1} MB with queued.max.messages.kbytes=8192, fetch.max.bytes=4194304, queued.min.messages=10000); one reading all {n} at full speed at {fast:.1} MB"
    );
    let latency = realtime_latency(brokers).await?;
    println!(
        "  RealTime first message {:.0} ms after create_consumer returned (bar 1000 ms)",
        latency.as_secs_f64() * 1e3
    );
    Ok(produce_ratio >= 0.95 && consume_ratio >= 0.95 && latency < Duration::from_secs(1))
}
