//! Kafka behaviour against the real broker at `KAFKA_BROKERS` (`scripts/test` starts one):
//! the commit rule for every commit variant, rewind, seek by time, keys/headers/timestamps,
//! RealTime semantics and errors. Each test says why it skips without a broker; with
//! `SEA_STREAMER_REQUIRE_KAFKA=1` that is a failure.
//!
//! Tansu quirks these tests respect (see the notes at each): the end offset of a partition is the
//! base offset of its last batch + 1 (so the last batch before an end look-up is one message,
//! awaited), and time look-ups use the broker's write time of each batch (so a seek test leaves
//! real time between the messages before and after the seek point).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::time::{Duration, Instant};

use sea_streamer_kafka::{
    AutoOffsetReset, KafkaConnectOptions, KafkaConsumer, KafkaConsumerOptions, KafkaProducer,
    KafkaRecord, KafkaStreamer,
};
use sea_streamer_tests::{test_consumer_options, unique, Broker};
use sea_streamer_types::{
    ConnectOptions, Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Message, Producer,
    SeqPos, ShardId, StreamErr, StreamKey, Streamer, Timestamp,
};

macro_rules! broker {
    () => {
        match Broker::from_env(module_path!()) {
            Some(b) => b,
            None => return,
        }
    };
}

async fn setup(
    b: &Broker,
    name: &str,
    partitions: i32,
) -> (KafkaStreamer, StreamKey, KafkaProducer) {
    let topic = unique(name);
    b.create_topic(&topic, partitions).await;
    let mut options = KafkaConnectOptions::default();
    options.set_timeout(Duration::from_secs(10));
    let s = KafkaStreamer::connect(format!("kafka://{}", b.brokers()).parse().unwrap(), options)
        .await
        .unwrap();
    let key = StreamKey::new(&topic).unwrap();
    let p = s
        .create_producer(key.clone(), Default::default())
        .await
        .unwrap();
    (s, key, p)
}

/// Sends `payloads` one at a time, each awaited (one message per batch).
async fn send_each(p: &KafkaProducer, payloads: impl IntoIterator<Item = String>) {
    for payload in payloads {
        p.send(payload).unwrap().await.unwrap();
    }
}

async fn next_payload(c: &KafkaConsumer) -> (u64, String) {
    let m = tokio::time::timeout(Duration::from_secs(20), c.next())
        .await
        .expect("a message within 20 s")
        .unwrap();
    (m.sequence(), m.message().as_str().unwrap().to_owned())
}

fn group_options(
    group: &str,
    configure: impl FnOnce(&mut KafkaConsumerOptions),
) -> KafkaConsumerOptions {
    let mut o = test_consumer_options(ConsumerMode::LoadBalanced);
    o.set_consumer_group(ConsumerGroup::new(group))
        .set_auto_offset_reset(AutoOffsetReset::Earliest)
        .set_enable_auto_commit(false);
    configure(&mut o);
    o
}

/// Reads messages 0..=4 with one consumer of a new group, commits message 4 with `commit`, then
/// a second consumer of the group must start at message 5.
async fn commit_rule(
    name: &str,
    configure: impl Fn(&mut KafkaConsumerOptions),
    commit: impl AsyncFnOnce(&KafkaConsumer, (StreamKey, ShardId, u64)),
) {
    let b = broker!();
    let (s, key, p) = setup(&b, name, 1).await;
    send_each(&p, (0..10).map(|i| format!("m{i}"))).await;
    let group = unique("group");
    {
        let c = s
            .create_consumer(
                std::slice::from_ref(&key),
                group_options(&group, &configure),
            )
            .await
            .unwrap();
        let mut last = None;
        for i in 0..5 {
            let m = tokio::time::timeout(Duration::from_secs(20), c.next())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(m.sequence(), i);
            last = Some(m.identifier());
        }
        commit(&c, last.unwrap()).await;
    }
    let c = s
        .create_consumer(
            std::slice::from_ref(&key),
            group_options(&group, &configure),
        )
        .await
        .unwrap();
    assert_eq!(
        next_payload(&c).await,
        (5, "m5".to_owned()),
        "{name}: resumed at the wrong message"
    );
}

