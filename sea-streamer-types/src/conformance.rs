//! The backend conformance suite: the contract stated once, run by every backend.
//!
//! A backend implements [`Harness`] (how to get a streamer whose producers reach its consumers, and
//! a stream name unique to the test) and expands [`conformance_tests!`](crate::conformance_tests)
//! in a test file, which makes one `#[tokio::test]` per behaviour. Behaviours a backend declares it
//! lacks (in [`Capabilities`]) are checked to fail with
//! [`StreamErr::Unsupported`] instead.
//!
//! Every check panics with a message on failure, and every wait has a deadline, so a broken
//! backend fails the test instead of hanging it.

use std::{collections::BTreeSet, fmt::Debug, future::Future, time::Duration};

use futures::{FutureExt, StreamExt};

use crate::{
    Capabilities, Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Message, MessageHeader,
    Producer, SeqPos, StreamErr, StreamKey, StreamResult, Streamer, Timestamp,
};

/// How long any one wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// What the suite needs from a backend.
pub trait Harness: Sync {
    /// The backend.
    type Streamer: Streamer;

    /// A connected streamer whose producers' messages reach its consumers.
    fn streamer(&self) -> impl Future<Output = Self::Streamer> + Send;

    /// A stream unique to this test run (so tests can share a broker), created where the backend
    /// needs streams created (a Kafka topic with one partition).
    fn stream(&self, name: &str) -> impl Future<Output = StreamKey> + Send;

    /// Whether receipts carry the timestamp the consumer sees. True for real backends; librdkafka's
    /// mock broker answers every produce with a log-append time of 1234 ms, which real brokers
    /// only do for topics that keep log-append time.
    fn exact_receipt_timestamps(&self) -> bool {
        true
    }

    /// Consumer options of `mode` for these tests; by default `ConsumerOptions::new(mode)`.
    /// (Kafka: group consumers start at the earliest offset, so a test need not wait for the
    /// group to form before producing.)
    fn consumer_options(
        &self,
        mode: ConsumerMode,
    ) -> <Self::Streamer as Streamer>::ConsumerOptions {
        <<Self::Streamer as Streamer>::ConsumerOptions as ConsumerOptions>::new(mode)
    }

    /// Waits until `consumer` will get messages produced from now on (Kafka: its partitions are
    /// assigned and positioned). Stdio consumers are ready at once.
    fn ready(
        &self,
        consumer: &<Self::Streamer as Streamer>::Consumer,
    ) -> impl Future<Output = ()> + Send {
        let _ = consumer;
        async {}
    }
}

type S<H> = <H as Harness>::Streamer;
type Opts<H> = <S<H> as Streamer>::ConsumerOptions;

fn options<H: Harness>(h: &H, mode: ConsumerMode, group: Option<&str>) -> Opts<H> {
    let mut o = h.consumer_options(mode);
    if let Some(g) = group {
        o.set_consumer_group(ConsumerGroup::new(g));
    }
    o
}

fn ok<T, E: Debug>(what: &str, r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what} failed: {e:?}"),
    }
}

async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(DEADLINE, f).await {
        Ok(v) => v,
        Err(_) => panic!("{what} did not finish within {DEADLINE:?}"),
    }
}

async fn consumer<H: Harness>(
    h: &H,
    s: &S<H>,
    streams: &[StreamKey],
    opts: Opts<H>,
) -> <S<H> as Streamer>::Consumer {
    let c = ok("create_consumer", s.create_consumer(streams, opts).await);
    within("consumer ready", h.ready(&c)).await;
    c
}

/// A RealTime consumer of `key`, ready.
async fn realtime<H: Harness>(h: &H, s: &S<H>, key: &StreamKey) -> <S<H> as Streamer>::Consumer {
    consumer(
        h,
        s,
        std::slice::from_ref(key),
        options(h, ConsumerMode::RealTime, None),
    )
    .await
}

