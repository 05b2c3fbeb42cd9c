//! Writing the line format: `[timestamp | stream_key | sequence | shard] payload`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_streamer_types::{MessageHeader, Timestamp};
use time::UtcOffset;

/// Appends the timestamp as `YYYY-MM-DDTHH:MM:SS[.fraction]` in UTC. The fraction has 3, 6 or 9
/// digits, as many as needed to keep the value exactly; none when it is zero.
pub fn write_timestamp(out: &mut Vec<u8>, ts: Timestamp) {
    let ts = ts.to_offset(UtcOffset::UTC);
    let (year, month, day) = ts.to_calendar_date();
    let (hour, minute, second, nano) = ts.to_hms_nano();
    if (0..=9999).contains(&year) {
        push_digits(out, year as u32, 4);
    } else {
        let mut b = itoa::Buffer::new();
        out.extend_from_slice(b.format(year).as_bytes());
    }
    out.push(b'-');
    push_digits(out, month as u32, 2);
    out.push(b'-');
    push_digits(out, day as u32, 2);
    out.push(b'T');
    push_digits(out, hour as u32, 2);
    out.push(b':');
    push_digits(out, minute as u32, 2);
    out.push(b':');
    push_digits(out, second as u32, 2);
    write_fraction(out, nano);
}

/// Appends `.fraction` with 3, 6 or 9 digits, as many as `nano` needs; nothing for zero.
pub(crate) fn write_fraction(out: &mut Vec<u8>, nano: u32) {
    if nano == 0 {
        return;
    }
    let groups = [nano / 1_000_000, nano / 1_000 % 1_000, nano % 1_000];
    let used = if nano % 1_000_000 == 0 {
        1
    } else if nano % 1_000 == 0 {
        2
    } else {
        3
    };
    out.push(b'.');
    for &g in &groups[..used] {
        let i = g as usize * 3;
        out.extend_from_slice(&THREE_DIGITS[i..i + 3]);
    }
}

/// "000001002...999": three digits for each number below 1000.
static THREE_DIGITS: [u8; 3000] = {
    let mut table = [0u8; 3000];
    let mut n = 0;
    while n < 1000 {
        table[n * 3] = b'0' + (n / 100) as u8;
        table[n * 3 + 1] = b'0' + (n / 10 % 10) as u8;
        table[n * 3 + 2] = b'0' + (n % 10) as u8;
        n += 1;
    }
    table
};

/// The timestamp as text, as [`write_timestamp`] writes it.
pub fn format_timestamp(ts: Timestamp) -> String {
    let mut out = Vec::with_capacity(32);
    write_timestamp(&mut out, ts);
    String::from_utf8_lossy(&out).into_owned()
}

