//! The stdio rules of DESIGN.md, in-process: custom input and output stand in for stdin and stdout.
//! (Process-level behaviour, with the real stdin and stdout, is tested on the example binaries.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use std::{
    io::{self, Read, Write},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use futures::StreamExt;
use sea_streamer_stdio::{
    format::write_line, parser::parse_line, StdioConnectOptions, StdioConsumer,
    StdioConsumerOptions, StdioErr, StdioStreamer,
};
use sea_streamer_types::{
    Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Message, Producer, StreamErr,
    StreamKey, Streamer,
};

fn key(s: &str) -> StreamKey {
    StreamKey::new(s).unwrap()
}

async fn connect(options: StdioConnectOptions) -> StdioStreamer {
    StdioStreamer::connect("stdio://".parse().unwrap(), options)
        .await
        .unwrap()
}

async fn with_input(input: impl Read + Send + 'static) -> StdioStreamer {
    let mut o = StdioConnectOptions::default();
    o.set_input(input).set_no_output();
    connect(o).await
}

fn text(input: &str) -> io::Cursor<Vec<u8>> {
    io::Cursor::new(input.as_bytes().to_vec())
}

async fn realtime(s: &StdioStreamer, streams: &[&str]) -> StdioConsumer {
    let keys: Vec<StreamKey> = streams.iter().map(|s| key(s)).collect();
    s.create_consumer(&keys, StdioConsumerOptions::new(ConsumerMode::RealTime))
        .await
        .unwrap()
}

async fn member(s: &StdioStreamer, stream: &str, group: &str) -> StdioConsumer {
    let mut o = StdioConsumerOptions::new(ConsumerMode::LoadBalanced);
    o.set_consumer_group(ConsumerGroup::new(group));
    s.create_consumer(&[key(stream)], o).await.unwrap()
}

