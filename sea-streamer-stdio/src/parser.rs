//! Reading the line format: `[timestamp | stream_key | sequence | shard] payload`.
//!
//! Every header part is optional from the right, and the timestamp may be left out:
//! `[ts]`, `[ts | key]`, `[ts | key | seq]`, `[ts | key | seq | shard]`, `[key]`, `[key | seq]`,
//! `[key | seq | shard]`. A line with no header is a raw payload on the `broadcast` stream. A line
//! whose header does not parse is a raw payload too; the parser says why, so the reader can warn.

use sea_streamer_types::{is_stream_key_char, SeqNo, Timestamp, MAX_STREAM_KEY_LEN};
use time::{Date, Month, PrimitiveDateTime, Time};

/// The header parts found on a line, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineHeader<'a> {
    /// The timestamp, if given.
    pub timestamp: Option<Timestamp>,
    /// The stream key, if given (already checked to be a valid key).
    pub stream_key: Option<AsciiKey<'a>>,
    /// The sequence number, if given.
    pub sequence: Option<SeqNo>,
    /// The shard, if given.
    pub shard: Option<u64>,
}

/// A stream key as found on a line, checked to be 1-249 of `[A-Za-z0-9._-]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AsciiKey<'a>(&'a [u8]);

impl<'a> AsciiKey<'a> {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The key as text.
    pub fn as_str(&self) -> &'a str {
        // the bytes were checked to be ASCII
        std::str::from_utf8(self.0).unwrap_or_default()
    }
}

impl PartialEq<&str> for AsciiKey<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// A parsed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedLine<'a> {
    /// The header; all `None` for a raw line.
    pub header: LineHeader<'a>,
    /// Where the payload starts in the line.
    pub payload_start: usize,
    /// Why a line that looks like it has a header was taken as a raw payload.
    pub malformed: Option<&'static str>,
}

impl ParsedLine<'_> {
    fn raw(malformed: Option<&'static str>) -> Self {
        Self {
            header: LineHeader::default(),
            payload_start: 0,
            malformed,
        }
    }
}

/// Parses one line, without its line ending.
///
/// Never fails: a line without a header, or with one that does not parse, is all payload (and
/// [`ParsedLine::malformed`] says why for the latter).
pub fn parse_line(line: &[u8]) -> ParsedLine<'_> {
    parse_line_cached(line, &mut TimestampCache::default())
}

/// [`parse_line`], reusing the whole second of the last timestamp parsed.
pub fn parse_line_cached<'a>(line: &'a [u8], cache: &mut TimestampCache) -> ParsedLine<'a> {
    if let Some(parsed) = parse_canonical(line, cache) {
        return parsed;
    }
    if line.first() != Some(&b'[') {
        return ParsedLine::raw(None);
    }
    let Some(end) = memchr::memchr(b']', line) else {
        return ParsedLine::raw(Some("it starts with `[` but has no `]`"));
    };
    match parse_header(&line[1..end], cache) {
        Ok(header) => {
            let mut payload_start = end + 1;
            if line.get(payload_start) == Some(&b' ') {
                payload_start += 1;
            }
            ParsedLine {
                header,
                payload_start,
                malformed: None,
            }
        }
        Err(why) => ParsedLine::raw(Some(why)),
    }
}

fn parse_header<'a>(
    inner: &'a [u8],
    cache: &mut TimestampCache,
) -> Result<LineHeader<'a>, &'static str> {
    let inner = trim_spaces(inner);
    let mut header = LineHeader::default();
    // a timestamp has a fixed shape: parse it in place rather than scan it for `|`
    let rest = match timestamp_prefix(inner, cache)? {
        Some((ts, rest)) => {
            header.timestamp = Some(ts);
            rest
        }
        None => Some(inner),
    };
    let mut parts = Parts(rest).map(trim_spaces);
    let key = parts.next();
    if header.timestamp.is_none() {
        if let Some(first) = key {
            if first.first().is_some_and(u8::is_ascii_digit) && first.contains(&b':') {
                return Err(TIMESTAMP_ERR);
            }
        }
    }
    if let Some(key) = key {
        let valid = !key.is_empty()
            && key.len() <= MAX_STREAM_KEY_LEN
            && key.iter().all(|&b| KEY_CHARS[usize::from(b)]);
        if !valid {
            return Err(if key.is_ascii() {
                "its stream key is invalid (use 1-249 of [A-Za-z0-9._-])"
            } else {
                "its header is not ASCII"
            });
        }
        header.stream_key = Some(AsciiKey(key));
    }
    if let Some(seq) = parts.next() {
        header.sequence = Some(parse_u64(seq).ok_or("its sequence is not a whole number")?);
    }
    if let Some(shard) = parts.next() {
        header.shard = Some(parse_u64(shard).ok_or("its shard is not a whole number")?);
    }
    if parts.next().is_some() {
        return Err("its header has more than 4 parts (timestamp | stream_key | sequence | shard)");
    }
    Ok(header)
}

