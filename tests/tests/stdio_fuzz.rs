//! Hostile input for the stdio line parser and the stdin reader, as property tests with a fixed
//! budget that run in every `cargo test`: arbitrary bytes, invalid UTF-8, lone `[`, headers that
//! almost parse, empty lines, CR/LF mixes, input read at random boundaries, and a 10 MB line.
//! Nothing panics, and every input line arrives, in order: on its stream with the header taken
//! off, or whole as a raw payload on `broadcast` (the parser's verdict decides which); every
//! malformed header is reported (the first 10 one by one, then the count).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::{
    collections::BTreeSet,
    io::{self, Read, Write},
    sync::{Arc, Mutex},
    time::Duration,
};

use proptest::{collection::vec, prelude::*, test_runner::Config};
use sea_streamer_stdio::{
    parser::parse_line, StdioConnectOptions, StdioConsumerOptions, StdioStreamer,
};
use sea_streamer_types::{
    Consumer, ConsumerMode, ConsumerOptions, Message, StreamErr, StreamKey, Streamer, BROADCAST,
};

/// Cases per property: a fixed budget, the same in CI as on a laptop.
const CASES: u32 = 256;

/// A reader that hands the input out in pieces of the given sizes, in turn.
struct Chunked {
    data: io::Cursor<Vec<u8>>,
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()].max(1);
        self.turn += 1;
        let n = size.min(buf.len());
        self.data.read(&mut buf[..n])
    }
}

/// The lines a reader must deliver: split at `\n`, one `\r` before it dropped, and a last line
/// without `\n` kept unless empty.
fn expected_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let last = lines.pop().unwrap_or_default();
    let mut lines: Vec<&[u8]> = lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if !last.is_empty() {
        lines.push(last);
    }
    lines
}

/// What a consumer of every stream must get for `line`: its stream and payload.
fn expected_message(line: &[u8]) -> (String, Vec<u8>) {
    let parsed = parse_line(line);
    let stream = parsed
        .header
        .stream_key
        .map_or(BROADCAST.to_owned(), |k| k.as_str().to_owned());
    (
        stream,
        line[parsed.payload_start.min(line.len())..].to_vec(),
    )
}

/// Collects the stdio warnings.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<u8>>>);

impl Write for Warnings {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a consumer got, and the warnings.
type Delivered = (Vec<(String, Vec<u8>)>, String);

/// Feeds `input` through a stdio streamer in reads of `sizes` bytes, to one RealTime consumer of
/// every stream the input names, and returns what it got until the end of input, and the
/// warnings.
fn deliver(input: Vec<u8>, sizes: Vec<usize>, streams: &BTreeSet<String>) -> Delivered {
    let warnings = Warnings::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = runtime.block_on(async {
        let mut options = StdioConnectOptions::default();
        options
            .set_input(Chunked {
                data: io::Cursor::new(input),
                sizes,
                turn: 0,
            })
            .set_no_output()
            .set_warnings(warnings.clone());
        let s = StdioStreamer::connect("stdio://".parse().unwrap(), options)
            .await
            .unwrap();
        let mut keys: Vec<StreamKey> = streams.iter().map(|k| StreamKey::new(k).unwrap()).collect();
        if keys.is_empty() {
            keys.push(StreamKey::new("any").unwrap());
        }
        let c = s
            .create_consumer(&keys, StdioConsumerOptions::new(ConsumerMode::RealTime))
            .await
            .unwrap();
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                match c.next().await {
                    Ok(m) => got.push((
                        m.stream_key().name().to_owned(),
                        m.message().as_bytes().to_vec(),
                    )),
                    Err(StreamErr::StreamEnded) => break,
                    Err(e) => panic!("next: {e}"),
                }
            }
        })
        .await
        .expect("the stream ended");
        drop(c);
        drop(s);
        got
    });
    let text = String::from_utf8(warnings.0.lock().unwrap().clone()).unwrap();
    (got, text)
}

/// Checks that every line of `input`, read in pieces of `sizes`, arrives as the parser says.
fn check_delivery(input: Vec<u8>, sizes: Vec<usize>) -> Result<(), TestCaseError> {
    let want: Vec<(String, Vec<u8>)> = expected_lines(&input)
        .into_iter()
        .map(expected_message)
        .collect();
    let streams: BTreeSet<String> = want
        .iter()
        .map(|(s, _)| s.clone())
        .filter(|s| s != BROADCAST)
        .collect();
    let lines = want.len();
    let malformed = expected_lines(&input)
        .into_iter()
        .filter(|l| parse_line(l).malformed.is_some())
        .count();
    let (got, warnings) = deliver(input, sizes, &streams);
    prop_assert_eq!(got.len(), lines, "lines delivered");
    prop_assert_eq!(got, want);
    let one_by_one = warnings.matches(": warning: input line ").count();
    prop_assert_eq!(one_by_one, malformed.min(10), "{}", warnings);
    if malformed > 10 {
        let summary = format!("{malformed} of {lines} input lines had a malformed header");
        prop_assert!(warnings.contains(&summary), "{}", warnings);
    }
    Ok(())
}

