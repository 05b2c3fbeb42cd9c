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
    #[doc(hidden)]
    /// Never made: holds the lifetime that backends with borrowed messages use.
    __Borrowed(PhantomData<&'a ()>, Infallible),
}

macro_rules! on_message {
    ($self:expr, $m:ident => $e:expr) => {
        match $self {
            #[cfg(feature = "stdio")]
            SeaMessage::Stdio($m) => $e,
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
        on_message!(self, m => m.headers())
    }
    fn to_owned(&self) -> SharedMessage {
        on_message!(self, m => Message::to_owned(m))
    }
}
