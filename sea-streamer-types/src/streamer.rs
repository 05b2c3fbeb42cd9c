//! The [`Streamer`] trait: a connection to a backend, and the factory of producers and consumers.

use std::future::Future;

use crate::{
    Capabilities, ConnectOptions, Consumer, ConsumerOptions, Producer, ProducerOptions, StreamKey,
    StreamResult, StreamerUri,
};

/// A connection to a streaming backend.
pub trait Streamer: Sized + Send + Sync {
    /// The backend's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// Its producer.
    type Producer: Producer<Error = Self::Error>;
    /// Its consumer.
    type Consumer: Consumer<Error = Self::Error>;
    /// Options of `connect`.
    type ConnectOptions: ConnectOptions;
    /// Options of `create_consumer`.
    type ConsumerOptions: ConsumerOptions;
    /// Options of `create_producer`.
    type ProducerOptions: ProducerOptions;

    /// Connects to the backend at `uri`.
    ///
    /// # Errors
    /// [`StreamErr::Connect`](crate::StreamErr::Connect) if the URI's scheme is not this backend's
    /// or the servers cannot be reached within the connect timeout.
    fn connect(
        uri: StreamerUri,
        options: Self::ConnectOptions,
    ) -> impl Future<Output = StreamResult<Self, Self::Error>> + Send;

    /// Ends the connection. Producers and consumers made by this streamer end with it where the
    /// backend ties them to it.
    ///
    /// # Errors
    /// If buffered messages could not be delivered.
    fn disconnect(self) -> impl Future<Output = StreamResult<(), Self::Error>> + Send;

    /// A producer with no stream: use `send_to`, or `anchor` it.
    ///
    /// # Errors
    /// A backend error if the producer cannot be made.
    fn create_generic_producer(
        &self,
        options: Self::ProducerOptions,
    ) -> impl Future<Output = StreamResult<Self::Producer, Self::Error>> + Send;

    /// A producer anchored to `stream`.
    ///
    /// # Errors
    /// As [`create_generic_producer`](Streamer::create_generic_producer).
    fn create_producer(
        &self,
        stream: StreamKey,
        options: Self::ProducerOptions,
    ) -> impl Future<Output = StreamResult<Self::Producer, Self::Error>> + Send {
        async move {
            let mut producer = self.create_generic_producer(options).await?;
            producer.anchor(stream)?;
            Ok(producer)
        }
    }

    /// A consumer of `streams`.
    ///
    /// # Errors
    /// - [`StreamErr::StreamKeyEmpty`](crate::StreamErr::StreamKeyEmpty) if `streams` is empty;
    /// - [`StreamErr::ConsumerGroupNotSet`](crate::StreamErr::ConsumerGroupNotSet) for LoadBalanced
    ///   without a group, [`StreamErr::ConsumerGroupIsSet`](crate::StreamErr::ConsumerGroupIsSet) for
    ///   RealTime with one;
    /// - [`StreamErr::Unsupported`](crate::StreamErr::Unsupported) for a mode the backend lacks.
    fn create_consumer(
        &self,
        streams: &[StreamKey],
        options: Self::ConsumerOptions,
    ) -> impl Future<Output = StreamResult<Self::Consumer, Self::Error>> + Send;

    /// What this backend supports.
    fn capabilities(&self) -> Capabilities;
}