/// The form this crate writes, `[ts | key | seq | shard] payload`, in one pass; `None` for any
/// other form (the general parser then decides).
fn parse_canonical<'a>(line: &'a [u8], cache: &mut TimestampCache) -> Option<ParsedLine<'a>> {
    if line.len() < 21 || line[0] != b'[' {
        return None;
    }
    let mut end = 20;
    if line.get(end) == Some(&b'.') {
        end += 1;
        while line.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    let timestamp = cache.parse(&line[1..end])?;
    let rest = after_bar(&line[end..])?;
    let key_len = rest.iter().position(|&b| !KEY_CHARS[usize::from(b)])?;
    if key_len == 0 || key_len > MAX_STREAM_KEY_LEN {
        return None;
    }
    let (key, rest) = rest.split_at(key_len);
    let rest = after_bar(rest)?;
    let (sequence, rest) = leading_u64(rest)?;
    let rest = after_bar(rest)?;
    let (shard, rest) = leading_u64(rest)?;
    let rest = match rest {
        [b']', rest @ ..] => rest,
        _ => return None,
    };
    let payload_start = line.len() - rest.len() + usize::from(rest.first() == Some(&b' '));
    Some(ParsedLine {
        header: LineHeader {
            timestamp: Some(timestamp),
            stream_key: Some(AsciiKey(key)),
            sequence: Some(sequence),
            shard: Some(shard),
        },
        payload_start,
        malformed: None,
    })
}

/// A whole number at the start of `s`, and what follows it.
#[inline]
fn leading_u64(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut value: u64 = 0;
    let mut n = 0;
    while let Some(&b) = s.get(n) {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        // 19 digits always fit; past that, check
        value = if n < 19 {
            value * 10 + u64::from(d)
        } else {
            value.checked_mul(10)?.checked_add(u64::from(d))?
        };
        n += 1;
    }
    (n > 0).then(|| (value, &s[n..]))
}

/// `s` without its leading `" | "`.
#[inline]
fn after_bar(s: &[u8]) -> Option<&[u8]> {
    match s {
        [b' ', b'|', b' ', rest @ ..] => Some(rest),
        _ => None,
    }
}

const TIMESTAMP_ERR: &str =
    "its timestamp does not parse (expected YYYY-MM-DDTHH:MM:SS[.fraction])";

/// A timestamp, and the header after its `|` (`None` if nothing follows).
type TimestampAndRest<'a> = (Timestamp, Option<&'a [u8]>);

/// A header that starts like a timestamp (`dddd-dd-ddT`): the timestamp and what follows its `|`
/// (`None` if nothing does).
fn timestamp_prefix<'a>(
    inner: &'a [u8],
    cache: &mut TimestampCache,
) -> Result<Option<TimestampAndRest<'a>>, &'static str> {
    let shaped = inner.len() >= 19
        && inner[4] == b'-'
        && inner[7] == b'-'
        && inner[10] == b'T'
        && inner[..4].iter().all(u8::is_ascii_digit);
    if !shaped {
        return Ok(None);
    }
    let mut end = 19;
    if inner.get(end) == Some(&b'.') {
        end += 1;
        while inner.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if inner.get(end) == Some(&b'Z') {
        end += 1;
    }
    let ts = cache.parse(&inner[..end]).ok_or(TIMESTAMP_ERR)?;
    let mut after = end;
    while inner.get(after) == Some(&b' ') {
        after += 1;
    }
    match inner.get(after) {
        None => Ok(Some((ts, None))),
        Some(b'|') => Ok(Some((ts, Some(&inner[after + 1..])))),
        Some(_) => Err(TIMESTAMP_ERR),
    }
}

/// The `|`-separated parts of a header (found with SIMD `memchr`: headers are short, but a
/// byte-by-byte split over the timestamp was the parser's hottest loop).
struct Parts<'a>(Option<&'a [u8]>);

