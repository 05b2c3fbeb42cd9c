//! [`SeaProducer`].

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use sea_streamer_types::{Buffer, MessageHeader, Producer, StreamKey};

use crate::{Backend, BackendErr, SeaResult};

/// A producer of whichever backend runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SeaProducer {
    /// On stdio.
    #[cfg(feature = "stdio")]
    Stdio(sea_streamer_stdio::StdioProducer),
    /// On Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaProducer),
}

/// The receipt future of a [`SeaProducer`] send.
#[derive(Debug)]
#[non_exhaustive]
pub enum SeaSendFuture {
    /// On stdio.
    #[cfg(feature = "stdio")]
    Stdio(sea_streamer_stdio::StdioSendFuture),
    /// On Kafka.
    #[cfg(feature = "kafka")]
    Kafka(sea_streamer_kafka::KafkaSendFuture),
}

impl Future for SeaSendFuture {
    type Output = SeaResult<MessageHeader>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            #[cfg(feature = "stdio")]
            SeaSendFuture::Stdio(f) => Pin::new(f)
                .poll(cx)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaSendFuture::Kafka(f) => Pin::new(f)
                .poll(cx)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }
}

impl SeaProducer {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(_) => Backend::Stdio,
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(_) => Backend::Kafka,
        }
    }

    /// The stdio producer, if this is one.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn get_stdio(&mut self) -> Option<&mut sea_streamer_stdio::StdioProducer> {
        match self {
            SeaProducer::Stdio(p) => Some(p),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaProducer {
    /// The Kafka producer, if this is one.
    pub fn get_kafka(&mut self) -> Option<&mut sea_streamer_kafka::KafkaProducer> {
        match self {
            SeaProducer::Kafka(p) => Some(p),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Producer for SeaProducer {
    type Error = BackendErr;
    type SendFuture = SeaSendFuture;

    fn send_to<S: Buffer>(&self, stream: &StreamKey, payload: S) -> SeaResult<SeaSendFuture> {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(p) => p
                .send_to(stream, payload)
                .map(SeaSendFuture::Stdio)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(p) => p
                .send_to(stream, payload)
                .map(SeaSendFuture::Kafka)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn flush(&self) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(p) => p
                .flush()
                .await
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(p) => p
                .flush()
                .await
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    async fn end(self) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(p) => p.end().await.map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(p) => p.end().await.map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn anchor(&mut self, stream: StreamKey) -> SeaResult<()> {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(p) => p
                .anchor(stream)
                .map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(p) => p
                .anchor(stream)
                .map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }

    fn anchored(&self) -> SeaResult<&StreamKey> {
        match self {
            #[cfg(feature = "stdio")]
            SeaProducer::Stdio(p) => p.anchored().map_err(|e| e.map_backend(BackendErr::Stdio)),
            #[cfg(feature = "kafka")]
            SeaProducer::Kafka(p) => p.anchored().map_err(|e| e.map_backend(BackendErr::Kafka)),
        }
    }
}
