//! Kafka behaviour stated once and run on both clusters: librdkafka's in-process mock
//! (`tests/kafka_mock.rs`) and the real broker (`tests/kafka_broker.rs`), through
//! [`kafka_tests!`](crate::kafka_tests): the commit rule for every commit variant, rewind,
//! keys/headers/timestamps, RealTime semantics, the LoadBalanced layouts and failover,
//! transactions, and topic-name errors.
//!
//! The tests respect tansu's quirks (harmless on the mock): the end offset of a partition is the
//! base offset of its last batch + 1, so the last batch before an end look-up is one message,
//! awaited.

use std::{
    future::Future,
    time::{Duration, Instant},
};

use futures::StreamExt;
use sea_streamer_kafka::{
    rdkafka::error::RDKafkaErrorCode, AutoOffsetReset, KafkaConsumer, KafkaConsumerOptions,
    KafkaProducer, KafkaProducerOptions, KafkaRecord, KafkaStreamer,
};
use sea_streamer_types::{
    conformance::Harness, Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Message,
    Producer, SeqPos, ShardId, StreamErr, StreamKey, StreamKeyErr, Streamer,
};

use crate::{test_consumer_options, unique};

/// How long one wait may take.
const WAIT: Duration = Duration::from_secs(20);

/// A Kafka cluster to run the tests on.
pub trait Cluster: Harness<Streamer = KafkaStreamer> {
    /// Creates `topic` with `partitions` partitions.
    fn topic(&self, topic: &str, partitions: i32) -> impl Future<Output = ()> + Send;

    /// Whether consumer offsets sent to a transaction become the group's committed offsets.
    /// librdkafka's mock answers `TxnOffsetCommit` without storing anything.
    fn stores_transaction_offsets(&self) -> bool {
        true
    }
}

/// Expands one test per Kafka behaviour, on the cluster `$c` evaluates to (an
/// `Option`: `None` skips, after the cluster said why).
#[macro_export]
macro_rules! kafka_tests {
    ($c:expr) => {
        $crate::kafka_tests!(@each $c;
            commit_with_resumes_after_it,
            store_offset_then_commit_resumes_after_it,
            auto_commit_of_stored_offsets_resumes_after_it,
            commit_message_sync_resumes_after_it,
            realtime_consumers_cannot_commit,
            realtime_sees_only_messages_produced_after_it_was_created,
            rewind_to_beginning_at_and_end,
            keys_headers_and_timestamps_round_trip_on_three_partitions,
            load_balanced_two_consumers_two_partitions_one_each,
            load_balanced_two_consumers_three_partitions_two_and_one,
            load_balanced_one_partition_one_active_and_a_standby_that_takes_over,
            transactions_commit_abort_and_consumer_offsets,
            topic_names_kafka_refuses_are_clear_errors,
        );
    };
    (@each $c:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                if let Some(cluster) = $c {
                    // the runtime shuts down (closing what the test left open) while the
                    // cluster is still up
                    let runtime = $crate::kafka::runtime();
                    runtime.block_on($crate::kafka::$name(&cluster));
                    drop(runtime);
                }
            }
        )*
    };
}

/// A runtime for one test: multi-threaded, 2 workers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A streamer, a new topic of `partitions` partitions and a producer anchored to it.
pub async fn setup(
    c: &impl Cluster,
    name: &str,
    partitions: i32,
) -> (KafkaStreamer, StreamKey, KafkaProducer) {
    let topic = unique(name);
    c.topic(&topic, partitions).await;
    let s = c.streamer().await;
    let key = StreamKey::new(&topic).expect("valid topic");
    let p = s
        .create_producer(key.clone(), Default::default())
        .await
        .expect("producer");
    (s, key, p)
}

/// Sends `payloads` one at a time, each awaited (one message per batch).
pub async fn send_each(p: &KafkaProducer, payloads: impl IntoIterator<Item = String>) {
    for payload in payloads {
        p.send(payload).expect("send").await.expect("receipt");
    }
}

/// The next message's sequence and payload.
pub async fn next_payload(c: &KafkaConsumer) -> (u64, String) {
    let m = tokio::time::timeout(WAIT, c.next())
        .await
        .expect("a message within 20 s")
        .expect("a message");
    (
        m.sequence(),
        m.message().as_str().expect("UTF-8").to_owned(),
    )
}