/// A producer anchored to `key`.
async fn producer<St: Streamer>(s: &St, key: &StreamKey) -> St::Producer {
    ok(
        "create_producer",
        s.create_producer(key.clone(), Default::default()).await,
    )
}

/// `(stream, payload, sequence)` of the next `n` messages that are not on `broadcast`.
async fn take<C: Consumer>(c: &C, n: usize) -> Vec<(String, String, u64, MessageHeader)> {
    let mut got = Vec::with_capacity(n);
    within(&format!("receiving {n} messages"), async {
        while got.len() < n {
            let m = ok("next", c.next().await);
            if m.stream_key().name() == crate::BROADCAST {
                continue;
            }
            let payload = ok("payload as_str", m.message().as_str()).to_owned();
            got.push((
                m.stream_key().name().to_owned(),
                payload,
                m.sequence(),
                m.header(),
            ));
        }
    })
    .await;
    got
}

fn payloads(n: usize, tag: &str) -> Vec<String> {
    (0..n).map(|i| format!("{tag}-{i}")).collect()
}

async fn send_all<P: Producer>(p: &P, stream: &StreamKey, items: &[String]) -> Vec<MessageHeader> {
    let mut receipts = Vec::new();
    for item in items {
        let fut = ok("send_to", p.send_to(stream, item.as_str()));
        receipts.push(fut);
    }
    let mut headers = Vec::new();
    for r in receipts {
        headers.push(ok("receipt", within("receipt", r).await));
    }
    headers
}

fn assert_unsupported<T, E: Debug>(what: &str, r: StreamResult<T, E>) {
    match r {
        Err(StreamErr::Unsupported(msg)) => assert!(!msg.is_empty(), "{what}: empty message"),
        Err(e) => panic!("{what}: expected Unsupported, got {e:?}"),
        Ok(_) => panic!("{what}: expected Unsupported, got Ok"),
    }
}

/// Messages arrive in order, with the payload, stream and header of their receipt.
pub async fn send_and_receive_in_order<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("order").await;
    let c = realtime(h, &s, &key).await;
    let p = producer(&s, &key).await;
    let items = payloads(20, "m");
    let receipts = send_all(&p, &key, &items).await;
    let got = take(&c, items.len()).await;
    for (i, ((stream, payload, seq, header), receipt)) in got.iter().zip(&receipts).enumerate() {
        assert_eq!(stream, key.name(), "message {i} stream");
        assert_eq!(payload, &items[i], "message {i} payload");
        assert_eq!(
            *seq,
            receipt.sequence(),
            "message {i}: sequence differs from its receipt"
        );
        if h.exact_receipt_timestamps() {
            assert_eq!(
                header, receipt,
                "message {i}: header differs from its receipt"
            );
        } else {
            assert_eq!(
                header.identifier(),
                receipt.identifier(),
                "message {i}: header differs from its receipt"
            );
        }
    }
}

/// Receipts carry real, distinct, increasing sequence numbers (per shard).
pub async fn receipts_carry_real_sequences<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("receipts").await;
    let p = producer(&s, &key).await;
    let receipts = send_all(&p, &key, &payloads(10, "r")).await;
    let mut last = std::collections::HashMap::new();
    for r in &receipts {
        assert_eq!(r.stream_key(), &key);
        if let Some(prev) = last.insert(r.shard_id(), r.sequence()) {
            assert_eq!(
                r.sequence(),
                prev + 1,
                "receipts on one shard must count up by one: {receipts:?}"
            );
        }
    }
    let now = Timestamp::now_utc();
    for r in receipts.iter().filter(|_| h.exact_receipt_timestamps()) {
        let age = now - r.timestamp();
        assert!(
            age.is_positive() || age.is_zero(),
            "receipt timestamp in the future: {r:?}"
        );
        assert!(
            age < time::Duration::minutes(5),
            "receipt timestamp is not the send time: {r:?}"
        );
    }
}