/// Everything until the end of the stream, as (stream, payload); fails on an error or a hang.
async fn drain(c: &StdioConsumer) -> Vec<(String, String)> {
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match c.next().await {
                Ok(m) => got.push((
                    m.stream_key().name().to_owned(),
                    m.message().as_str().unwrap().to_owned(),
                )),
                Err(StreamErr::StreamEnded) => break,
                Err(e) => panic!("next: {e}"),
            }
        }
    })
    .await
    .expect("the stream did not end");
    got
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);
impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
impl SharedBuf {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn malformed_header_is_delivered_whole_as_raw_payload() {
    let s = with_input(text(
        "[a] ok\n[bad key] x\n[a | nope] y\n[2026-99-01T00:00:00 | a] z\n[unclosed\nplain\n",
    ))
    .await;
    let c = realtime(&s, &["a"]).await;
    assert_eq!(
        drain(&c).await,
        pairs(&[
            ("a", "ok"),
            ("broadcast", "[bad key] x"),
            ("broadcast", "[a | nope] y"),
            ("broadcast", "[2026-99-01T00:00:00 | a] z"),
            ("broadcast", "[unclosed"),
            ("broadcast", "plain"),
        ])
    );
}

#[tokio::test]
async fn end_of_input_delivers_every_line_then_ends_every_stream() {
    let n = 20_000;
    let input: String = (0..n).map(|i| format!("[s] {i}\n")).collect();
    let mut o = StdioConnectOptions::default();
    o.set_input(text(&input))
        .set_no_output()
        .set_buffer_size(16);
    let s = connect(o).await;
    let by_next = realtime(&s, &["s"]).await;
    let mut by_stream = realtime(&s, &["s"]).await;
    let (a, b) = tokio::join!(drain(&by_next), async {
        let got: Vec<String> = by_stream
            .stream()
            .map(|m| m.unwrap().message().as_str().unwrap().to_owned())
            .collect()
            .await;
        got
    });
    let want: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    assert_eq!(a.into_iter().map(|p| p.1).collect::<Vec<_>>(), want);
    assert_eq!(b, want);
    // ended for good, and for consumers made afterwards too
    assert!(matches!(by_next.next().await, Err(StreamErr::StreamEnded)));
    let late = realtime(&s, &["s"]).await;
    assert!(matches!(late.next().await, Err(StreamErr::StreamEnded)));
}

#[tokio::test]
async fn explicit_sequence_advances_the_counter() {
    let s = with_input(text(
        "[a] x\n[a | 5] x\n[a] x\n[a | 2 | 0] x\n[a] x\n[b] x\n",
    ))
    .await;
    let c = realtime(&s, &["a", "b"]).await;
    let mut seqs = Vec::new();
    while let Ok(m) = c.next().await {
        seqs.push((m.stream_key().name().to_owned(), m.sequence()));
    }
    let want = [("a", 0), ("a", 5), ("a", 6), ("a", 2), ("a", 3), ("b", 0)];
    assert_eq!(seqs, want.map(|(k, s)| (k.to_owned(), s)));
}

#[tokio::test]
async fn sub_second_timestamps_survive_a_round_trip() {
    let lines = [
        "[2026-12-04T16:34:43.123456789 | a | 3 | 0] nanos",
        "[2026-12-04T16:34:43.123456 | a | 4 | 0] micros",
        "[2026-12-04T16:34:43.120 | a | 5 | 0] millis",
        "[2026-12-04T16:34:43 | a | 6 | 0] seconds",
    ];
    let s = with_input(text(&(lines.join("\n") + "\n"))).await;
    let c = realtime(&s, &["a"]).await;
    for line in lines {
        let m = c.next().await.unwrap();
        let mut out = Vec::new();
        write_line(&mut out, m.header(), m.message().as_bytes());
        assert_eq!(String::from_utf8(out).unwrap(), format!("{line}\n"));
    }
}

#[tokio::test]
async fn receipts_carry_the_real_header_written_to_the_output() {
    let out = SharedBuf::default();
    let mut o = StdioConnectOptions::default();
    o.set_no_input().set_output(out.clone());
    let s = connect(o).await;
    let p = s.create_generic_producer(Default::default()).await.unwrap();
    let other = s
        .create_producer(key("b"), Default::default())
        .await
        .unwrap();
    let mut receipts = Vec::new();
    for i in 0..3 {
        receipts.push(
            p.send_to(&key("a"), format!("a{i}"))
                .unwrap()
                .await
                .unwrap(),
        );
        receipts.push(other.send(format!("b{i}")).unwrap().await.unwrap());
    }
    let seqs: Vec<(String, u64)> = receipts
        .iter()
        .map(|r| (r.stream_key().name().to_owned(), r.sequence()))
        .collect();
    let want = [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)];
    assert_eq!(seqs, want.map(|(k, s)| (k.to_owned(), s)));
    let written = out.text();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), receipts.len());
    for (line, receipt) in lines.iter().zip(&receipts) {
        let parsed = parse_line(line.as_bytes());
        assert_eq!(parsed.malformed, None);
        assert_eq!(parsed.header.timestamp, Some(receipt.timestamp()), "{line}");
        assert_eq!(
            parsed.header.stream_key.map(|k| k.as_str()),
            Some(receipt.stream_key().name())
        );
        assert_eq!(parsed.header.sequence, Some(receipt.sequence()));
        assert_eq!(parsed.header.shard, Some(0));
    }
}

#[tokio::test]
async fn a_payload_with_a_newline_is_rejected_and_nothing_is_written() {
    let out = SharedBuf::default();
    let mut o = StdioConnectOptions::default();
    o.set_no_input().set_output(out.clone());
    let s = connect(o).await;
    let p = s
        .create_producer(key("a"), Default::default())
        .await
        .unwrap();
    for bad in ["two\nlines", "ends in cr\r", "\n"] {
        match p.send(bad) {
            Err(StreamErr::Backend(e @ StdioErr::InvalidPayload(_))) => {
                assert!(e.to_string().contains("one message is one line"), "{e}")
            }
            other => panic!("{bad:?}: expected InvalidPayload, got {:?}", other.err()),
        }
    }
    p.send("fine").unwrap().await.unwrap();
    p.flush().await.unwrap();
    let written = out.text();
    assert_eq!(written.lines().count(), 1, "{written}");
    assert!(written.ends_with("| a | 0 | 0] fine\n"), "{written}");
}

