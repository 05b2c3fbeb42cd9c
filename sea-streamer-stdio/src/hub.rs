//! The input side: one reader per input (stdin is read by one thread for the whole process),
//! routing each message to the consumers that should get it.

use std::{
    collections::HashMap,
    io::{self, Read},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, OnceLock,
    },
};

use bytes::{Bytes, BytesMut};
use sea_streamer_types::{
    ConsumerGroup, MessageHeader, ShardId, SharedMessage, StreamKey, BROADCAST,
};

use crate::{
    format::Clock,
    options::Warnings,
    parser::{parse_line_cached, TimestampCache},
    queue::{lock, End, Queue},
    sequencer::Sequencer,
    StdioErr,
};

/// How much one read asks for.
const READ_CHUNK: usize = 256 * 1024;
/// Malformed-header warnings printed in full before they are only counted.
const WARN_LIMIT: u64 = 10;

/// Where messages come from, and who gets them.
pub(crate) struct Hub {
    router: Mutex<Router>,
    input: Mutex<Option<Box<dyn Read + Send>>>,
    warnings: Mutex<Warnings>,
    started: AtomicBool,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("router", &self.router)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Router {
    next_id: u64,
    /// in join order
    subs: Vec<Sub>,
    routes: Vec<(StreamKey, Route)>,
    route_index: HashMap<StreamKey, usize>,
    /// the stream routed last and its route (keys are interned: a pointer comparison finds a run)
    last: Option<(StreamKey, usize)>,
    /// round-robin positions, kept while routes are rebuilt
    cursors: HashMap<(ConsumerGroup, StreamKey), usize>,
    /// inputs still open: the reader, and each loopback streamer
    sources: usize,
    end: Option<End>,
}

#[derive(Debug)]
struct Sub {
    id: u64,
    streams: Vec<StreamKey>,
    group: Option<ConsumerGroup>,
    queue: Arc<Queue>,
}

#[derive(Debug, Default)]
struct Route {
    /// every one of these gets the message
    all: Vec<usize>,
    /// one member of each of these gets it, in turn
    groups: Vec<GroupRoute>,
}

#[derive(Debug)]
struct GroupRoute {
    group: ConsumerGroup,
    members: Vec<usize>,
    cursor: usize,
}

impl Router {
    fn build_route(&self, key: &StreamKey) -> Route {
        let mut route = Route::default();
        let broadcast = key.name() == BROADCAST;
        for (i, sub) in self.subs.iter().enumerate() {
            if broadcast {
                route.all.push(i);
                continue;
            }
            if !sub.streams.contains(key) {
                continue;
            }
            match &sub.group {
                None => route.all.push(i),
                Some(group) => match route.groups.iter_mut().find(|g| &g.group == group) {
                    Some(g) => g.members.push(i),
                    None => route.groups.push(GroupRoute {
                        group: group.clone(),
                        members: vec![i],
                        cursor: self
                            .cursors
                            .get(&(group.clone(), key.clone()))
                            .copied()
                            .unwrap_or(0),
                    }),
                },
            }
        }
        route
    }

    /// Membership changed: keep the round-robin positions, drop the routes.
    fn invalidate(&mut self) {
        self.last = None;
        self.route_index.clear();
        for (key, route) in self.routes.drain(..) {
            for g in route.groups {
                self.cursors.insert((g.group, key.clone()), g.cursor);
            }
        }
    }

