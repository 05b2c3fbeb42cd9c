//! [`SeaConsumer`].

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use futures::Stream;
use sea_streamer_types::{Consumer, SeqPos, ShardId, StreamKey, Timestamp};

use crate::{Backend, BackendErr, SeaMessage, SeaResult};

/// A consumer of whichever backend runs.
#[derive(Debug)]
#[non_exhaustive]
pub enum SeaConsumer {
    /// On stdio.
    #[cfg(feature = "stdio")]
    Stdio(sea_streamer_stdio::StdioConsumer),
    /// On Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaConsumer),
}

/// The [`Stream`] of a [`SeaConsumer`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SeaMessageStream<'a> {
    /// On stdio.
    #[cfg(feature = "stdio")]
    Stdio(sea_streamer_stdio::StdioMessageStream<'a>),
    /// On Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaMessageStream<'a>),
}

impl<'a> Stream for SeaMessageStream<'a> {
    type Item = SeaResult<SeaMessage<'a>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut() {
            #[cfg(feature = "stdio")]
            SeaMessageStream::Stdio(s) => Pin::new(s).poll_next(cx).map(|item| {
                item.map(|r| {
                    r.map(SeaMessage::Stdio)
                        .map_err(|e| e.map_backend(BackendErr::Stdio))
                })
            }),
            #[cfg(feature = "kafka")]
            SeaMessageStream::Kafka(s) => Pin::new(s).poll_next(cx).map(|item| {
                item.map(|r| {
                    r.map(SeaMessage::Kafka)
                        .map_err(|e| e.map_backend(BackendErr::Kafka))
                })
            }),
        }
    }
}

impl SeaConsumer {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(_) => Backend::Stdio,
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(_) => Backend::Kafka,
        }
    }

    /// The stdio consumer, if this is one.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn get_stdio(&mut self) -> Option<&mut sea_streamer_stdio::StdioConsumer> {
        match self {
            SeaConsumer::Stdio(c) => Some(c),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaConsumer {
    /// The Kafka consumer, if this is one (for commits, and the rdkafka consumer).
    pub fn get_kafka(&mut self) -> Option<&mut sea_streamer_kafka::KafkaConsumer> {
        match self {
            SeaConsumer::Kafka(c) => Some(c),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Consumer for SeaConsumer {
    type Error = BackendErr;
    type Message<'a> = SeaMessage<'a>;
    type Stream<'a> = SeaMessageStream<'a>;

    async fn seek(&mut self, to: Timestamp) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => c
                .seek(to)
                .await
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => c
                .seek(to)
                .await
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn rewind(&mut self, pos: SeqPos) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => c
                .rewind(pos)
                .await
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => c
                .rewind(pos)
                .await
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn assign(&mut self, ss: (StreamKey, ShardId)) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => c.assign(ss).map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => c.assign(ss).map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn unassign(&mut self, ss: (StreamKey, ShardId)) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => c.unassign(ss).map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => c.unassign(ss).map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn next(&self) -> SeaResult<SeaMessage<'_>> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => c
                .next()
                .await
                .map(SeaMessage::Stdio)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => c
                .next()
                .await
                .map(SeaMessage::Kafka)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn stream<'a, 'b: 'a>(&'b mut self) -> SeaMessageStream<'a> {
        match self {
            #[cfg(feature = "stdio")]
            SeaConsumer::Stdio(c) => SeaMessageStream::Stdio(c.stream()),
            #[cfg(feature = "kafka")]
            SeaConsumer::Kafka(c) => SeaMessageStream::Kafka(c.stream()),
        }
    }
}