/// An output that takes `ok` writes, then fails as a closed pipe does.
struct ClosesAfter(usize);
impl Write for ClosesAfter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        self.0 -= 1;
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_closed_output_makes_send_and_flush_fail_without_panic() {
    let mut o = StdioConnectOptions::default();
    o.set_no_input().set_output(ClosesAfter(1));
    let s = connect(o).await;
    let p = s
        .create_producer(key("a"), Default::default())
        .await
        .unwrap();
    p.send("first").unwrap().await.unwrap();
    // the next write fails: its receipt says so, and so does every later send and flush
    let receipt = p.send("second").unwrap().await;
    assert!(
        matches!(receipt, Err(StreamErr::Backend(StdioErr::OutputClosed(_)))),
        "{receipt:?}"
    );
    let later = p.send("third");
    match later {
        Err(StreamErr::Backend(e @ StdioErr::OutputClosed(_))) => {
            assert!(e.to_string().contains("output is closed"), "{e}")
        }
        other => panic!("expected OutputClosed, got {:?}", other.err()),
    }
    assert!(matches!(
        p.flush().await,
        Err(StreamErr::Backend(StdioErr::OutputClosed(_)))
    ));
    assert!(s.disconnect().await.is_err());
}

async fn round_robin(members: usize) {
    let n = 12 * members;
    let input: String = (0..n).map(|i| format!("[s] {i}\n")).collect();
    let s = with_input(text(&input)).await;
    let mut group = Vec::new();
    for _ in 0..members {
        group.push(member(&s, "s", "g").await);
    }
    let got = futures::future::join_all(group.iter().map(drain)).await;
    for (k, messages) in got.iter().enumerate() {
        let want: Vec<String> = (0..n)
            .filter(|i| i % members == k)
            .map(|i| i.to_string())
            .collect();
        let payloads: Vec<String> = messages.iter().map(|m| m.1.clone()).collect();
        assert_eq!(payloads, want, "member {k} of {members}");
    }
}

#[tokio::test]
async fn load_balanced_two_members_take_turns_in_join_order() {
    round_robin(2).await;
}

#[tokio::test]
async fn load_balanced_three_members_take_turns_in_join_order() {
    round_robin(3).await;
}

#[tokio::test]
async fn lines_without_header_reach_every_consumer() {
    let s = with_input(text("[a] for a\nhello all\n[b] for b\n")).await;
    let on_a = realtime(&s, &["a"]).await;
    let on_b = realtime(&s, &["b"]).await;
    let lb1 = member(&s, "a", "g").await;
    let lb2 = member(&s, "a", "g").await;
    let (a, b, m1, m2) = tokio::join!(drain(&on_a), drain(&on_b), drain(&lb1), drain(&lb2));
    assert_eq!(a, pairs(&[("a", "for a"), ("broadcast", "hello all")]));
    assert_eq!(b, pairs(&[("broadcast", "hello all"), ("b", "for b")]));
    assert_eq!(m1, pairs(&[("a", "for a"), ("broadcast", "hello all")]));
    assert_eq!(m2, pairs(&[("broadcast", "hello all")]));
}

#[tokio::test]
async fn a_consumer_gone_does_not_stall_the_others() {
    let input: String = (0..50_000).map(|i| format!("[s] {i}\n")).collect();
    let mut o = StdioConnectOptions::default();
    o.set_input(text(&input)).set_no_output().set_buffer_size(8);
    let s = connect(o).await;
    let stays = realtime(&s, &["s"]).await;
    let leaves = realtime(&s, &["s"]).await;
    assert_eq!(leaves.next().await.unwrap().message().as_str(), Ok("0"));
    drop(leaves);
    assert_eq!(drain(&stays).await.len(), 50_000);
}

/// An endless input that counts what is read from it.
struct Endless {
    read: Arc<AtomicUsize>,
    n: u64,
    pending: Vec<u8>,
}
impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending.len() < buf.len() {
            self.pending
                .extend_from_slice(format!("[s] line {:>90}\n", self.n).as_bytes());
            self.n += 1;
        }
        let n = buf.len();
        buf.copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.read.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