    /// Calls `deliver(index of the consumer in join order, its queue, message)` for each consumer
    /// that gets `message`.
    fn route(
        &mut self,
        message: SharedMessage,
        mut deliver: impl FnMut(usize, &Arc<Queue>, SharedMessage),
    ) {
        let key = message.header().stream_key();
        let index = match &self.last {
            Some((last, index)) if last.ptr_eq(key) => *index,
            _ => {
                let index = match self.route_index.get(key) {
                    Some(&index) => index,
                    None => {
                        let route = self.build_route(key);
                        self.routes.push((key.clone(), route));
                        self.route_index.insert(key.clone(), self.routes.len() - 1);
                        self.routes.len() - 1
                    }
                };
                self.last = Some((key.clone(), index));
                index
            }
        };
        let route = &mut self.routes[index].1;
        if let ([i], []) = (route.all.as_slice(), route.groups.as_slice()) {
            // one consumer: the common case
            deliver(*i, &self.subs[*i].queue, message);
            return;
        }
        let targets = route.all.len() + route.groups.len();
        let mut message = Some(message);
        let mut give = |i: usize, n: &mut usize| {
            *n += 1;
            let m = if *n == targets {
                message.take()
            } else {
                message.clone()
            };
            if let Some(m) = m {
                deliver(i, &self.subs[i].queue, m);
            }
        };
        let mut n = 0;
        for &i in &route.all {
            give(i, &mut n);
        }
        for g in &mut route.groups {
            let i = g.members[g.cursor % g.members.len()];
            g.cursor = g.cursor.wrapping_add(1);
            give(i, &mut n);
        }
    }

    fn close_all(&mut self, end: End) {
        for sub in &self.subs {
            sub.queue.close(end.clone());
        }
        self.end = Some(end);
    }
}

/// Keeps a hub's streams open while a loopback streamer or its producers live.
#[derive(Debug)]
pub(crate) struct SourceGuard(Arc<Hub>);

impl Drop for SourceGuard {
    fn drop(&mut self) {
        self.0.source_done(End::Eof);
    }
}

impl Hub {
    /// A hub over `input`; with no input, streams end once every loopback source is gone.
    pub(crate) fn new(input: Option<Box<dyn Read + Send>>) -> Arc<Self> {
        let sources = usize::from(input.is_some());
        Arc::new(Self {
            router: Mutex::new(Router {
                sources,
                ..Router::default()
            }),
            input: Mutex::new(input),
            warnings: Mutex::new(Warnings::default()),
            started: AtomicBool::new(false),
        })
    }

    /// The process's stdin hub, shared by every streamer that reads stdin.
    pub(crate) fn stdin() -> Arc<Self> {
        static STDIN: OnceLock<Arc<Hub>> = OnceLock::new();
        STDIN
            .get_or_init(|| Hub::new(Some(Box::new(io::stdin()))))
            .clone()
    }

    /// Where the reader's warnings go (taken when the reader starts).
    pub(crate) fn set_warnings(&self, warnings: Warnings) {
        *lock(&self.warnings) = warnings;
    }

    /// Registers a loopback source.
    pub(crate) fn add_source(self: &Arc<Self>) -> SourceGuard {
        lock(&self.router).sources += 1;
        SourceGuard(self.clone())
    }

    fn source_done(&self, end: End) {
        let mut r = lock(&self.router);
        r.sources = r.sources.saturating_sub(1);
        if r.sources == 0 && r.end.is_none() {
            r.close_all(end);
        }
    }

    /// Ends the streams now if nothing can ever feed them.
    pub(crate) fn end_if_no_source(&self) {
        let mut r = lock(&self.router);
        if r.sources == 0 && r.end.is_none() {
            r.close_all(End::Eof);
        }
    }

    /// Adds a consumer; its queue ends at once if the hub has ended.
    pub(crate) fn subscribe(
        &self,
        streams: Vec<StreamKey>,
        group: Option<ConsumerGroup>,
        capacity: usize,
    ) -> (u64, Arc<Queue>) {
        let queue = Arc::new(Queue::new(capacity));
        let mut r = lock(&self.router);
        let id = r.next_id;
        r.next_id += 1;
        if let Some(end) = &r.end {
            queue.close(end.clone());
        }
        r.subs.push(Sub {
            id,
            streams,
            group,
            queue: queue.clone(),
        });
        r.invalidate();
        (id, queue)
    }

    /// Removes a consumer. Messages routed to it and not yet taken are dropped with it.
    pub(crate) fn unsubscribe(&self, id: u64) {
        let mut r = lock(&self.router);
        if let Some(pos) = r.subs.iter().position(|s| s.id == id) {
            let sub = r.subs.remove(pos);
            sub.queue.consumer_gone();
            r.invalidate();
        }
    }

