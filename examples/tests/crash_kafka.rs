//! Consumers killed with SIGKILL mid-stream, against the broker at `KAFKA_BROKERS`: the
//! `resumable` example (at least once: an input offset is stored only after its output was
//! written, and auto-committed every 100 ms) reads 100k messages as a child process and is killed
//! at random points several times, then restarted; alone (Resumable), and as one member of a
//! LoadBalanced group of two. Every message must come out at least once, and the duplicates are
//! counted and bounded by what was uncommitted when the group changed.
//!
//! The random points come from a seed printed at the start; `CRASH_SEED=n` repeats a run.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread::JoinHandle,
    time::{Duration, Instant},
};

use sea_streamer::{
    kafka::{
        rdkafka::{
            consumer::{BaseConsumer, Consumer as _},
            ClientConfig, Offset, TopicPartitionList,
        },
        KafkaRecord, KafkaStreamer,
    },
    ConnectOptions, ShardId, StreamKey, Streamer,
};
use sea_streamer_stdio::parser::parse_line;
use sea_streamer_tests::{unique, Broker};

const MESSAGES: u64 = 100_000;
const PARTITIONS: i32 = 2;
/// The `resumable` example's window of sends whose offsets are not stored yet.
const WINDOW: u64 = 1000;
/// How long the whole of one child's part may take.
const DEADLINE: Duration = Duration::from_secs(120);

macro_rules! broker {
    () => {
        match Broker::from_env(module_path!()) {
            Some(b) => b,
            None => return,
        }
    };
}

/// A small xorshift generator: the kill points, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn from_env() -> Self {
        let seed = std::env::var("CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        println!("CRASH_SEED={seed}");
        Self(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A topic of `PARTITIONS` partitions holding the messages "0".."99999", spread round-robin,
/// and where each one is: (partition, offset) by message number.
async fn filled_topic(b: &Broker, name: &str) -> (String, Vec<(i32, i64)>) {
    let topic = unique(name);
    b.create_topic(&topic, PARTITIONS).await;
    let mut options = sea_streamer::kafka::KafkaConnectOptions::default();
    options.set_timeout(Duration::from_secs(10));
    let s = KafkaStreamer::connect(format!("kafka://{}", b.brokers()).parse().unwrap(), options)
        .await
        .unwrap();
    let key = StreamKey::new(&topic).unwrap();
    let p = s
        .create_producer(key.clone(), Default::default())
        .await
        .unwrap();
    let mut receipts = Vec::with_capacity(MESSAGES as usize);
    for i in 0..MESSAGES {
        let partition = ShardId::new(i % PARTITIONS as u64);
        let record = KafkaRecord::default().partition(partition);
        receipts.push(p.send_record(&key, record, i.to_string()).unwrap());
    }
    let mut at = Vec::with_capacity(receipts.len());
    for r in receipts {
        let h = r.await.unwrap();
        at.push((h.shard_id().id() as i32, h.sequence() as i64));
    }
    (topic, at)
}

/// A `resumable` child process, and its output's message numbers as they come.
struct Resumable {
    child: Child,
    lines: Option<JoinHandle<u64>>,
}

fn spawn(brokers: &str, topic: &str, group: &str, out: mpsc::Sender<u64>) -> Resumable {
    let input = format!("kafka://{brokers}/{topic}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_resumable"))
        .args([
            "--input",
            &input,
            "--output",
            "stdio:///out",
            "--group",
            group,
            "--kafka-option",
            "session.timeout.ms=6000",
            "--kafka-option",
            "auto.commit.interval.ms=100",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // returns how many lines were torn: a SIGKILL during a write can cut the last line short
    // (its message was not marked done, so it comes again)
    let lines = std::thread::spawn(move || {
        let (mut reader, mut line, mut torn) = (BufReader::new(stdout), Vec::new(), 0);
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).unwrap() == 0 {
                return torn;
            }
            let Some(whole) = line.strip_suffix(b"\n") else {
                torn += 1;
                continue;
            };
            let parsed = parse_line(whole);
            assert!(
                parsed.malformed.is_none(),
                "{:?}",
                String::from_utf8_lossy(whole)
            );
            let payload = std::str::from_utf8(&whole[parsed.payload_start..]).unwrap();
            let _ = out.send(payload.parse().unwrap());
        }
    });
    Resumable {
        child,
        lines: Some(lines),
    }
}

impl Resumable {
    /// SIGKILL, then the rest of what it wrote before dying; returns how many lines were torn.
    fn kill(mut self) -> u64 {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.lines.take().map_or(0, |l| l.join().unwrap())
    }
}

impl Drop for Resumable {
    /// A failed test leaves no child behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything each message number came out, and the highest offset seen per partition.
struct Seen {
    times: Vec<u32>,
    distinct: u64,
    lines: u64,
    max_offset: HashMap<i32, i64>,
}

impl Seen {
    fn new() -> Self {
        Self {
            times: vec![0; MESSAGES as usize],
            distinct: 0,
            lines: 0,
            max_offset: HashMap::new(),
        }
    }

    fn take(&mut self, n: u64, at: &[(i32, i64)]) {
        let t = &mut self.times[n as usize];
        if *t == 0 {
            self.distinct += 1;
        }
        *t += 1;
        self.lines += 1;
        let (p, o) = at[n as usize];
        let max = self.max_offset.entry(p).or_insert(-1);
        *max = (*max).max(o);
    }

    /// Takes what arrived, until `until` says stop (or the deadline passes).
    fn read_until(
        &mut self,
        rx: &mpsc::Receiver<u64>,
        at: &[(i32, i64)],
        until: impl Fn(&Self) -> bool,
    ) {
        let deadline = Instant::now() + DEADLINE;
        while !until(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(n) => self.take(n, at),
                Err(_) => panic!(
                    "stalled at {} distinct of {MESSAGES} ({} lines)",
                    self.distinct, self.lines
                ),
            }
        }
    }

    fn drain(&mut self, rx: &mpsc::Receiver<u64>, at: &[(i32, i64)]) {
        while let Ok(n) = rx.try_recv() {
            self.take(n, at);
        }
    }
}

/// Messages output but not committed: per partition, from the group's committed offset to the
/// highest offset seen.
fn uncommitted(brokers: &str, topic: &str, group: &str, seen: &Seen) -> u64 {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition(topic, p);
    }
    let committed = consumer
        .committed_offsets(tpl, Duration::from_secs(10))
        .unwrap();
    let mut total = 0;
    for e in committed.elements() {
        let from = match e.offset() {
            Offset::Offset(o) => o,
            _ => 0,
        };
        let max = seen.max_offset.get(&e.partition()).copied().unwrap_or(-1);
        total += (max + 1 - from).max(0) as u64;
    }
    total
}