/// A line that is or looks like the stdio format, or is not, with no `\n`.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let headers = prop::sample::select(vec![
        "",
        "[",
        "[]",
        "[ ]",
        "[a",
        "[a]",
        "[a] ",
        "[a | 1]",
        "[a | 1 | 0]",
        "[a | 18446744073709551615 | 3]",
        "[a | 18446744073709551616]",
        "[a | x]",
        "[a | 1 | 2 | 3 | 4]",
        "[b|2|0]",
        "[2026-12-04T10:11:12]",
        "[2026-12-04T10:11:12.123456789 | b]",
        "[2026-12-04T10:11:12.1234567891 | b]",
        "[2026-13-04T10:11:12 | b]",
        "[2026-12-04T10:11 | b]",
        "[not a key! | 1]",
        "[a.b_c-d | 0 | 0]",
        "[\u{e9} | 1]",
        "]",
        "[[a]]",
    ]);
    let body = vec(
        prop_oneof![
            4 => any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
            1 => prop::sample::select(vec![b'[', b']', b'|', b' ', b'\r', 0xff, 0xc3]),
        ],
        0..40,
    );
    (headers, body).prop_map(|(h, b)| [h.as_bytes(), &b].concat())
}

/// Lines joined by `\n` or `\r\n`, the last one with or without.
fn input() -> impl Strategy<Value = Vec<u8>> {
    (vec((line(), any::<bool>()), 0..50), any::<bool>()).prop_map(|(lines, end)| {
        let mut out = Vec::new();
        let n = lines.len();
        for (i, (l, crlf)) in lines.into_iter().enumerate() {
            out.extend_from_slice(&l);
            if i + 1 < n || end {
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(Config { cases: CASES, failure_persistence: None, ..Config::default() })]

    /// The parser takes any bytes without panicking; a malformed header leaves the whole line
    /// as the payload, and a parsed one ends inside the line.
    #[test]
    fn the_parser_takes_any_bytes(line in vec(any::<u8>(), 0..200)) {
        let parsed = parse_line(&line);
        prop_assert!(parsed.payload_start <= line.len());
        if parsed.malformed.is_some() {
            prop_assert_eq!(parsed.payload_start, 0);
            prop_assert!(parsed.header.stream_key.is_none());
        }
    }

    /// The parser takes lines that almost have a header.
    #[test]
    fn the_parser_takes_near_headers(line in line()) {
        let parsed = parse_line(&line);
        prop_assert!(parsed.payload_start <= line.len());
        if let Some(key) = parsed.header.stream_key {
            prop_assert!(StreamKey::new(key.as_str()).is_ok(), "parsed key {:?}", key.as_str());
        }
    }

    /// Every line of arbitrary bytes arrives, whatever the read boundaries.
    #[test]
    fn every_line_of_any_bytes_arrives(
        input in vec(any::<u8>(), 0..2000),
        sizes in vec(1usize..300, 1..8),
    ) {
        check_delivery(input, sizes)?;
    }

    /// Every line of format-like input arrives on the stream its header names, or raw.
    #[test]
    fn every_line_of_format_like_input_arrives(
        input in input(),
        sizes in vec(1usize..64, 1..8),
    ) {
        check_delivery(input, sizes)?;
    }
}

/// A 10 MB line among ordinary ones arrives whole, read in pieces of odd sizes.
#[test]
fn a_10_mb_line_arrives_whole() {
    let huge = vec![b'x'; 10 << 20];
    let input = [
        &b"[a] before\n"[..],
        b"[a] ",
        &huge,
        b"\n[\n\r\n\n[b | 5] after\r\n",
        &huge[..1000],
    ]
    .concat();
    check_delivery(input.clone(), vec![65_537, 1, 262_144, 7]).unwrap();
    let (got, _) = deliver(
        input,
        vec![1 << 20],
        &["a", "b"].iter().map(|s| s.to_string()).collect(),
    );
    let sizes: Vec<(String, usize)> = got.into_iter().map(|(s, p)| (s, p.len())).collect();
    assert_eq!(
        sizes,
        [
            ("a".to_owned(), 6),
            ("a".to_owned(), 10 << 20),
            ("broadcast".to_owned(), 1),
            ("broadcast".to_owned(), 0),
            ("broadcast".to_owned(), 0),
            ("b".to_owned(), 5),
            ("broadcast".to_owned(), 1000),
        ]
    );
}
