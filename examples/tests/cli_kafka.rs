//! The example programs on Kafka, against the broker at `KAFKA_BROKERS` (`scripts/test` starts
//! one). Each test says why it skips without a broker; with `SEA_STREAMER_REQUIRE_KAFKA=1` that
//! is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::{
    io::{Read, Write},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use sea_streamer_stdio::parser::parse_line;
use sea_streamer_tests::{unique, Broker};

macro_rules! broker {
    () => {
        match Broker::from_env(module_path!()) {
            Some(b) => b,
            None => return,
        }
    };
}

/// A one-partition topic, and its URL.
async fn topic(b: &Broker, name: &str) -> String {
    let t = unique(name);
    b.create_topic(&t, 1).await;
    format!("kafka://{}/{t}", b.brokers())
}

/// Keeps tansu's group joins short (the first join waits half the session timeout).
const FAST_JOIN: [&str; 2] = ["--kafka-option", "session.timeout.ms=6000"];

/// How long one program may run before the test fails (instead of hanging).
const DEADLINE: Duration = Duration::from_secs(40);

fn run(bin: &str, args: &[&str], stdin: &str) -> Output {
    let path = match bin {
        "producer" => env!("CARGO_BIN_EXE_producer"),
        "consumer" => env!("CARGO_BIN_EXE_consumer"),
        "relay" => env!("CARGO_BIN_EXE_relay"),
        "resumable" => env!("CARGO_BIN_EXE_resumable"),
        other => panic!("no binary {other}"),
    };
    let mut child = Command::new(path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            let printed = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
            panic!("{bin} {args:?} did not finish within {DEADLINE:?}; it printed:\n{printed}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    assert!(
        out.status.success(),
        "{bin} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The payloads of the stdio lines in `out`.
fn payloads(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| l[parse_line(l.as_bytes()).payload_start..].to_owned())
        .collect()
}

fn numbers(range: std::ops::Range<u64>) -> Vec<String> {
    range.map(|i| format!("{{\"n\": {i}}}")).collect()
}

#[tokio::test]
async fn resumable_consumer_run_twice_goes_on_where_it_stopped() {
    let b = broker!();
    let url = topic(&b, "resume-cli").await;
    run("producer", &["--stream", &url, "--count", "10"], "");
    let group = unique("cli-group");
    let mut args = vec![
        "--stream",
        url.as_str(),
        "--mode",
        "resumable",
        "--group",
        group.as_str(),
        "--count",
        "3",
    ];
    args.extend(FAST_JOIN);
    assert_eq!(payloads(&run("consumer", &args, "")), numbers(0..3));
    assert_eq!(payloads(&run("consumer", &args, "")), numbers(3..6));
}

#[tokio::test]
async fn relay_moves_messages_from_stdio_to_kafka_and_back() {
    let b = broker!();
    let url = topic(&b, "relay-cli").await;
    let input: String = (0..5).map(|i| format!("[a] line {i}\n")).collect();
    run(
        "relay",
        &["--input", "stdio:///a", "--output", &url],
        &input,
    );
    let mut args = vec![
        "--stream",
        url.as_str(),
        "--offset",
        "start",
        "--count",
        "5",
    ];
    args.extend(FAST_JOIN);
    let want: Vec<String> = (0..5).map(|i| format!("line {i}")).collect();
    assert_eq!(payloads(&run("consumer", &args, "")), want);
}

#[tokio::test]
async fn resumable_example_forwards_at_least_once_and_resumes() {
    let b = broker!();
    let input = topic(&b, "resumable-in").await;
    run("producer", &["--stream", &input, "--count", "10"], "");
    let group = unique("resumable");
    let mut args = vec![
        "--input",
        input.as_str(),
        "--output",
        "stdio:///out",
        "--group",
        group.as_str(),
        "--count",
        "4",
    ];
    args.extend(FAST_JOIN);
    assert_eq!(payloads(&run("resumable", &args, "")), numbers(0..4));
    assert_eq!(payloads(&run("resumable", &args, "")), numbers(4..8));
}

#[test]
fn resumable_example_needs_a_kafka_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_resumable"))
        .args([
            "--input",
            "stdio:///a",
            "--output",
            "stdio:///b",
            "--group",
            "g",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to resume from"), "{err}");
}
