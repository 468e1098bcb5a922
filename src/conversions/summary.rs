//! The driver's result summary -> `graphrpc.v1.Summary`.

use neo4rs::summary::{ResultSummary, Type};

use crate::proto::v1 as pb;

/// `attempts`: how many times graphrpc ran the work (1 unless retried).
pub fn summary(summary: ResultSummary, row_count: u64, attempts: u32) -> pb::Summary {
    let c = summary.stats();
    let counters = pb::Counters {
        nodes_created: c.nodes_created,
        nodes_deleted: c.nodes_deleted,
        relationships_created: c.relationships_created,
        relationships_deleted: c.relationships_deleted,
        properties_set: c.properties_set,
        labels_added: c.labels_added,
        labels_removed: c.labels_removed,
        indexes_added: c.indexes_added,
        indexes_removed: c.indexes_removed,
        constraints_added: c.constraints_added,
        constraints_removed: c.constraints_removed,
        system_updates: c.system_updates,
        contains_updates: *c != neo4rs::summary::Counters::default(),
    };
    let query_type = match summary.r#type {
        Some(Type::Read) => pb::QueryType::ReadOnly,
        Some(Type::Write) => pb::QueryType::WriteOnly,
        Some(Type::ReadWrite) => pb::QueryType::ReadWrite,
        Some(Type::SchemaOnly) => pb::QueryType::SchemaWrite,
        Some(Type::Unknown) | None => pb::QueryType::Unspecified,
    };
    pb::Summary {
        bookmark: summary.bookmark.clone().unwrap_or_default(),
        database: summary.db.clone().unwrap_or_default(),
        query_type: query_type.into(),
        counters: Some(counters),
        result_available_after: summary.available_after().and_then(|d| d.try_into().ok()),
        result_consumed_after: summary.consumed_after().and_then(|d| d.try_into().ok()),
        row_count,
        attempts,
        notifications: summary
            .notifications
            .iter()
            .map(|n| pb::Notification {
                code: n.code.clone().unwrap_or_default(),
                title: n.title.clone().unwrap_or_default(),
                description: n.description.clone().unwrap_or_default(),
                severity: n
                    .severity
                    .map(|s| format!("{s:?}").to_uppercase())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}
