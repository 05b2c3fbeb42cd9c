//! The example programs as a user runs them: real stdin, stdout, pipes and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Command, Output, Stdio},
};

use sea_streamer_stdio::parser::parse_line;

fn bin(name: &str) -> Command {
    let path = match name {
        "producer" => env!("CARGO_BIN_EXE_producer"),
        "consumer" => env!("CARGO_BIN_EXE_consumer"),
        "relay" => env!("CARGO_BIN_EXE_relay"),
        "processor" => env!("CARGO_BIN_EXE_processor"),
        other => panic!("no binary {other}"),
    };
    Command::new(path)
}

/// Runs `cmd` with `stdin` as its input.
fn run(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_owned();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// (stream, sequence, payload) of each line.
fn lines(text: &str) -> Vec<(String, u64, String)> {
    text.lines()
        .map(|l| {
            let p = parse_line(l.as_bytes());
            assert_eq!(p.malformed, None, "{l}");
            assert!(p.header.timestamp.is_some(), "{l}");
            assert_eq!(p.header.shard, Some(0), "{l}");
            (
                p.header.stream_key.unwrap().as_str().to_owned(),
                p.header.sequence.unwrap(),
                l[p.payload_start..].to_owned(),
            )
        })
        .collect()
}

fn numbers(stream: &str, n: u64) -> Vec<(String, u64, String)> {
    (0..n)
        .map(|i| (stream.to_owned(), i, format!("{{\"n\": {i}}}")))
        .collect()
}

#[test]
fn producer_sends_count_messages_numbered_from_zero() {
    let mut cmd = bin("producer");
    cmd.args(["--stream", "stdio:///numbers", "--count", "5"]);
    let out = run(cmd, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines(&stdout(&out)), numbers("numbers", 5));
}

#[test]
fn producer_interval_paces_messages() {
    let mut cmd = bin("producer");
    cmd.args([
        "--stream",
        "stdio:///t",
        "--count",
        "3",
        "--interval",
        "30ms",
    ]);
    let out = run(cmd, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let stamps: Vec<_> = stdout(&out)
        .lines()
        .map(|l| parse_line(l.as_bytes()).header.timestamp.unwrap())
        .collect();
    assert_eq!(stamps.len(), 3);
    for pair in stamps.windows(2) {
        assert!(
            pair[1] - pair[0] >= time::Duration::milliseconds(25),
            "{stamps:?}"
        );
    }
}

#[test]
fn consumer_prints_lines_unchanged_with_sub_second_timestamps() {
    let input = "[2026-12-04T16:34:43.123456789 | a | 3 | 0] nanos\n\
                 [2026-12-04T16:34:43.5 | a | 9 | 0] {\"n\": 1}\n\
                 [2026-12-04T16:34:44 | b | 1 | 0] other stream\n\
                 [2026-12-04T16:34:45.000001 | a | 10 | 0] micros | [with] brackets\n";
    let mut cmd = bin("consumer");
    cmd.args(["--stream", "stdio:///a"]);
    let out = run(cmd, input);
    assert!(out.status.success(), "{}", stderr(&out));
    let want: String = input
        .lines()
        .filter(|l| !l.contains("| b |"))
        .map(|l| l.replace("43.5 |", "43.500 |") + "\n")
        .collect();
    assert_eq!(stdout(&out), want);
}

#[test]
fn consumer_delivers_a_malformed_line_whole_and_warns() {
    let mut cmd = bin("consumer");
    cmd.args(["--stream", "stdio:///a"]);
    let out = run(cmd, "[a] ok\n[a | notanumber] kept\nno header\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let got = lines(&stdout(&out));
    assert_eq!(
        got.iter()
            .map(|(k, _, p)| (k.as_str(), p.as_str()))
            .collect::<Vec<_>>(),
        [
            ("a", "ok"),
            ("broadcast", "[a | notanumber] kept"),
            ("broadcast", "no header")
        ]
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning: input line 2: its sequence is not a whole number"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn consumer_count_exits_after_that_many() {
    let input: String = (0..100).map(|i| format!("[a] {i}\n")).collect();
    let mut cmd = bin("consumer");
    cmd.args(["--stream", "stdio:///a", "--count", "3"]);
    let out = run(cmd, &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<String> = lines(&stdout(&out)).into_iter().map(|l| l.2).collect();
    assert_eq!(got, ["0", "1", "2"]);
}

#[test]
fn pipeline_producer_relay_processor_consumer() {
    let mut producer = bin("producer")
        .args(["--stream", "stdio:///a", "--count", "50"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut relay = bin("relay")
        .args(["--input", "stdio:///a", "--output", "stdio:///b"])
        .stdin(producer.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut processor = bin("processor")
        .args(["--input", "stdio:///b", "--output", "stdio:///c"])
        .stdin(relay.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let consumer = bin("consumer")
        .args(["--stream", "stdio:///c"])
        .stdin(processor.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = consumer.wait_with_output().unwrap();
    assert!(out.status.success());
    for mut stage in [producer, relay, processor] {
        assert!(stage.wait().unwrap().success());
    }
    let want: Vec<(String, u64, String)> = (0..50)
        .map(|i| {
            (
                "c".to_owned(),
                i,
                format!("{{\"n\":{i},\"square\":{}}}", i * i),
            )
        })
        .collect();
    assert_eq!(lines(&stdout(&out)), want);
}

#[test]
fn relay_forwards_payloads_unchanged_and_exits_at_end_of_input() {
    let input = "[a] {\"n\": 1}\n[a] with | bars ] and [\n[z] not mine\n";
    let mut cmd = bin("relay");
    cmd.args(["--input", "stdio:///a", "--output", "stdio:///b"]);
    let out = run(cmd, input);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = lines(&stdout(&out));
    assert_eq!(
        got,
        [
            ("b".to_owned(), 0, "{\"n\": 1}".to_owned()),
            ("b".to_owned(), 1, "with | bars ] and [".to_owned())
        ]
    );
}

#[test]
fn processor_adds_square_and_forwards_other_payloads_with_a_warning() {
    let mut cmd = bin("processor");
    cmd.args(["--input", "stdio:///in", "--output", "stdio:///out"]);
    let out = run(
        cmd,
        "[in] {\"n\": 3}\n[in] hello\n[in] {\"n\": -4, \"k\": \"v\"}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<String> = lines(&stdout(&out)).into_iter().map(|l| l.2).collect();
    assert_eq!(
        got,
        [
            "{\"n\":3,\"square\":9}",
            "hello",
            "{\"k\":\"v\",\"n\":-4,\"square\":16}"
        ]
    );
    assert!(
        stderr(&out).contains("forwarded unchanged: not a JSON object"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn producer_into_a_closed_pipe_fails_cleanly() {
    // `producer | head -n 1`: the reader goes away after one line
    let mut child = bin("producer")
        .args(["--stream", "stdio:///a", "--count", "100000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.ends_with("| a | 0 | 0] {\"n\": 0}\n"), "{first}");
    // the reader is dropped here
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("error: stdio output is closed"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn consumer_into_a_closed_pipe_fails_cleanly() {
    let mut child = bin("consumer")
        .args(["--stream", "stdio:///a"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for i in 0..100_000 {
            if writeln!(stdin, "[a] {i}").is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Broken pipe"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn errors_say_what_is_wrong_and_what_to_do() {
    let cases: &[(&str, &[&str], i32, &str)] = &[
        (
            "consumer",
            &["--stream", "stdio:///a b"],
            2,
            "stream key `a b` is invalid (' ' is not allowed): use 1-249 of [A-Za-z0-9._-]",
        ),
        ("consumer", &["--stream", "localhost/a"], 2, "has no scheme"),
        ("consumer", &["--stream", "stdio://"], 2, "names no stream"),
        (
            "consumer",
            &["--stream", "stdio:///a", "--mode", "resumable"],
            1,
            "nothing to resume from",
        ),
        (
            "consumer",
            &["--stream", "stdio:///a", "--mode", "load-balanced"],
            1,
            "need a consumer group",
        ),
        (
            "consumer",
            &["--stream", "stdio:///a", "--group", "g"],
            1,
            "RealTime consumers do not join groups",
        ),
        (
            "consumer",
            &["--stream", "stdio:///a", "--offset", "start"],
            1,
            "--offset needs kafka://",
        ),
        (
            "consumer",
            &["--stream", "nats://h/a"],
            1,
            "unknown scheme `nats://`: this build has stdio://",
        ),
        (
            "producer",
            &["--stream", "stdio:///a", "--interval", "soon"],
            2,
            "write durations like 100ms",
        ),
        ("relay", &["--input", "stdio:///a"], 2, "--output"),
    ];
    for (name, args, code, text) in cases {
        let mut cmd = bin(name);
        cmd.args(*args);
        let out = run(cmd, "");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(*code), "{name} {args:?}: {err}");
        assert!(
            err.contains(text),
            "{name} {args:?}: expected {text:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn every_program_has_help() {
    for (name, flag) in [
        ("producer", "--stream"),
        ("consumer", "--mode"),
        ("relay", "--input"),
        ("processor", "--output"),
    ] {
        let mut cmd = bin(name);
        cmd.arg("--help");
        let out = run(cmd, "");
        assert!(out.status.success());
        assert!(stdout(&out).contains(flag), "{name} --help");
    }
}
