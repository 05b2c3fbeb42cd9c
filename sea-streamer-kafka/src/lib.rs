#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod close;
mod consumer;
mod error;
mod host;
mod message;
mod options;
mod producer;
mod streamer;

pub use consumer::{KafkaConsumer, KafkaMessageStream};
pub use error::{is_transient, KafkaErr, KafkaResult};
pub use host::host_id;
pub use message::KafkaMessage;
pub use options::{
    AutoOffsetReset, CompressionType, KafkaConnectOptions, KafkaConsumerOptions,
    KafkaProducerOptions, SaslMechanism, SaslOptions, SecurityProtocol, DEFAULT_TIMEOUT,
};
pub use producer::{KafkaProducer, KafkaRecord, KafkaSendFuture};
pub use rdkafka;
pub use streamer::{resumable_group, KafkaStreamer, KAFKA_CAPABILITIES, KAFKA_SCHEME};