    /// Starts reading the input, once, on a thread of its own.
    pub(crate) fn ensure_started(self: &Arc<Self>) {
        if self.started.load(Ordering::Acquire) || self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let Some(input) = lock(&self.input).take() else {
            return;
        };
        let hub = self.clone();
        let spawned = std::thread::Builder::new()
            .name("sea-streamer-stdio-reader".into())
            .spawn(move || {
                let end = hub.read_all(input);
                hub.source_done(end);
            });
        if let Err(e) = spawned {
            self.source_done(End::Error(StdioErr::Input(Arc::new(e))));
        }
    }

    /// Delivers a loopback message without waiting (see `Queue::push_nowait`).
    pub(crate) fn dispatch_nowait(&self, message: SharedMessage) {
        let mut r = lock(&self.router);
        if r.end.is_some() {
            return;
        }
        r.route(message, |_, queue, m| {
            queue.push_nowait(m);
        });
    }

    /// Parses a chunk of lines and delivers the messages, waiting on full queues.
    fn dispatch(&self, lines: &mut Vec<Bytes>, parser: &mut LineParser) {
        let mut outboxes: Vec<(Option<Arc<Queue>>, Vec<SharedMessage>)> = Vec::new();
        {
            let mut r = lock(&self.router);
            outboxes.resize_with(r.subs.len(), || (None, Vec::new()));
            let hint = lines.len();
            for line in lines.drain(..) {
                r.route(parser.parse(line), |i, queue, m| {
                    let (q, messages) = &mut outboxes[i];
                    if q.is_none() {
                        *q = Some(queue.clone());
                        messages.reserve(hint);
                    }
                    messages.push(m);
                });
            }
        }
        for (queue, mut messages) in outboxes {
            if let Some(queue) = queue {
                queue.push_blocking(&mut messages);
            }
        }
    }

