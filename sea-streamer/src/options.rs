//! Options of the run-time selected backend: the common ones, plus each backend's own.

use std::time::Duration;

use sea_streamer_types::{
    ConnectOptions, ConsumerGroup, ConsumerMode, ConsumerOptions, ProducerOptions,
};

/// Options of [`Streamer::connect`](sea_streamer_types::Streamer::connect) for a [`SeaStreamer`](crate::SeaStreamer): a timeout, and the options
/// of each backend, used when the URI picks it.
#[derive(Debug, Default, Clone)]
pub struct SeaConnectOptions {
    timeout: Option<Duration>,
    #[cfg(feature = "stdio")]
    stdio: sea_streamer_stdio::StdioConnectOptions,
    #[cfg(feature = "kafka")]
    kafka: sea_streamer_kafka::KafkaConnectOptions,
}

impl SeaConnectOptions {
    /// Changes the stdio backend's options.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn set_stdio_connect_options(
        &mut self,
        f: impl FnOnce(&mut sea_streamer_stdio::StdioConnectOptions),
    ) -> &mut Self {
        f(&mut self.stdio);
        self
    }

    /// The stdio backend's options (with the common timeout applied).
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn into_stdio_connect_options(self) -> sea_streamer_stdio::StdioConnectOptions {
        let mut o = self.stdio;
        if let Some(t) = self.timeout {
            o.set_timeout(t);
        }
        o
    }
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaConnectOptions {
    /// Changes the Kafka backend's options.
    pub fn set_kafka_connect_options(
        &mut self,
        f: impl FnOnce(&mut sea_streamer_kafka::KafkaConnectOptions),
    ) -> &mut Self {
        f(&mut self.kafka);
        self
    }

    /// The Kafka backend's options (with the common timeout applied).
    pub fn into_kafka_connect_options(self) -> sea_streamer_kafka::KafkaConnectOptions {
        let mut o = self.kafka;
        if let Some(t) = self.timeout {
            o.set_timeout(t);
        }
        o
    }
}

impl ConnectOptions for SeaConnectOptions {
    fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = Some(timeout);
        self
    }
}

/// Options of [`SeaStreamer::create_consumer`](crate::SeaStreamer): the mode and group, given to
/// whichever backend runs.
#[derive(Debug, Default, Clone)]
pub struct SeaConsumerOptions {
    mode: ConsumerMode,
    group: Option<ConsumerGroup>,
    #[cfg(feature = "kafka")]
    kafka: sea_streamer_kafka::KafkaConsumerOptions,
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaConsumerOptions {
    /// Changes the Kafka backend's consumer options (the mode and group are these options').
    pub fn set_kafka_consumer_options(
        &mut self,
        f: impl FnOnce(&mut sea_streamer_kafka::KafkaConsumerOptions),
    ) -> &mut Self {
        f(&mut self.kafka);
        self
    }

    /// The Kafka backend's options for these.
    pub fn to_kafka_consumer_options(&self) -> sea_streamer_kafka::KafkaConsumerOptions {
        let mut o = self.kafka.clone();
        o.set_mode(self.mode);
        if let Some(g) = &self.group {
            o.set_consumer_group(g.clone());
        }
        o
    }
}

impl SeaConsumerOptions {
    /// The stdio backend's options for these.
    #[cfg(feature = "stdio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
    pub fn to_stdio_consumer_options(&self) -> sea_streamer_stdio::StdioConsumerOptions {
        let mut o = sea_streamer_stdio::StdioConsumerOptions::new(self.mode);
        if let Some(g) = &self.group {
            o.set_consumer_group(g.clone());
        }
        o
    }
}

impl ConsumerOptions for SeaConsumerOptions {
    fn new(mode: ConsumerMode) -> Self {
        Self {
            mode,
            ..Default::default()
        }
    }

    fn mode(&self) -> ConsumerMode {
        self.mode
    }

    fn consumer_group(&self) -> Option<&ConsumerGroup> {
        self.group.as_ref()
    }

    fn set_consumer_group(&mut self, group: ConsumerGroup) -> &mut Self {
        self.group = Some(group);
        self
    }
}

/// Options of [`SeaStreamer::create_producer`](crate::SeaStreamer).
#[derive(Debug, Default, Clone)]
pub struct SeaProducerOptions {
    #[cfg(feature = "kafka")]
    kafka: sea_streamer_kafka::KafkaProducerOptions,
}

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
impl SeaProducerOptions {
    /// Changes the Kafka backend's producer options.
    pub fn set_kafka_producer_options(
        &mut self,
        f: impl FnOnce(&mut sea_streamer_kafka::KafkaProducerOptions),
    ) -> &mut Self {
        f(&mut self.kafka);
        self
    }

    /// The Kafka backend's producer options.
    pub fn to_kafka_producer_options(&self) -> sea_streamer_kafka::KafkaProducerOptions {
        self.kafka.clone()
    }
}

impl ProducerOptions for SeaProducerOptions {}
