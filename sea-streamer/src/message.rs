//! [`SeaMessage`].

use std::{convert::Infallible, marker::PhantomData};

use sea_streamer_types::{Message, Payload, SeqNo, ShardId, SharedMessage, StreamKey, Timestamp};

/// A message of whichever backend runs.
#[derive(Debug)]
#[non_exhaustive]
pub enum SeaMessage<'a> {
    /// From stdio.
    #[cfg(feature = "stdio")]
    Stdio(SharedMessage),
    /// From Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaMessage<'a>),
    #[doc(hidden)]
    /// Never made: holds the lifetime that backends with borrowed messages use.
    __Borrowed(PhantomData<&'a ()>, Infallible),
}

macro_rules! on_message {
    ($self:expr, $m:ident => $e:expr) => {
        match $self {
            #[cfg(feature = "stdio")]
            SeaMessage::Stdio($m) => $e,
            #[cfg(feature = "kafka")]
            SeaMessage::Kafka($m) => $e,
            SeaMessage::__Borrowed(_, never) => match *never {},
        }
    };
}

impl SeaMessage<'_> {
    /// The stdio message, if it is one.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn get_stdio(&self) -> Option<&SharedMessage> {
        match self {
            SeaMessage::Stdio(m) => Some(m),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl<'a> SeaMessage<'a> {
    /// The Kafka message, if it is one.
    pub fn get_kafka(&self) -> Option<&sea_streamer_kafka::KafkaMessage<'a>> {
        match self {
            SeaMessage::Kafka(m) => Some(m),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Message for SeaMessage<'_> {
    fn stream_key(&self) -> StreamKey {
        on_message!(self, m => m.stream_key())
    }
    fn shard_id(&self) -> ShardId {
        on_message!(self, m => m.shard_id())
    }
    fn sequence(&self) -> SeqNo {
        on_message!(self, m => m.sequence())
    }
    fn timestamp(&self) -> Timestamp {
        on_message!(self, m => m.timestamp())
    }
    fn message(&self) -> Payload<'_> {
        on_message!(self, m => m.message())
    }
    fn key(&self) -> Option<&[u8]> {
        on_message!(self, m => m.key())
    }
    fn headers(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> + Send + '_ {
        // one iterator type whatever the backend: at most one of these is `Some`
        #[cfg(feature = "stdio")]
        let stdio = match self {
            SeaMessage::Stdio(m) => Some(m.headers()),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        #[cfg(not(feature = "stdio"))]
        let stdio: Option<std::iter::Empty<(&str, Option<&[u8]>)>> = None;
        #[cfg(feature = "kafka")]
        let kafka = match self {
            SeaMessage::Kafka(m) => Some(m.headers()),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        #[cfg(not(feature = "kafka"))]
        let kafka: Option<std::iter::Empty<(&str, Option<&[u8]>)>> = None;
        stdio
            .into_iter()
            .flatten()
            .chain(kafka.into_iter().flatten())
    }
    fn to_owned(&self) -> SharedMessage {
        on_message!(self, m => Message::to_owned(m))
    }
}