/// The example of the contract: `consumer.stream().take(num).map(process).collect()`.
pub async fn stream_take_map_collect<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("stream").await;
    let mut c = realtime(h, &s, &key).await;
    let p = producer(&s, &key).await;
    let items = payloads(8, "s");
    send_all(&p, &key, &items).await;
    fn process_message<M: Message, E: Debug>(m: Result<M, StreamErr<E>>) -> String {
        ok(
            "message",
            m.and_then(|m| {
                Ok(m.message()
                    .as_str()
                    .map_err(|e| StreamErr::Unsupported(e.to_string()))?
                    .to_owned())
            }),
        )
    }
    let got = within(
        "stream().take().collect()",
        c.stream()
            .take(items.len())
            .map(process_message)
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(got, items);
    // what the stream did not hand out is still there for next()
    let more = payloads(2, "after");
    send_all(&p, &key, &more).await;
    let rest: Vec<String> = take(&c, 2).await.into_iter().map(|t| t.1).collect();
    assert_eq!(rest, more);
}

/// A consumer gets the streams it asked for and no other.
pub async fn consumer_gets_only_its_streams<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let (a, b) = (h.stream("mine").await, h.stream("other").await);
    let c = realtime(h, &s, &a).await;
    let p = ok(
        "create_producer",
        s.create_generic_producer(Default::default()).await,
    );
    send_all(&p, &b, &payloads(5, "b")).await;
    send_all(&p, &a, &payloads(5, "a")).await;
    let got = take(&c, 5).await;
    assert!(
        got.iter().all(|(stream, ..)| stream == a.name()),
        "got another stream's messages: {got:?}"
    );
    assert!(
        c.next().now_or_never().is_none(),
        "more messages than were sent to the stream"
    );
}

/// A consumer of two streams gets both.
pub async fn consumer_of_two_streams<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let (a, b) = (h.stream("two-a").await, h.stream("two-b").await);
    let c = consumer(
        h,
        &s,
        &[a.clone(), b.clone()],
        options(h, ConsumerMode::RealTime, None),
    )
    .await;
    let p = ok(
        "create_producer",
        s.create_generic_producer(Default::default()).await,
    );
    send_all(&p, &a, &payloads(3, "a")).await;
    send_all(&p, &b, &payloads(3, "b")).await;
    let got: BTreeSet<String> = take(&c, 6).await.into_iter().map(|t| t.1).collect();
    let want: BTreeSet<String> = payloads(3, "a")
        .into_iter()
        .chain(payloads(3, "b"))
        .collect();
    assert_eq!(got, want);
}

/// Every RealTime consumer gets every message.
pub async fn realtime_consumers_each_get_everything<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("fanout").await;
    let c1 = realtime(h, &s, &key).await;
    let c2 = realtime(h, &s, &key).await;
    let p = producer(&s, &key).await;
    let items = payloads(10, "f");
    send_all(&p, &key, &items).await;
    for c in [&c1, &c2] {
        let got: Vec<String> = take(c, items.len())
            .await
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(got, items);
    }
}

/// The members of a LoadBalanced group share the messages: each goes to exactly one member.
pub async fn load_balanced_members_share<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("shared").await;
    let group = format!("g-{}", key.name());
    if !s.capabilities().load_balanced {
        assert_unsupported(
            "LoadBalanced consumer",
            s.create_consumer(&[key], options(h, ConsumerMode::LoadBalanced, Some(&group)))
                .await,
        );
        return;
    }
    let c1 = consumer(
        h,
        &s,
        std::slice::from_ref(&key),
        options(h, ConsumerMode::LoadBalanced, Some(&group)),
    )
    .await;
    let c2 = consumer(
        h,
        &s,
        std::slice::from_ref(&key),
        options(h, ConsumerMode::LoadBalanced, Some(&group)),
    )
    .await;
    let p = producer(&s, &key).await;
    let items = payloads(20, "lb");
    send_all(&p, &key, &items).await;
    let (mut got1, mut got2) = (Vec::new(), Vec::new());
    within("all messages across the group", async {
        while got1.len() + got2.len() < items.len() {
            tokio::select! {
                m = c1.next() => got1.push(ok("next", m).message().as_str().map(str::to_owned)),
                m = c2.next() => got2.push(ok("next", m).message().as_str().map(str::to_owned)),
            }
        }
    })
    .await;
    let got1: BTreeSet<String> = got1.into_iter().map(|m| ok("utf8", m)).collect();
    let got2: BTreeSet<String> = got2.into_iter().map(|m| ok("utf8", m)).collect();
    assert!(
        got1.is_disjoint(&got2),
        "a message went to two members: {got1:?} {got2:?}"
    );
    let all: BTreeSet<String> = got1.union(&got2).cloned().collect();
    assert_eq!(all, items.into_iter().collect::<BTreeSet<_>>());
}