    /// The reader thread: reads, parses and delivers until end of input.
    fn read_all(&self, mut input: Box<dyn Read + Send>) -> End {
        let mut lines = LineReader::default();
        let mut parser = LineParser {
            warnings: lock(&self.warnings).clone(),
            ..LineParser::default()
        };
        let mut raw = Vec::new();
        loop {
            let eof = match lines.read(&mut input, &mut raw) {
                Ok(eof) => eof,
                Err(e) => {
                    parser.summary();
                    return End::Error(StdioErr::Input(Arc::new(e)));
                }
            };
            if !raw.is_empty() {
                parser.sequencer.new_generation();
                self.dispatch(&mut raw, &mut parser);
            }
            if eof {
                parser.summary();
                return End::Eof;
            }
        }
    }
}

/// Splits the input into lines, each a `Bytes` that shares the read buffer (no copy per line).
#[derive(Debug, Default)]
struct LineReader {
    buf: BytesMut,
    /// how much of `buf` is known to hold no `\n`
    scanned: usize,
}

impl LineReader {
    /// One read; pushes every whole line it completes (with its `\n`), and at end of input the
    /// last line even without one. Returns whether the input has ended.
    fn read(&mut self, input: &mut dyn Read, out: &mut Vec<Bytes>) -> io::Result<bool> {
        if self.buf.capacity() - self.buf.len() < READ_CHUNK / 4 {
            self.buf.reserve(READ_CHUNK);
        }
        let len = self.buf.len();
        let room = (self.buf.capacity() - len).min(READ_CHUNK);
        self.buf.resize(len + room, 0);
        let n = loop {
            match input.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(len + n);
        // every line end of this read in one pass, then split them off
        let mut taken = 0;
        let ends: Vec<usize> = memchr::memchr_iter(b'\n', &self.buf[self.scanned..])
            .map(|i| i + self.scanned)
            .collect();
        out.reserve(ends.len());
        for end in ends {
            out.push(self.buf.split_to(end + 1 - taken).freeze());
            taken = end + 1;
        }
        self.scanned = self.buf.len();
        if n == 0 {
            if !self.buf.is_empty() {
                out.push(self.buf.split().freeze());
                self.scanned = 0;
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// Turns lines into messages: header, sequence, timestamp; warns about malformed headers.
#[derive(Debug, Default)]
struct LineParser {
    sequencer: Sequencer,
    timestamps: TimestampCache,
    clock: Clock,
    line_no: u64,
    malformed: u64,
    warnings: Warnings,
}

impl LineParser {
    #[inline]
    fn parse(&mut self, line: Bytes) -> SharedMessage {
        self.line_no += 1;
        let mut end = line.len();
        if line.get(end.wrapping_sub(1)) == Some(&b'\n') {
            end -= 1;
            if line.get(end.wrapping_sub(1)) == Some(&b'\r') {
                end -= 1;
            }
        }
        let parsed = parse_line_cached(&line[..end], &mut self.timestamps);
        if let Some(why) = parsed.malformed {
            self.warn(why);
        }
        let h = parsed.header;
        let key = h.stream_key.map_or(BROADCAST.as_bytes(), |k| k.as_bytes());
        let shard = h.shard.unwrap_or(0);
        let (stream_key, seq) = self
            .sequencer
            .assign(
                key,
                || StreamKey::new(h.stream_key.map_or(BROADCAST, |k| k.as_str())).ok(),
                shard,
                h.sequence,
            )
            .unwrap_or_else(|| (StreamKey::broadcast(), 0));
        let timestamp = match h.timestamp {
            Some(ts) => ts,
            None => self.clock.now(),
        };
        let header = MessageHeader::new(stream_key, ShardId::new(shard), seq, timestamp);
        let start = parsed.payload_start.min(end);
        SharedMessage::with_payload_range(header, line, start..end)
    }

    fn warn(&mut self, why: &str) {
        self.malformed += 1;
        if self.malformed <= WARN_LIMIT {
            self.warnings.line(format_args!(
                "sea-streamer-stdio: warning: input line {}: {why}; delivered whole as a raw payload on stream `{BROADCAST}`",
                self.line_no
            ));
            if self.malformed == WARN_LIMIT {
                self.warnings.line(format_args!(
                    "sea-streamer-stdio: warning: further malformed lines are only counted"
                ));
            }
        }
    }

    fn summary(&self) {
        if self.malformed > WARN_LIMIT {
            self.warnings.line(format_args!(
                "sea-streamer-stdio: warning: {} of {} input lines had a malformed header and were delivered as raw payloads",
                self.malformed,
                self.line_no
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_streamer_types::Message;

    /// A reader that hands out its data in the given pieces, one per read.
    struct Pieces(Vec<&'static [u8]>);
    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let piece = self.0.remove(0);
            buf[..piece.len()].copy_from_slice(piece);
            Ok(piece.len())
        }
    }

    #[test]
    fn lines_split_across_reads_and_a_last_line_without_newline() {
        let mut input = Pieces(vec![b"one\ntw", b"o\r\nthr", b"ee\n\nfour"]);
        let mut reader = LineReader::default();
        let mut lines = Vec::new();
        while !reader.read(&mut input, &mut lines).unwrap() {}
        assert_eq!(
            lines,
            ["one\n", "two\r\n", "three\n", "\n", "four"].map(|s| Bytes::from_static(s.as_bytes()))
        );
        let mut parser = LineParser::default();
        let payloads: Vec<String> = lines
            .into_iter()
            .map(|l| parser.parse(l).message().as_str().unwrap().to_owned())
            .collect();
        assert_eq!(payloads, ["one", "two", "three", "", "four"]);
    }

    #[test]
    fn sequences_follow_the_input() {
        let mut parser = LineParser::default();
        let seqs: Vec<(String, u64)> = ["[a] x", "[a] x", "[a | 7] x", "[a] x", "raw", "[b] y"]
            .into_iter()
            .map(|l| {
                let m = parser.parse(Bytes::from_static(l.as_bytes()));
                (m.stream_key().name().to_owned(), m.sequence())
            })
            .collect();
        let expect = [
            ("a", 0),
            ("a", 1),
            ("a", 7),
            ("a", 8),
            ("broadcast", 0),
            ("b", 0),
        ];
        assert_eq!(seqs, expect.map(|(k, s)| (k.to_owned(), s)));
    }
}
