//! Kafka topic names. Debezium names a table's topic `<prefix>.<schema>.<table>`.

/// The Debezium `topic.prefix` shared by the local runner and production Kafka Connect.
pub const CDC_TOPIC_PREFIX: &str = "boxoffice";

/// The change-event topic of a table in the `public` schema of the `boxoffice` database.
pub fn table_topic(table: &str) -> String {
    format!("{CDC_TOPIC_PREFIX}.public.{table}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_topics_follow_the_debezium_naming() {
        assert_eq!(table_topic("session"), "boxoffice.public.session");
    }
}
