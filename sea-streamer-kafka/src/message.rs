//! [`KafkaMessage`].

use rdkafka::message::{BorrowedMessage, Headers, Message as _};
use sea_streamer_types::{Message, Payload, SeqNo, ShardId, StreamKey, Timestamp};

/// A message as a Kafka consumer hands it out, borrowed from the consumer (no copy).
#[derive(Debug)]
pub struct KafkaMessage<'a> {
    message: BorrowedMessage<'a>,
    streams: &'a [StreamKey],
}

impl<'a> KafkaMessage<'a> {
    pub(crate) fn new(message: BorrowedMessage<'a>, streams: &'a [StreamKey]) -> Self {
        Self { message, streams }
    }

    /// The rdkafka message.
    pub fn raw(&self) -> &BorrowedMessage<'a> {
        &self.message
    }
}

/// A Kafka timestamp (milliseconds) as a [`Timestamp`]; a record without one (or with a negative
/// one, Kafka's "none") reads as the Unix epoch.
pub(crate) fn timestamp_of(ts: rdkafka::Timestamp) -> Timestamp {
    ts.to_millis()
        .filter(|ms| *ms >= 0)
        .and_then(|ms| Timestamp::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

impl Message for KafkaMessage<'_> {
    fn stream_key(&self) -> StreamKey {
        let topic = self.message.topic();
        match self.streams.iter().find(|k| k.name() == topic) {
            Some(k) => k.clone(),
            // a topic the consumer did not name (it cannot happen, but never panic)
            None => StreamKey::new(topic).unwrap_or_else(|_| StreamKey::broadcast()),
        }
    }

    fn shard_id(&self) -> ShardId {
        ShardId::new(u64::try_from(self.message.partition()).unwrap_or(0))
    }

    fn sequence(&self) -> SeqNo {
        u64::try_from(self.message.offset()).unwrap_or(0)
    }

    /// The record's timestamp; the Unix epoch for a record without one.
    fn timestamp(&self) -> Timestamp {
        timestamp_of(self.message.timestamp())
    }

    fn message(&self) -> Payload<'_> {
        Payload::new(self.message.payload().unwrap_or_default())
    }

    fn key(&self) -> Option<&[u8]> {
        self.message.key()
    }

    fn headers(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> + Send + '_ {
        self.message
            .headers()
            .into_iter()
            .flat_map(|h| h.iter())
            .map(|h| (h.key, h.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_with_and_without_value() {
        assert_eq!(
            timestamp_of(rdkafka::Timestamp::NotAvailable),
            Timestamp::UNIX_EPOCH
        );
        let t = timestamp_of(rdkafka::Timestamp::CreateTime(1_700_000_000_123));
        assert_eq!(t.unix_timestamp_nanos(), 1_700_000_000_123_000_000);
        assert_eq!(
            timestamp_of(rdkafka::Timestamp::LogAppendTime(-5)).unix_timestamp(),
            0
        );
    }
}
