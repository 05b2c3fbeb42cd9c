//! Per-stream sequence counters, shared by the input side (numbering lines read) and the output
//! side (numbering messages sent).

use std::collections::HashMap;

use sea_streamer_types::{SeqNo, StreamKey};

/// Counters per stream and shard. An explicit sequence moves the counter: the next implicit one
/// is that sequence plus one. Stream keys are interned, so every message of a stream shares one
/// `StreamKey` allocation. The last stream used is looked up without hashing (runs of one stream
/// are the common case).
#[derive(Debug, Default)]
pub(crate) struct Sequencer {
    index: HashMap<Box<[u8]>, usize>,
    streams: Vec<StreamState>,
    last: Option<usize>,
    generation: u64,
}

#[derive(Debug)]
struct StreamState {
    key: StreamKey,
    generation: u64,
    /// next sequence per shard; almost always just shard 0
    next: Vec<(u64, SeqNo)>,
}

impl Sequencer {
    /// From now on, hand out keys in new allocations. The reader calls this per chunk of input, so
    /// that its thread and the consumers' threads do not count references on one shared counter
    /// (a cache line bouncing between cores on every message).
    pub(crate) fn new_generation(&mut self) {
        self.generation += 1;
    }

    /// The stream key for `key` (already validated) and the sequence for the message.
    /// `make_key` makes the key the first time; `None` from it gives `None`.
    #[inline]
    pub(crate) fn assign(
        &mut self,
        key: &[u8],
        make_key: impl FnOnce() -> Option<StreamKey>,
        shard: u64,
        explicit: Option<SeqNo>,
    ) -> Option<(StreamKey, SeqNo)> {
        let i = match self.last {
            Some(i) if self.streams[i].key.name().as_bytes() == key => i,
            _ => {
                let i = match self.index.get(key) {
                    Some(&i) => i,
                    None => {
                        self.streams.push(StreamState {
                            key: make_key()?,
                            generation: self.generation,
                            next: Vec::new(),
                        });
                        let i = self.streams.len() - 1;
                        self.index.insert(key.into(), i);
                        i
                    }
                };
                self.last = Some(i);
                i
            }
        };
        let state = &mut self.streams[i];
        if state.generation != self.generation {
            // a fresh allocation: see `new_generation`
            state.key = StreamKey::new(state.key.name()).unwrap_or_else(|_| state.key.clone());
            state.generation = self.generation;
        }
        let counter = match state.next.iter().position(|(s, _)| *s == shard) {
            Some(j) => &mut state.next[j].1,
            None => {
                state.next.push((shard, 0));
                let j = state.next.len() - 1;
                &mut state.next[j].1
            }
        };
        let seq = explicit.unwrap_or(*counter);
        *counter = seq.saturating_add(1);
        Some((state.key.clone(), seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_sequences_advance_the_counter() {
        let mut s = Sequencer::default();
        let mk = || StreamKey::new("a").ok();
        let seqs: Vec<SeqNo> = [None, None, Some(10), None, Some(3), None]
            .into_iter()
            .map(|e| s.assign(b"a", mk, 0, e).unwrap().1)
            .collect();
        assert_eq!(seqs, [0, 1, 10, 11, 3, 4]);
        // shards and streams count apart
        assert_eq!(s.assign(b"a", mk, 1, None).unwrap().1, 0);
        assert_eq!(
            s.assign(b"b", || StreamKey::new("b").ok(), 0, None)
                .unwrap()
                .1,
            0
        );
        assert_eq!(s.assign(b"a", mk, 0, None).unwrap().1, 5);
        assert_eq!(s.assign(b"b", || None, 0, None).unwrap().1, 1);
        // keys are interned
        let (k1, _) = s.assign(b"a", mk, 0, None).unwrap();
        let (k2, _) = s.assign(b"a", mk, 0, None).unwrap();
        assert!(k1.ptr_eq(&k2));
        // a key that cannot be made is not counted
        assert_eq!(s.assign(b"c", || None, 0, None), None);
    }
}
