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
    pub stream_key: Option<&'a str>,
    /// The sequence number, if given.
    pub sequence: Option<SeqNo>,
    /// The shard, if given.
    pub shard: Option<u64>,
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
    let mut parts = inner.split(|&b| b == b'|').map(trim_spaces);
    let mut header = LineHeader::default();
    let first = parts.next().unwrap_or_default();
    let mut key = Some(first);
    if let Some(ts) = cache.parse(first) {
        header.timestamp = Some(ts);
        key = parts.next();
    } else if first.first().is_some_and(u8::is_ascii_digit) && first.contains(&b':') {
        return Err("its timestamp does not parse (expected YYYY-MM-DDTHH:MM:SS[.fraction])");
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
        // checked above: ASCII only
        header.stream_key = std::str::from_utf8(key).ok();
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
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
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
    pub fn parse(&mut self, s: &[u8]) -> Option<Timestamp> {
        let s = s.strip_suffix(b"Z").unwrap_or(s);
        if s.len() < 19 {
            return None;
        }
        let (whole, frac) = s.split_at(19);
        let nano = match frac {
            [] => 0,
            [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
                digits(frac)? * 10u32.pow(9 - frac.len() as u32)
            }
            _ => return None,
        };
        let base = match &self.last {
            Some((text, base)) if text[..] == *whole => *base,
            _ => {
                let base = parse_whole_second(whole)?;
                let mut text = [0u8; 19];
                text.copy_from_slice(whole);
                self.last = Some((text, base));
                base
            }
        };
        Some(base.replace_nanosecond(nano).ok()?.assume_utc())
    }
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
                    stream_key: Some("clock"),
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
                    stream_key: Some("k"),
                    ..Default::default()
                },
                "x"
            )
        );
        assert_eq!(
            header("[2026-12-04T16:34:43.25 | k | 3] x").0,
            LineHeader {
                timestamp: ts,
                stream_key: Some("k"),
                sequence: Some(3),
                shard: None
            }
        );
        assert_eq!(
            header("[k] x").0,
            LineHeader {
                stream_key: Some("k"),
                ..Default::default()
            }
        );
        assert_eq!(
            header("[k | 9] x").0,
            LineHeader {
                stream_key: Some("k"),
                sequence: Some(9),
                ..Default::default()
            }
        );
        assert_eq!(
            header("[k | 9 | 1] ").0,
            LineHeader {
                stream_key: Some("k"),
                sequence: Some(9),
                shard: Some(1),
                ..Default::default()
            }
        );
        assert_eq!(header("[k | 9 | 1] ").1, "");
        // a payload may hold brackets and bars
        assert_eq!(header("[k] [a | b]").1, "[a | b]");
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