/// Waits until the group's committed offset of partition 0 is `offset` (an async commit may
/// still be on its way when it returns).
async fn await_committed(c: &KafkaConsumer, key: &StreamKey, offset: i64) {
    use sea_streamer_kafka::rdkafka::{consumer::Consumer as _, Offset, TopicPartitionList};
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(key.name(), 0);
        let got = c
            .inner()
            .committed_offsets(tpl, Duration::from_secs(5))
            .map(|t| t.elements().first().map(|e| e.offset()));
        if let Ok(Some(Offset::Offset(o))) = got {
            if o == offset {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "commit of {offset} did not arrive: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_with_resumes_after_it() {
    commit_rule(
        "commit-with",
        |_| {},
        async |c, id| {
            let key = id.0.clone();
            c.commit_with(&id).unwrap();
            await_committed(c, &key, 5).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_offset_then_commit_resumes_after_it() {
    commit_rule(
        "store-commit",
        |o| {
            o.set_enable_auto_offset_store(false);
        },
        async |c, id| {
            c.store_offset_with(&id).unwrap();
            c.commit().await.unwrap();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_commit_of_stored_offsets_resumes_after_it() {
    commit_rule(
        "auto-commit",
        |o| {
            o.set_enable_auto_commit(true)
                .set_auto_commit_interval(Duration::from_millis(100))
                .set_enable_auto_offset_store(false);
        },
        async |c, id| {
            let key = id.0.clone();
            c.store_offset_with(&id).unwrap();
            await_committed(c, &key, 5).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_of_a_kafka_message_resumes_after_it() {
    let b = broker!();
    let (s, key, p) = setup(&b, "commit-kafka-message", 1).await;
    send_each(&p, (0..4).map(|i| format!("m{i}"))).await;
    let group = unique("group");
    {
        let c = s
            .create_consumer(std::slice::from_ref(&key), group_options(&group, |_| {}))
            .await
            .unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(20), c.next())
            .await
            .unwrap()
            .unwrap();
        let m1 = tokio::time::timeout(Duration::from_secs(20), c.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m1.sequence(), 1);
        c.commit_message_sync(&m1).await.unwrap();
    }
    let c = s
        .create_consumer(std::slice::from_ref(&key), group_options(&group, |_| {}))
        .await
        .unwrap();
    assert_eq!(next_payload(&c).await, (2, "m2".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realtime_consumers_cannot_commit() {
    let b = broker!();
    let (s, key, p) = setup(&b, "rt-commit", 1).await;
    let c = s
        .create_consumer(
            std::slice::from_ref(&key),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .unwrap();
    p.send("x").unwrap().await.unwrap();
    let m = tokio::time::timeout(Duration::from_secs(20), c.next())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        c.commit_message(&m),
        Err(StreamErr::CommitNotAllowed)
    ));
    assert!(matches!(
        c.commit_with(&m.identifier()),
        Err(StreamErr::CommitNotAllowed)
    ));
    assert!(matches!(
        c.store_offset_with(&m.identifier()),
        Err(StreamErr::CommitNotAllowed)
    ));
    drop(m);
    assert!(matches!(c.commit().await, Err(StreamErr::CommitNotAllowed)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realtime_sees_only_messages_produced_after_it_was_created() {
    let b = broker!();
    let (s, key, p) = setup(&b, "rt-new", 1).await;
    // one message per batch: the broker's end offset is then exact
    send_each(&p, (0..3).map(|i| format!("old{i}"))).await;
    let c = s
        .create_consumer(
            std::slice::from_ref(&key),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .unwrap();
    p.send("new").unwrap().await.unwrap();
    assert_eq!(next_payload(&c).await, (3, "new".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewind_to_beginning_at_and_end() {
    let b = broker!();
    let (s, key, p) = setup(&b, "rewind", 1).await;
    send_each(&p, (0..10).map(|i| format!("m{i}"))).await;
    let mut c = s
        .create_consumer(
            std::slice::from_ref(&key),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .unwrap();
    c.rewind(SeqPos::Beginning).await.unwrap();
    assert_eq!(next_payload(&c).await, (0, "m0".to_owned()));
    c.rewind(SeqPos::At(6)).await.unwrap();
    assert_eq!(next_payload(&c).await, (6, "m6".to_owned()));
    assert_eq!(next_payload(&c).await, (7, "m7".to_owned()));
    c.rewind(SeqPos::End).await.unwrap();
    p.send("after end").unwrap().await.unwrap();
    assert_eq!(next_payload(&c).await, (10, "after end".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seek_by_time_starts_at_the_first_message_at_or_after_it() {
    let b = broker!();
    let (s, key, p) = setup(&b, "seek", 1).await;
    send_each(&p, (0..3).map(|i| format!("before{i}"))).await;
    // tansu looks times up by each batch's write time: leave real time around the seek point
    tokio::time::sleep(Duration::from_millis(300)).await;
    let point = Timestamp::now_utc();
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_each(&p, (0..3).map(|i| format!("after{i}"))).await;
    let mut c = s
        .create_consumer(
            std::slice::from_ref(&key),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .unwrap();
    c.seek(point).await.unwrap();
    assert_eq!(next_payload(&c).await, (3, "after0".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_headers_and_timestamps_round_trip_on_three_partitions() {
    let b = broker!();
    let (s, key, p) = setup(&b, "records", 3).await;
    let mut c = s
        .create_consumer(
            std::slice::from_ref(&key),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .unwrap();
    let ts = 1_700_000_000_123i64;
    let mut receipts = Vec::new();
    for partition in 0..3u64 {
        let k = format!("key{partition}");
        let record = KafkaRecord::default()
            .key(k.as_bytes())
            .partition(ShardId::new(partition))
            .timestamp_millis(ts + partition as i64)
            .header("h", Some(b"v"))
            .header("empty", None);
        receipts.push(
            p.send_record(&key, record, format!("p{partition}"))
                .unwrap()
                .await
                .unwrap(),
        );
    }
    for (partition, r) in receipts.iter().enumerate() {
        assert_eq!(r.shard_id(), ShardId::new(partition as u64));
        assert_eq!(r.sequence(), 0);
        assert_eq!(
            r.timestamp().unix_timestamp_nanos(),
            i128::from(ts + partition as i64) * 1_000_000
        );
    }
    let mut got = Vec::new();
    {
        use futures::StreamExt;
        let mut stream = c.stream();
        for _ in 0..3 {
            let m = tokio::time::timeout(Duration::from_secs(20), stream.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            let headers: Vec<(String, Option<Vec<u8>>)> = m
                .headers()
                .map(|(k, v)| (k.to_owned(), v.map(<[u8]>::to_vec)))
                .collect();
            got.push((
                m.shard_id().id(),
                m.key().map(<[u8]>::to_vec),
                m.message().as_str().unwrap().to_owned(),
                m.timestamp().unix_timestamp_nanos() / 1_000_000,
                headers,
            ));
        }
    }
    got.sort();
    for (i, g) in got.iter().enumerate() {
        assert_eq!(
            g,
            &(
                i as u64,
                Some(format!("key{i}").into_bytes()),
                format!("p{i}"),
                i128::from(ts + i as i64),
                vec![
                    ("h".to_owned(), Some(b"v".to_vec())),
                    ("empty".to_owned(), None)
                ]
            )
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_topic_is_a_clear_error() {
    let b = broker!();
    let (s, _, _) = setup(&b, "exists", 1).await;
    let missing = StreamKey::new(unique("missing")).unwrap();
    let err = s
        .create_consumer(
            std::slice::from_ref(&missing),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .expect_err("a consumer of a missing topic");
    assert!(
        matches!(&err, StreamErr::StreamKeyNotFound(k) if k == &missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn an_unreachable_broker_is_a_connect_error_within_the_timeout() {
    // needs no broker: port 1 on loopback refuses connections
    let mut options = KafkaConnectOptions::default();
    options.set_timeout(Duration::from_secs(2));
    let start = Instant::now();
    let err = KafkaStreamer::connect("kafka://127.0.0.1:1".parse().unwrap(), options)
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, StreamErr::Connect(_)), "{err:?}");
    assert!(
        err.to_string().contains("is it running and reachable"),
        "{err}"
    );
}

#[tokio::test]
async fn connect_rejects_bad_uris_and_a_zero_timeout() {
    let cases = [
        ("stdio://", "is not a Kafka URI"),
        ("kafka://", "names no broker"),
    ];
    for (uri, text) in cases {
        let err = KafkaStreamer::connect(uri.parse().unwrap(), KafkaConnectOptions::default())
            .await
            .expect_err(uri);
        assert!(err.to_string().contains(text), "{uri}: {err}");
    }
    let mut zero = KafkaConnectOptions::default();
    zero.set_timeout(Duration::ZERO);
    let err = KafkaStreamer::connect("kafka://127.0.0.1:19092".parse().unwrap(), zero)
        .await
        .expect_err("zero timeout");
    assert!(err.to_string().contains("timeout is zero"), "{err}");
}

/// Two members of one group on a topic of `partitions` partitions: sends `per_partition`
/// messages to each partition, consumes until all arrived, and returns the partitions each
/// member got messages from.
async fn two_members(
    b: &Broker,
    name: &str,
    partitions: i32,
) -> (
    Vec<u64>,
    Vec<u64>,
    KafkaStreamer,
    StreamKey,
    KafkaProducer,
    KafkaConsumer,
    KafkaConsumer,
) {
    let (s, key, p) = setup(b, name, partitions).await;
    let group = unique("lb");
    let opts = || {
        let mut o = test_consumer_options(ConsumerMode::LoadBalanced);
        o.set_consumer_group(ConsumerGroup::new(&group));
        o
    };
    let c1 = s
        .create_consumer(std::slice::from_ref(&key), opts())
        .await
        .unwrap();
    let c2 = s
        .create_consumer(std::slice::from_ref(&key), opts())
        .await
        .unwrap();
    let per_partition = 5;
    for partition in 0..partitions {
        for i in 0..per_partition {
            let record = KafkaRecord::default().partition(ShardId::new(partition as u64));
            p.send_record(&key, record, format!("p{partition}-{i}"))
                .unwrap()
                .await
                .unwrap();
        }
    }
    let total = (partitions * per_partition) as usize;
    let (mut got1, mut got2) = (Vec::new(), Vec::new());
    tokio::time::timeout(Duration::from_secs(40), async {
        while got1.len() + got2.len() < total {
            tokio::select! {
                m = c1.next() => got1.push(m.unwrap().shard_id().id()),
                m = c2.next() => got2.push(m.unwrap().shard_id().id()),
            }
        }
    })
    .await
    .expect("all messages within 40 s");
    let parts = |mut v: Vec<u64>| {
        v.sort();
        v.dedup();
        v
    };
    (parts(got1), parts(got2), s, key, p, c1, c2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balanced_two_consumers_two_partitions_one_each() {
    let b = broker!();
    let (a, b2, ..) = two_members(&b, "lb-2-2", 2).await;
    assert_eq!((a.len(), b2.len()), (1, 1), "{a:?} {b2:?}");
    assert_ne!(a, b2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balanced_two_consumers_three_partitions_two_and_one() {
    let b = broker!();
    let (a, b2, ..) = two_members(&b, "lb-2-3", 3).await;
    let mut sizes = [a.len(), b2.len()];
    sizes.sort();
    assert_eq!(sizes, [1, 2], "{a:?} {b2:?}");
    let mut all: Vec<u64> = a.iter().chain(&b2).copied().collect();
    all.sort();
    assert_eq!(all, [0, 1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balanced_one_partition_one_active_and_a_standby_that_takes_over() {
    let b = broker!();
    let (a, b2, _s, key, p, c1, c2) = two_members(&b, "lb-2-1", 1).await;
    // one member got everything; the other is on standby
    assert!(a.is_empty() != b2.is_empty(), "{a:?} {b2:?}");
    let (active, standby) = if a.is_empty() { (c2, c1) } else { (c1, c2) };
    // the active one commits what it read and leaves; the standby takes the partition over
    active.commit().await.unwrap();
    drop(active);
    p.send("after failover").unwrap().await.unwrap();
    let m = tokio::time::timeout(Duration::from_secs(40), standby.next())
        .await
        .expect("the standby takes over within 40 s")
        .unwrap();
    assert_eq!(m.message().as_str().unwrap(), "after failover");
    assert_eq!(m.stream_key(), key);
}