/// LoadBalanced without a group is `ConsumerGroupNotSet`.
pub async fn load_balanced_needs_a_group<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let r = s
        .create_consumer(
            &[h.stream("nogroup").await],
            options(h, ConsumerMode::LoadBalanced, None),
        )
        .await;
    match r {
        Err(StreamErr::ConsumerGroupNotSet(ConsumerMode::LoadBalanced)) => {}
        Err(e) if !s.capabilities().load_balanced => {
            assert!(matches!(e, StreamErr::Unsupported(_)), "{e:?}")
        }
        Err(e) => panic!("expected ConsumerGroupNotSet, got {e:?}"),
        Ok(_) => panic!("expected ConsumerGroupNotSet, got a consumer"),
    }
}

/// RealTime with a group is `ConsumerGroupIsSet`.
pub async fn realtime_with_a_group_is_an_error<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let r = s
        .create_consumer(
            &[h.stream("rtgroup").await],
            options(h, ConsumerMode::RealTime, Some("g")),
        )
        .await;
    assert!(
        matches!(
            r,
            Err(StreamErr::ConsumerGroupIsSet(ConsumerMode::RealTime))
        ),
        "expected ConsumerGroupIsSet, got {:?}",
        r.err()
    );
}

/// Resumable consumers where supported; `Unsupported` where not.
pub async fn resumable_where_supported<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let r = s
        .create_consumer(
            &[h.stream("resume").await],
            options(h, ConsumerMode::Resumable, None),
        )
        .await;
    if s.capabilities().resumable {
        ok("Resumable consumer", r);
    } else {
        assert_unsupported("Resumable consumer", r);
    }
}

/// `seek`, `rewind`, `assign` where supported; `Unsupported` where not.
pub async fn seek_and_rewind_where_supported<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("seek").await;
    let caps: Capabilities = s.capabilities();
    let mut c = realtime(h, &s, &key).await;
    if !caps.rewind {
        assert_unsupported("rewind", c.rewind(SeqPos::Beginning).await);
        assert_unsupported("assign", c.assign((key.clone(), crate::ShardId::ZERO)));
        assert_unsupported("unassign", c.unassign((key.clone(), crate::ShardId::ZERO)));
    }
    if !caps.seek {
        assert_unsupported("seek", c.seek(Timestamp::now_utc()).await);
    }
}

/// No stream is `StreamKeyEmpty`.
pub async fn no_stream_is_an_error<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let r = s
        .create_consumer(&[], options(h, ConsumerMode::RealTime, None))
        .await;
    assert!(
        matches!(r, Err(StreamErr::StreamKeyEmpty)),
        "got {:?}",
        r.err()
    );
}

/// `send` needs an anchor; `anchor` takes one; `send_to` needs none.
pub async fn producer_anchoring<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("anchor").await;
    let c = realtime(h, &s, &key).await;
    let mut p = ok(
        "create_generic_producer",
        s.create_generic_producer(Default::default()).await,
    );
    assert!(matches!(p.anchored(), Err(StreamErr::NotAnchored)));
    assert!(matches!(p.send("x"), Err(StreamErr::NotAnchored)));
    ok(
        "send_to",
        within("receipt", ok("send_to", p.send_to(&key, "first"))).await,
    );
    ok("anchor", p.anchor(key.clone()));
    assert_eq!(ok("anchored", p.anchored()), &key);
    match p.anchor(h.stream("again").await) {
        Err(StreamErr::AlreadyAnchored(k)) => assert_eq!(k, key),
        other => panic!("expected AlreadyAnchored, got {:?}", other.err()),
    }
    ok(
        "send",
        within("receipt", ok("send", p.send("second"))).await,
    );
    let got: Vec<String> = take(&c, 2).await.into_iter().map(|t| t.1).collect();
    assert_eq!(got, ["first", "second"]);
}