/// One crash run: a filled topic, a group, what the children wrote, and the duplicates bound.
struct Run {
    brokers: String,
    topic: String,
    group: String,
    at: Vec<(i32, i64)>,
    tx: mpsc::Sender<u64>,
    rx: mpsc::Receiver<u64>,
    seen: Seen,
    rng: Rng,
    bound: u64,
}

impl Run {
    fn new(b: &Broker, name: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (topic, at) = runtime.block_on(filled_topic(b, name));
        let (tx, rx) = mpsc::channel();
        Self {
            brokers: b.brokers().to_owned(),
            topic,
            group: unique(name),
            at,
            tx,
            rx,
            seen: Seen::new(),
            rng: Rng::from_env(),
            bound: 0,
        }
    }

    fn spawn(&self) -> Resumable {
        spawn(&self.brokers, &self.topic, &self.group, self.tx.clone())
    }

    /// Adds what is output but not committed now to the duplicates bound.
    fn add_uncommitted(&mut self) {
        self.bound += uncommitted(&self.brokers, &self.topic, &self.group, &self.seen);
    }

    /// Lets `child` run to a random point of the next stretch (leaving room for the `kills_left`
    /// after it), SIGKILLs it, and adds what was uncommitted to the bound.
    fn kill_mid_stream(&mut self, child: Resumable, kills_left: u64) {
        let stretch = (MESSAGES - self.seen.distinct) / (kills_left + 1);
        let target = self.seen.distinct + 1 + self.rng.below(stretch);
        self.seen
            .read_until(&self.rx, &self.at, |s| s.distinct >= target);
        assert!(child.kill() <= 1, "more than the last line was torn");
        self.seen.drain(&self.rx, &self.at);
        self.add_uncommitted();
        println!(
            "kill: at {} distinct, {} lines, bound so far {}",
            self.seen.distinct, self.seen.lines, self.bound
        );
    }

    /// Reads until every message came out, stops `child`, and checks that nothing was lost and
    /// the duplicates stay within the bound.
    fn finish(mut self, child: Resumable, what: &str) {
        self.seen
            .read_until(&self.rx, &self.at, |s| s.distinct == MESSAGES);
        assert!(child.kill() <= 1, "more than the last line was torn");
        self.seen.drain(&self.rx, &self.at);
        let lost: Vec<usize> = (0..MESSAGES as usize)
            .filter(|&i| self.seen.times[i] == 0)
            .collect();
        assert!(
            lost.is_empty(),
            "lost {} messages, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(10)]
        );
        let (duplicates, bound) = (self.seen.lines - MESSAGES, self.bound);
        println!("{what}: {duplicates} duplicates (bound {bound})");
        assert!(
            duplicates <= bound,
            "{duplicates} duplicates, more than the {bound} uncommitted when the group changed"
        );
    }
}

#[test]
fn resumable_killed_mid_stream_loses_nothing() {
    let b = broker!();
    let mut run = Run::new(&b, "crash-resumable");
    let kills = 4;
    for kill in 0..kills {
        let child = run.spawn();
        run.kill_mid_stream(child, kills - kill);
    }
    let last = run.spawn();
    run.finish(last, "4 kills");
}

#[test]
fn load_balanced_member_killed_mid_stream_loses_nothing() {
    let b = broker!();
    let mut run = Run::new(&b, "crash-lb");
    let steady = run.spawn();
    let kills = 3;
    for kill in 0..kills {
        // the member joining moves partitions: what the steady one had not stored yet (its
        // window of sends in flight) may come again
        run.add_uncommitted();
        run.bound += WINDOW;
        let victim = run.spawn();
        run.kill_mid_stream(victim, kills - kill);
    }
    run.finish(steady, "3 kills of one member of two");
}