/// Options of a LoadBalanced member of `group`, from the earliest offset, auto-commit off.
pub fn group_options(
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

/// A RealTime consumer of `key`.
pub async fn realtime(s: &KafkaStreamer, key: &StreamKey) -> KafkaConsumer {
    s.create_consumer(
        std::slice::from_ref(key),
        test_consumer_options(ConsumerMode::RealTime),
    )
    .await
    .expect("consumer")
}

/// A LoadBalanced member of `group` on `key`, with [`group_options`].
pub async fn member(
    s: &KafkaStreamer,
    key: &StreamKey,
    group: &str,
    configure: impl FnOnce(&mut KafkaConsumerOptions),
) -> KafkaConsumer {
    s.create_consumer(std::slice::from_ref(key), group_options(group, configure))
        .await
        .expect("consumer")
}

/// Reads messages 0..=4 with one consumer of a new group, commits message 4 with `commit`, then
/// a second consumer of the group must start at message 5.
async fn commit_rule(
    c: &impl Cluster,
    name: &str,
    configure: impl Fn(&mut KafkaConsumerOptions),
    commit: impl AsyncFnOnce(&KafkaConsumer, (StreamKey, ShardId, u64)),
) {
    let (s, key, p) = setup(c, name, 1).await;
    send_each(&p, (0..10).map(|i| format!("m{i}"))).await;
    let group = unique("group");
    {
        let consumer = member(&s, &key, &group, &configure).await;
        let mut last = None;
        for i in 0..5 {
            let m = tokio::time::timeout(WAIT, consumer.next())
                .await
                .expect("in time")
                .expect("a message");
            assert_eq!(m.sequence(), i);
            last = Some(m.identifier());
        }
        commit(&consumer, last.expect("five messages")).await;
    }
    let consumer = member(&s, &key, &group, &configure).await;
    assert_eq!(
        next_payload(&consumer).await,
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

/// `commit_with` of message 4: the group resumes at 5.
pub async fn commit_with_resumes_after_it(c: &impl Cluster) {
    commit_rule(
        c,
        "commit-with",
        |_| {},
        async |consumer, id| {
            let key = id.0.clone();
            consumer.commit_with(&id).expect("commit");
            await_committed(consumer, &key, 5).await;
        },
    )
    .await;
}

/// `store_offset_with` then `commit`: the group resumes after the stored message.
pub async fn store_offset_then_commit_resumes_after_it(c: &impl Cluster) {
    commit_rule(
        c,
        "store-commit",
        |o| {
            o.set_enable_auto_offset_store(false);
        },
        async |consumer, id| {
            consumer.store_offset_with(&id).expect("store");
            consumer.commit().await.expect("commit");
        },
    )
    .await;
}

/// Auto-commit of a stored offset: the group resumes after the stored message.
pub async fn auto_commit_of_stored_offsets_resumes_after_it(c: &impl Cluster) {
    commit_rule(
        c,
        "auto-commit",
        |o| {
            o.set_enable_auto_commit(true)
                .set_auto_commit_interval(Duration::from_millis(100))
                .set_enable_auto_offset_store(false);
        },
        async |consumer, id| {
            let key = id.0.clone();
            consumer.store_offset_with(&id).expect("store");
            await_committed(consumer, &key, 5).await;
        },
    )
    .await;
}

/// `commit_message_sync` of a message: the group resumes after it.
pub async fn commit_message_sync_resumes_after_it(c: &impl Cluster) {
    let (s, key, p) = setup(c, "commit-kafka-message", 1).await;
    send_each(&p, (0..4).map(|i| format!("m{i}"))).await;
    let group = unique("group");
    {
        let consumer = member(&s, &key, &group, |_| {}).await;
        let _ = tokio::time::timeout(WAIT, consumer.next())
            .await
            .expect("in time")
            .expect("m0");
        let m1 = tokio::time::timeout(WAIT, consumer.next())
            .await
            .expect("in time")
            .expect("m1");
        assert_eq!(m1.sequence(), 1);
        consumer.commit_message_sync(&m1).await.expect("commit");
    }
    let consumer = member(&s, &key, &group, |_| {}).await;
    assert_eq!(next_payload(&consumer).await, (2, "m2".to_owned()));
}

/// Every commit call of a RealTime consumer is `CommitNotAllowed`.
pub async fn realtime_consumers_cannot_commit(c: &impl Cluster) {
    let (s, key, p) = setup(c, "rt-commit", 1).await;
    let consumer = realtime(&s, &key).await;
    p.send("x").expect("send").await.expect("receipt");
    let m = tokio::time::timeout(WAIT, consumer.next())
        .await
        .expect("in time")
        .expect("a message");
    assert!(matches!(
        consumer.commit_message(&m),
        Err(StreamErr::CommitNotAllowed)
    ));
    assert!(matches!(
        consumer.commit_with(&m.identifier()),
        Err(StreamErr::CommitNotAllowed)
    ));
    assert!(matches!(
        consumer.store_offset_with(&m.identifier()),
        Err(StreamErr::CommitNotAllowed)
    ));
    assert!(matches!(
        consumer.commit_message_sync(&m).await,
        Err(StreamErr::CommitNotAllowed)
    ));
    drop(m);
    assert!(matches!(
        consumer.commit().await,
        Err(StreamErr::CommitNotAllowed)
    ));
}

/// A RealTime consumer gets what is produced after `create_consumer` returned, nothing before.
pub async fn realtime_sees_only_messages_produced_after_it_was_created(c: &impl Cluster) {
    let (s, key, p) = setup(c, "rt-new", 1).await;
    // one message per batch: the broker's end offset is then exact
    send_each(&p, (0..3).map(|i| format!("old{i}"))).await;
    let consumer = realtime(&s, &key).await;
    p.send("new").expect("send").await.expect("receipt");
    assert_eq!(next_payload(&consumer).await, (3, "new".to_owned()));
}

/// `rewind` to Beginning, At(n) and End.
pub async fn rewind_to_beginning_at_and_end(c: &impl Cluster) {
    let (s, key, p) = setup(c, "rewind", 1).await;
    send_each(&p, (0..10).map(|i| format!("m{i}"))).await;
    let mut consumer = realtime(&s, &key).await;
    consumer.rewind(SeqPos::Beginning).await.expect("rewind");
    assert_eq!(next_payload(&consumer).await, (0, "m0".to_owned()));
    consumer.rewind(SeqPos::At(6)).await.expect("rewind");
    assert_eq!(next_payload(&consumer).await, (6, "m6".to_owned()));
    assert_eq!(next_payload(&consumer).await, (7, "m7".to_owned()));
    consumer.rewind(SeqPos::End).await.expect("rewind");
    p.send("after end").expect("send").await.expect("receipt");
    assert_eq!(next_payload(&consumer).await, (10, "after end".to_owned()));
}

/// Key, partition, headers and timestamp of a record arrive as sent, on each of 3 partitions.
pub async fn keys_headers_and_timestamps_round_trip_on_three_partitions(c: &impl Cluster) {
    let (s, key, p) = setup(c, "records", 3).await;
    let mut consumer = realtime(&s, &key).await;
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
                .expect("send")
                .await
                .expect("receipt"),
        );
    }
    for (partition, r) in receipts.iter().enumerate() {
        assert_eq!(r.shard_id(), ShardId::new(partition as u64));
        assert_eq!(r.sequence(), 0);
        if c.exact_receipt_timestamps() {
            assert_eq!(
                r.timestamp().unix_timestamp_nanos(),
                i128::from(ts + partition as i64) * 1_000_000
            );
        }
    }
    let mut got = Vec::new();
    {
        let mut stream = consumer.stream();
        for _ in 0..3 {
            let m = tokio::time::timeout(WAIT, stream.next())
                .await
                .expect("in time")
                .expect("not ended")
                .expect("a message");
            let headers: Vec<(String, Option<Vec<u8>>)> = m
                .headers()
                .map(|(k, v)| (k.to_owned(), v.map(<[u8]>::to_vec)))
                .collect();
            got.push((
                m.shard_id().id(),
                m.key().map(<[u8]>::to_vec),
                m.message().as_str().expect("UTF-8").to_owned(),
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

/// Two members of one group and what they got.
#[allow(missing_debug_implementations)] // test scaffolding
pub struct TwoMembers {
    /// The partitions the first member got messages from.
    pub first: Vec<u64>,
    /// The partitions the second member got messages from.
    pub second: Vec<u64>,
    /// The topic.
    pub key: StreamKey,
    /// Its producer.
    pub producer: KafkaProducer,
    /// The first member.
    pub c1: KafkaConsumer,
    /// The second member.
    pub c2: KafkaConsumer,
}

/// Two members of one group on a topic of `partitions` partitions: sends 5 messages to each
/// partition, consumes until all arrived, and says which partitions each member got.
pub async fn two_members(c: &impl Cluster, name: &str, partitions: i32) -> TwoMembers {
    let (s, key, p) = setup(c, name, partitions).await;
    let group = unique("lb");
    let opts = || {
        let mut o = test_consumer_options(ConsumerMode::LoadBalanced);
        o.set_consumer_group(ConsumerGroup::new(&group));
        o
    };
    let c1 = s
        .create_consumer(std::slice::from_ref(&key), opts())
        .await
        .expect("consumer");
    let c2 = s
        .create_consumer(std::slice::from_ref(&key), opts())
        .await
        .expect("consumer");
    settle(&c1, &c2, partitions).await;
    let per_partition = 5;
    for partition in 0..partitions {
        for i in 0..per_partition {
            let record = KafkaRecord::default().partition(ShardId::new(partition as u64));
            p.send_record(&key, record, format!("p{partition}-{i}"))
                .expect("send")
                .await
                .expect("receipt");
        }
    }
    // distinct messages: a rebalance may deliver some twice (at least once)
    let total = (partitions * per_partition) as usize;
    let mut seen = std::collections::BTreeSet::new();
    let (mut got1, mut got2) = (Vec::new(), Vec::new());
    tokio::time::timeout(Duration::from_secs(40), async {
        while seen.len() < total {
            let (got, m) = tokio::select! {
                m = c1.next() => (&mut got1, m),
                m = c2.next() => (&mut got2, m),
            };
            let m = m.expect("a message");
            got.push(m.shard_id().id());
            seen.insert(m.message().as_str().expect("UTF-8").to_owned());
        }
    })
    .await
    .expect("all messages within 40 s");
    let parts = |mut v: Vec<u64>| {
        v.sort();
        v.dedup();
        v
    };
    TwoMembers {
        first: parts(got1),
        second: parts(got2),
        key,
        producer: p,
        c1,
        c2,
    }
}

/// Polls both members until the group has assigned every partition, to both members where
/// there are two or more (so that no rebalance moves partitions while the test consumes).
async fn settle(c1: &KafkaConsumer, c2: &KafkaConsumer, partitions: i32) {
    use sea_streamer_kafka::rdkafka::consumer::Consumer as _;
    let assigned = |c: &KafkaConsumer| c.inner().assignment().map_or(0, |a| a.count());
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let (a, b) = (assigned(c1), assigned(c2));
        let partitions = usize::try_from(partitions).expect("a partition count");
        if a + b == partitions && (partitions == 1 || (a > 0 && b > 0)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the group did not settle in 40 s: {a} + {b} of {partitions} partitions assigned"
        );
        // the members join and take their partitions while they are polled
        tokio::select! {
            m = c1.next() => panic!("a message before any was sent: {:?}", m.map(|m| m.sequence())),
            m = c2.next() => panic!("a message before any was sent: {:?}", m.map(|m| m.sequence())),
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
}

/// 2 members, 2 partitions: one each.
pub async fn load_balanced_two_consumers_two_partitions_one_each(c: &impl Cluster) {
    let t = two_members(c, "lb-2-2", 2).await;
    assert_eq!(
        (t.first.len(), t.second.len()),
        (1, 1),
        "{:?} {:?}",
        t.first,
        t.second
    );
    assert_ne!(t.first, t.second);
}

/// 2 members, 3 partitions: two and one.
pub async fn load_balanced_two_consumers_three_partitions_two_and_one(c: &impl Cluster) {
    let t = two_members(c, "lb-2-3", 3).await;
    let mut sizes = [t.first.len(), t.second.len()];
    sizes.sort();
    assert_eq!(sizes, [1, 2], "{:?} {:?}", t.first, t.second);
    let mut all: Vec<u64> = t.first.iter().chain(&t.second).copied().collect();
    all.sort();
    assert_eq!(all, [0, 1, 2]);
}

/// 2 members, 1 partition: one active, one on standby, which takes over when the active one
/// closes.
pub async fn load_balanced_one_partition_one_active_and_a_standby_that_takes_over(
    c: &impl Cluster,
) {
    let t = two_members(c, "lb-2-1", 1).await;
    assert!(
        t.first.is_empty() != t.second.is_empty(),
        "{:?} {:?}",
        t.first,
        t.second
    );
    let (active, standby) = if t.first.is_empty() {
        (t.c2, t.c1)
    } else {
        (t.c1, t.c2)
    };
    // the active one commits what it read and leaves; the standby takes the partition over.
    // The standby's own join may still be rebalancing the group: then the commit is refused
    // (RebalanceInProgress, or a stale generation), and the standby reads from the group's last
    // commit: at least once
    let committed = match active.commit().await {
        Ok(()) => true,
        Err(StreamErr::Backend(e))
            if matches!(
                e.rdkafka_error_code(),
                Some(
                    RDKafkaErrorCode::RebalanceInProgress
                        | RDKafkaErrorCode::IllegalGeneration
                        | RDKafkaErrorCode::UnknownMemberId
                )
            ) =>
        {
            false
        }
        Err(e) => panic!("commit: {e:?}"),
    };
    drop(active);
    let after = t
        .producer
        .send("after failover")
        .expect("send")
        .await
        .expect("receipt");
    let m = tokio::time::timeout(Duration::from_secs(40), async {
        loop {
            let m = standby.next().await.expect("a message");
            if m.sequence() == after.sequence() {
                return m;
            }
            assert!(
                !committed,
                "after a commit, the standby starts past what was read"
            );
        }
    })
    .await
    .expect("the standby takes over within 40 s");
    assert_eq!(m.message().as_str().expect("UTF-8"), "after failover");
    assert_eq!(m.stream_key(), t.key);
}

/// Consume-transform-produce in transactions: a committed transaction's messages and consumer
/// offsets take effect (the group resumes after the messages sent as done); an aborted one's
/// messages are invisible to a `read_committed` reader.
pub async fn transactions_commit_abort_and_consumer_offsets(c: &impl Cluster) {
    let (s, input, p) = setup(c, "txn-in", 1).await;
    let output = StreamKey::new(unique("txn-out")).expect("valid topic");
    c.topic(output.name(), 1).await;
    send_each(&p, (0..4).map(|i| format!("in{i}"))).await;
    let group = unique("txn-group");
    let mut options = KafkaProducerOptions::default();
    options.set_transactional_id(unique("txn"));
    let txn = s
        .create_generic_producer(options)
        .await
        .expect("transactional producer");
    txn.init_transactions().await.expect("init_transactions");
    {
        let consumer = member(&s, &input, &group, |_| {}).await;
        let (mut done, mut out) = (Vec::new(), Vec::new());
        for i in 0..2 {
            let m = tokio::time::timeout(WAIT, consumer.next())
                .await
                .expect("in time")
                .expect("a message");
            assert_eq!(m.sequence(), i);
            out.push(format!("out{i}"));
            done.push(m.identifier());
        }
        txn.begin_transaction().expect("begin");
        for payload in out {
            txn.send_to(&output, payload).expect("send");
        }
        txn.send_offsets_to_transaction(&consumer, &done)
            .await
            .expect("send_offsets_to_transaction");
        txn.commit_transaction().await.expect("commit");
        // a RealTime consumer has no group to commit for
        let realtime = realtime(&s, &input).await;
        txn.begin_transaction().expect("begin");
        assert!(matches!(
            txn.send_offsets_to_transaction(&realtime, &done).await,
            Err(StreamErr::CommitNotAllowed)
        ));
        txn.send_to(&output, "aborted").expect("send");
        txn.abort_transaction().await.expect("abort");
        txn.begin_transaction().expect("begin");
        txn.send_to(&output, "out2").expect("send");
        txn.commit_transaction().await.expect("commit");
    }
    if c.stores_transaction_offsets() {
        // the group resumes after the last message the transaction marked done
        let consumer = member(&s, &input, &group, |_| {}).await;
        assert_eq!(next_payload(&consumer).await, (2, "in2".to_owned()));
    }
    // a read_committed reader of the output sees the committed messages only, in order
    let mut options = test_consumer_options(ConsumerMode::RealTime);
    options
        .set_auto_offset_reset(AutoOffsetReset::Earliest)
        .add_custom_option("isolation.level", "read_committed");
    let reader = s
        .create_consumer(std::slice::from_ref(&output), options)
        .await
        .expect("consumer");
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(next_payload(&reader).await.1);
    }
    assert_eq!(got, ["out0", "out1", "out2"]);
}

/// `.` and `..` are valid stream keys but not Kafka topics: producers and consumers refuse them
/// with an error that says so.
pub async fn topic_names_kafka_refuses_are_clear_errors(c: &impl Cluster) {
    let (s, key, p) = setup(c, "names", 1).await;
    let check = |what: &str, err: StreamErr<_>| {
        assert!(
            matches!(
                &err,
                StreamErr::StreamKey(StreamKeyErr::Refused {
                    backend: "Kafka",
                    ..
                })
            ),
            "{what}: {err:?}"
        );
        assert!(err.to_string().contains("not topic names"), "{what}: {err}");
    };
    for name in [".", ".."] {
        let bad = StreamKey::new(name).expect("a valid stream key");
        check(
            "create_producer",
            s.create_producer(bad.clone(), Default::default())
                .await
                .expect_err(name),
        );
        check("send_to", p.send_to(&bad, "x").expect_err(name));
        check(
            "create_consumer",
            s.create_consumer(
                &[key.clone(), bad.clone()],
                test_consumer_options(ConsumerMode::RealTime),
            )
            .await
            .expect_err(name),
        );
    }
    // the producer still works
    let receipt = p.send("ok").expect("send").await.expect("receipt");
    assert_eq!(receipt.stream_key(), &key);
}