/// Clones share one producer; dropping a clone ends nothing.
pub async fn producer_clones_share<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("clones").await;
    let c = realtime(h, &s, &key).await;
    let p1 = producer(&s, &key).await;
    let p2 = p1.clone();
    let r1 = ok(
        "receipt",
        within("receipt", ok("send", p1.send("one"))).await,
    );
    drop(p1);
    let r2 = ok(
        "receipt",
        within("receipt", ok("send", p2.send("two"))).await,
    );
    assert_eq!(
        r2.sequence(),
        r1.sequence() + 1,
        "clones must share one sequence"
    );
    let got: Vec<String> = take(&c, 2).await.into_iter().map(|t| t.1).collect();
    assert_eq!(got, ["one", "two"]);
}

/// `flush` returns once every message sent before it is delivered.
pub async fn flush_delivers_everything_sent<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("flush").await;
    let p = producer(&s, &key).await;
    let receipts: Vec<_> = (0..50)
        .map(|i| ok("send", p.send(format!("x{i}"))))
        .collect();
    ok("flush", within("flush", p.flush()).await);
    for r in receipts {
        match r.now_or_never() {
            Some(r) => {
                ok("receipt", r);
            }
            None => panic!("a receipt was still pending after flush"),
        }
    }
    ok("end", within("end", p.end()).await);
}

/// Dropping a pending `next()` loses nothing.
pub async fn next_is_cancel_safe<H: Harness>(h: &H) {
    let s = h.streamer().await;
    let key = h.stream("cancel").await;
    let c = realtime(h, &s, &key).await;
    let p = producer(&s, &key).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(20), c.next())
            .await
            .is_err(),
        "next() returned a message that was never sent"
    );
    let items = payloads(30, "c");
    let mut got = Vec::new();
    for chunk in items.chunks(10) {
        send_all(&p, &key, chunk).await;
        let target = got.len() + chunk.len();
        // many short-lived next() calls, most cancelled by the timeout
        within("receiving with cancellations", async {
            while got.len() < target {
                if let Ok(m) = tokio::time::timeout(Duration::from_micros(50), c.next()).await {
                    let m = ok("next", m);
                    if m.stream_key().name() != crate::BROADCAST {
                        got.push(ok("utf8", m.message().as_str()).to_owned());
                    }
                }
            }
        })
        .await;
    }
    assert_eq!(got, items);
}

/// Expands to one `#[tokio::test]` per behaviour of the conformance suite, each calling the
/// function of that name in [`conformance`](crate::conformance) with the harness `$h`.
///
/// The test crate needs `tokio` with the `macros` and `rt-multi-thread` features.
#[macro_export]
macro_rules! conformance_tests {
    ($h:expr) => {
        $crate::conformance_tests!(@each $h;
            send_and_receive_in_order,
            receipts_carry_real_sequences,
            stream_take_map_collect,
            consumer_gets_only_its_streams,
            consumer_of_two_streams,
            realtime_consumers_each_get_everything,
            load_balanced_members_share,
            load_balanced_needs_a_group,
            realtime_with_a_group_is_an_error,
            resumable_where_supported,
            seek_and_rewind_where_supported,
            no_stream_is_an_error,
            producer_anchoring,
            producer_clones_share,
            flush_delivers_everything_sent,
            next_is_cancel_safe,
        );
    };
    (@each $h:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let harness = $h;
                $crate::conformance::$name(&harness).await;
            }
        )*
    };
}