#[tokio::test]
async fn a_slow_consumer_slows_the_reader() {
    let read = Arc::new(AtomicUsize::new(0));
    let mut o = StdioConnectOptions::default();
    o.set_input(Endless {
        read: read.clone(),
        n: 0,
        pending: Vec::new(),
    })
    .set_no_output()
    .set_buffer_size(64);
    let s = connect(o).await;
    let c = realtime(&s, &["s"]).await;
    for _ in 0..3 {
        c.next().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // an unbounded reader would have read hundreds of MB by now
    let n = read.load(Ordering::Relaxed);
    assert!(
        n < 1 << 20,
        "the reader ran {n} bytes ahead of a consumer that took 3 messages"
    );
    // and it goes on as the consumer does
    for _ in 0..10_000 {
        c.next().await.unwrap();
    }
    assert!(read.load(Ordering::Relaxed) > n);
}

#[tokio::test]
async fn loopback_streams_end_when_streamer_and_producers_are_gone() {
    let mut o = StdioConnectOptions::default();
    o.set_loopback(true).set_no_input().set_no_output();
    let s = connect(o).await;
    let c = realtime(&s, &["a"]).await;
    let p = s
        .create_producer(key("a"), Default::default())
        .await
        .unwrap();
    p.send("x").unwrap().await.unwrap();
    s.disconnect().await.unwrap();
    p.send("y").unwrap().await.unwrap();
    drop(p);
    assert_eq!(drain(&c).await, pairs(&[("a", "x"), ("a", "y")]));
}

#[tokio::test]
async fn connect_rejects_other_uris_saying_what_to_use() {
    for uri in ["kafka://localhost:9092", "stdio://somehost"] {
        let err = StdioStreamer::connect(uri.parse().unwrap(), StdioConnectOptions::default())
            .await
            .expect_err("connect should fail");
        assert!(matches!(err, StreamErr::Connect(_)), "{err:?}");
        assert!(err.to_string().contains("use stdio://"), "{err}");
    }
}

#[tokio::test]
async fn resumable_is_unsupported_with_a_reason() {
    let s = with_input(text("")).await;
    let err = s
        .create_consumer(
            &[key("a")],
            StdioConsumerOptions::new(ConsumerMode::Resumable),
        )
        .await
        .expect_err("Resumable should fail on stdio");
    assert!(err.to_string().contains("nothing to resume from"), "{err}");
}

#[tokio::test]
async fn a_lone_line_is_written_without_flush_or_await() {
    let out = SharedBuf::default();
    let mut o = StdioConnectOptions::default();
    o.set_no_input().set_output(out.clone());
    let s = connect(o).await;
    let p = s
        .create_producer(key("a"), Default::default())
        .await
        .unwrap();
    let _receipt = p.send("alone").unwrap(); // neither awaited nor flushed
    tokio::time::timeout(Duration::from_secs(5), async {
        while !out.text().ends_with("| a | 0 | 0] alone\n") {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("the writer kept a lone line back");
}

#[tokio::test]
async fn binary_payloads_and_crlf_lines_are_delivered_intact() {
    let input: Vec<u8> = [
        &b"[a] \xff\xfe binary\r\n"[..],
        b"[a | 7] tab\there\n",
        b"\xc3\x28 raw\n",
    ]
    .concat();
    let s = with_input(io::Cursor::new(input)).await;
    let c = realtime(&s, &["a"]).await;
    let mut got = Vec::new();
    while let Ok(m) = c.next().await {
        got.push((
            m.stream_key().name().to_owned(),
            m.message().as_bytes().to_vec(),
        ));
    }
    assert_eq!(
        got,
        [
            ("a".to_owned(), b"\xff\xfe binary".to_vec()),
            ("a".to_owned(), b"tab\there".to_vec()),
            ("broadcast".to_owned(), b"\xc3\x28 raw".to_vec()),
        ]
    );
}

/// An output that takes its time: each write waits for `delay`, then lands in `into`.
struct SlowOutput {
    delay: Duration,
    into: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Write for SlowOutput {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        std::thread::sleep(self.delay);
        self.into.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Dropping the last producer waits until its lines are written, but not on an executor thread:
/// the drop returns at once, and the line is written by the time the runtime has shut down.
#[test]
fn dropping_a_producer_writes_its_lines_without_blocking_the_executor() {
    let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut o = StdioConnectOptions::default();
        o.set_no_input().set_output(SlowOutput {
            delay: Duration::from_millis(500),
            into: written.clone(),
        });
        let s = connect(o).await;
        let p = s
            .create_producer(key("a"), Default::default())
            .await
            .unwrap();
        drop(p.send("last words").unwrap());
        let start = std::time::Instant::now();
        drop(p);
        drop(s);
        let took = start.elapsed();
        assert!(took < Duration::from_millis(250), "the drop took {took:?}");
    });
    drop(runtime);
    let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
    assert!(text.ends_with("| a | 0 | 0] last words\n"), "{text:?}");
}