fn push_digits(out: &mut Vec<u8>, mut v: u32, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for slot in out[start..].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Appends the header part `[timestamp | stream_key | sequence | shard] ` (with the trailing space).
pub fn write_header(out: &mut Vec<u8>, header: &MessageHeader) {
    out.push(b'[');
    write_timestamp(out, header.timestamp());
    write_header_rest(out, header);
}

/// Appends ` | stream_key | sequence | shard] `: the header after the timestamp.
pub(crate) fn write_header_rest(out: &mut Vec<u8>, header: &MessageHeader) {
    let mut num = itoa::Buffer::new();
    out.extend_from_slice(b" | ");
    out.extend_from_slice(header.stream_key().name().as_bytes());
    out.extend_from_slice(b" | ");
    out.extend_from_slice(num.format(header.sequence()).as_bytes());
    out.extend_from_slice(b" | ");
    out.extend_from_slice(num.format(header.shard_id().id()).as_bytes());
    out.extend_from_slice(b"] ");
}

/// Appends one whole line, `[timestamp | stream_key | sequence | shard] payload\n`.
///
/// The payload is written as is: check it with [`check_payload`] first.
pub fn write_line(out: &mut Vec<u8>, header: &MessageHeader, payload: &[u8]) {
    write_header(out, header);
    out.extend_from_slice(payload);
    out.push(b'\n');
}

/// How long the clock runs on the CPU's counter before it looks at the system clock again.
const REANCHOR: Duration = Duration::from_millis(100);

/// The wall clock, read cheaply: the CPU's time stamp counter (through `quanta`, about 10 ns)
/// anchored to the system clock (about 35 ns in a VM) every [`REANCHOR`], so it follows the system
/// clock to well under a microsecond. Readings never go backwards. Also formats the time, with the
/// whole second formatted once per second.
#[derive(Debug)]
pub(crate) struct Clock {
    counter: quanta::Clock,
    /// a counter reading and the system time then
    anchor: Option<(quanta::Instant, Duration)>,
    last: Duration,
    /// unix seconds, the instant at that second, and its text
    second: Option<(u64, Timestamp, Vec<u8>)>,
}

impl Default for Clock {
    fn default() -> Self {
        Self {
            counter: quanta::Clock::new(),
            anchor: None,
            last: Duration::ZERO,
            second: None,
        }
    }
}

impl Clock {
    /// Time since the Unix epoch, or `None` for a system clock before 1970.
    fn since_epoch(&mut self) -> Option<Duration> {
        let now = self.counter.now();
        let since = match self.anchor {
            Some((at, base)) if now.saturating_duration_since(at) < REANCHOR => {
                base + now.saturating_duration_since(at)
            }
            _ => {
                let system = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
                self.anchor = Some((now, system));
                system
            }
        };
        self.last = self.last.max(since);
        Some(self.last)
    }

    /// The time now.
    pub(crate) fn now(&mut self) -> Timestamp {
        let Some(since) = self.since_epoch() else {
            return Timestamp::now_utc();
        };
        self.at_second(since.as_secs())
            .and_then(|(at, _)| at.replace_nanosecond(since.subsec_nanos()).ok())
            .unwrap_or_else(Timestamp::now_utc)
    }

    /// The instant and text of a whole second, cached.
    fn at_second(&mut self, secs: u64) -> Option<(Timestamp, &[u8])> {
        if !matches!(&self.second, Some((s, ..)) if *s == secs) {
            let at = Timestamp::from_unix_timestamp(i64::try_from(secs).ok()?).ok()?;
            let mut text = Vec::with_capacity(19);
            write_timestamp(&mut text, at);
            self.second = Some((secs, at, text));
        }
        self.second
            .as_ref()
            .map(|(_, at, text)| (*at, text.as_slice()))
    }

    /// The time now; appends `[` and the timestamp's text to `out`.
    pub(crate) fn now_into(&mut self, out: &mut Vec<u8>) -> Timestamp {
        let since = self.since_epoch();
        let cached = since.and_then(|since| {
            let (at, text) = self.at_second(since.as_secs())?;
            let nano = since.subsec_nanos();
            out.push(b'[');
            out.extend_from_slice(text);
            write_fraction(out, nano);
            Some(at.replace_nanosecond(nano).unwrap_or(at))
        });
        cached.unwrap_or_else(|| {
            let now = Timestamp::now_utc();
            out.push(b'[');
            write_timestamp(out, now);
            now
        })
    }
}

/// Whether `payload` can be one line: no `\n`, and no `\r` at its end (a reader drops a `\r`
/// before the `\n`, so it would not come back the same).
///
/// # Errors
/// What is wrong with the payload, as a phrase.
pub fn check_payload(payload: &[u8]) -> Result<(), &'static str> {
    if memchr::memchr(b'\n', payload).is_some() {
        Err("holds a newline")
    } else if payload.last() == Some(&b'\r') {
        Err("ends with a carriage return")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_streamer_types::{ShardId, StreamKey};
    use time::macros::datetime;

    #[test]
    fn timestamps_keep_their_precision() {
        let cases = [
            (datetime!(2026-12-04 16:34:43 UTC), "2026-12-04T16:34:43"),
            (
                datetime!(2026-01-02 03:04:05.120 UTC),
                "2026-01-02T03:04:05.120",
            ),
            (
                datetime!(2026-01-02 03:04:05.000_123 UTC),
                "2026-01-02T03:04:05.000123",
            ),
            (
                datetime!(2026-01-02 03:04:05.123_456_789 UTC),
                "2026-01-02T03:04:05.123456789",
            ),
            (datetime!(2026-01-02 03:04:05 +02:00), "2026-01-02T01:04:05"),
        ];
        for (ts, text) in cases {
            assert_eq!(format_timestamp(ts), text);
        }
    }

    #[test]
    fn a_whole_line() {
        let h = MessageHeader::new(
            StreamKey::new("clock").unwrap(),
            ShardId::ZERO,
            42,
            datetime!(2026-12-04 16:34:43.5 UTC),
        );
        let mut out = Vec::new();
        write_line(&mut out, &h, b"tick");
        assert_eq!(out, b"[2026-12-04T16:34:43.500 | clock | 42 | 0] tick\n");
    }

    #[test]
    fn the_clock_follows_the_system_clock_and_never_goes_back() {
        let mut clock = Clock::default();
        let mut last = clock.now();
        for _ in 0..10_000 {
            let mut line = Vec::new();
            let now = clock.now_into(&mut line);
            assert!(now >= last);
            let text = format!("{}", String::from_utf8_lossy(&line[1..]));
            assert_eq!(text, format_timestamp(now));
            last = now;
        }
        let drift = (Timestamp::now_utc() - clock.now()).abs();
        assert!(drift < time::Duration::milliseconds(5), "{drift}");
    }

    #[test]
    fn payload_checks() {
        assert!(check_payload(b"fine | [x]").is_ok());
        assert!(check_payload(b"a\nb").is_err());
        assert!(check_payload(b"a\r").is_err());
        assert!(check_payload(b"a\rb").is_ok());
    }
}