impl<'a> Iterator for Parts<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.0?;
        match memchr::memchr(b'|', rest) {
            Some(i) => {
                self.0 = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// Which bytes may appear in a stream key.
static KEY_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_stream_key_char(b as u8 as char);
        b += 1;
    }
    table
};

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' '] = s {
        s = rest;
    }
    s
}

fn parse_u64(s: &[u8]) -> Option<u64> {
    match s.len() {
        // up to 19 digits cannot overflow
        1..=19 => s.iter().try_fold(0u64, |acc, &b| {
            let d = b.wrapping_sub(b'0');
            (d < 10).then(|| acc * 10 + u64::from(d))
        }),
        20 => s.iter().try_fold(0u64, |acc, &b| {
            let d = b.wrapping_sub(b'0');
            if d < 10 {
                acc.checked_mul(10)?.checked_add(u64::from(d))
            } else {
                None
            }
        }),
        _ => None,
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Remembers the last whole second parsed, so that a run of timestamps in one second costs a
/// 19-byte comparison and the fraction, not a calendar computation each.
#[derive(Debug, Default)]
pub struct TimestampCache {
    last: Option<([u8; 19], PrimitiveDateTime)>,
}

impl TimestampCache {
    /// As [`parse_timestamp`].
    #[inline]
    pub fn parse(&mut self, s: &[u8]) -> Option<Timestamp> {
        let s = s.strip_suffix(b"Z").unwrap_or(s);
        let (whole, frac) = s.split_first_chunk::<19>()?;
        let nano = match frac {
            [] => 0,
            [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
                let mut v = 0u32;
                for &b in frac {
                    let d = b.wrapping_sub(b'0');
                    if d >= 10 {
                        return None;
                    }
                    v = v * 10 + u32::from(d);
                }
                v * POW10[9 - frac.len()]
            }
            _ => return None,
        };
        let base = match &self.last {
            Some((text, base)) if same_19(text, whole) => *base,
            _ => {
                let base = parse_whole_second(whole)?;
                self.last = Some((*whole, base));
                base
            }
        };
        Some(base.replace_nanosecond(nano).ok()?.assume_utc())
    }
}

const POW10: [u32; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// Compares 19 bytes as three (overlapping) words.
#[inline]
fn same_19(a: &[u8; 19], b: &[u8; 19]) -> bool {
    let word = |s: &[u8; 19], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    word(a, 0) == word(b, 0) && word(a, 8) == word(b, 8) && word(a, 11) == word(b, 11)
}

fn parse_whole_second(s: &[u8]) -> Option<PrimitiveDateTime> {
    if s.len() != 19
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = Month::try_from(u8::try_from(digits(&s[5..7])?).ok()?).ok()?;
    let day = u8::try_from(digits(&s[8..10])?).ok()?;
    let hour = u8::try_from(digits(&s[11..13])?).ok()?;
    let minute = u8::try_from(digits(&s[14..16])?).ok()?;
    let second = u8::try_from(digits(&s[17..19])?).ok()?;
    let date = Date::from_calendar_date(i32::try_from(year).ok()?, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]` (UTC; a trailing `Z` is allowed). The fraction has 1 to 9
/// digits.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    TimestampCache::default().parse(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn header(line: &str) -> (LineHeader<'_>, &str) {
        let p = parse_line(line.as_bytes());
        assert_eq!(p.malformed, None, "{line}");
        (p.header, &line[p.payload_start..])
    }

    #[test]
    fn every_header_shape() {
        let ts = Some(datetime!(2026-12-04 16:34:43.25 UTC));
        let full = header("[2026-12-04T16:34:43.25 | clock | 7 | 2] tick tock");
        assert_eq!(
            full,
            (
                LineHeader {
                    timestamp: ts,
                    stream_key: Some(AsciiKey(b"clock")),
                    sequence: Some(7),
                    shard: Some(2)
                },
                "tick tock"
            )
        );
        assert_eq!(
            header("[2026-12-04T16:34:43.250] x").0,
            LineHeader {
                timestamp: ts,
                ..Default::default()
            }
        );
        assert_eq!(
            header("[2026-12-04T16:34:43.250|k]x"),
            (
                LineHeader {
                    timestamp: ts,
                    stream_key: Some(AsciiKey(b"k")),
                    ..Default::default()
                },
                "x"
            )
        );
        assert_eq!(
            header("[2026-12-04T16:34:43.25 | k | 3] x").0,
            LineHeader {
                timestamp: ts,
                stream_key: Some(AsciiKey(b"k")),
                sequence: Some(3),
                shard: None
            }
        );
        assert_eq!(
            header("[k] x").0,
            LineHeader {
                stream_key: Some(AsciiKey(b"k")),
                ..Default::default()
            }
        );
        assert_eq!(
            header("[k | 9] x").0,
            LineHeader {
                stream_key: Some(AsciiKey(b"k")),
                sequence: Some(9),
                ..Default::default()
            }
        );
        assert_eq!(
            header("[k | 9 | 1] ").0,
            LineHeader {
                stream_key: Some(AsciiKey(b"k")),
                sequence: Some(9),
                shard: Some(1),
                ..Default::default()
            }
        );
        assert_eq!(header("[k | 9 | 1] ").1, "");
        // a payload may hold brackets and bars
        assert_eq!(header("[k] [a | b]").1, "[a | b]");
        // spaces around parts are free
        assert_eq!(
            header("[ 2026-12-04T16:34:43.25Z|k |3 ] x").0,
            LineHeader {
                timestamp: ts,
                stream_key: Some(AsciiKey(b"k")),
                sequence: Some(3),
                shard: None
            }
        );
    }

    #[test]
    fn raw_lines() {
        for line in ["", "hello", " [k] x", "{\"n\": 1}"] {
            let p = parse_line(line.as_bytes());
            assert_eq!(p, ParsedLine::raw(None), "{line}");
        }
    }

    #[test]
    fn malformed_headers_are_raw_payloads_with_a_reason() {
        for line in [
            "[",
            "[k",
            "[]",
            "[a b] x",
            "[1,2,3]",
            "[k | x] y",
            "[k | 1 | y] y",
            "[k | 1 | 2 | 3] y",
            "[2026-12-04T16:34:43 | k | 1 | 2 | 3] y",
            "[2026-13-04T16:34:43 | k] y",
            "[2026-12-04T16:34:43.1234567891 | k] y",
            "[k | -1] y",
            "[k | 18446744073709551616] y",
            "[\u{e9}] y",
        ] {
            let p = parse_line(line.as_bytes());
            assert_eq!(p.payload_start, 0, "{line}");
            assert!(p.malformed.is_some(), "{line}");
            assert_eq!(p.header, LineHeader::default(), "{line}");
        }
        let p = parse_line(b"[\xff\xfe] y");
        assert_eq!(p.malformed, Some("its header is not ASCII"));
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_timestamp("2026-12-04T16:34:43"),
            Some(datetime!(2026-12-04 16:34:43 UTC))
        );
        assert_eq!(
            parse_timestamp("2026-12-04T16:34:43Z"),
            Some(datetime!(2026-12-04 16:34:43 UTC))
        );
        assert_eq!(
            parse_timestamp("2026-12-04T16:34:43.000000001"),
            Some(datetime!(2026-12-04 16:34:43.000_000_001 UTC))
        );
        for bad in [
            "2026-12-04",
            "2026-12-04 16:34:43",
            "2026-02-30T00:00:00",
            "2026-12-04T24:00:00",
            "2026-12-04T16:34:43.",
            "+026-12-04T16:34:43",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
