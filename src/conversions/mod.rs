//! Every proto <-> domain conversion, in one place: requests become checked statements
//! once, at the edge; values and summaries are converted straight into proto types.

pub mod json;
pub mod named;
pub mod ranges;
pub mod record;
pub mod request;
pub mod summary;
pub mod value;

use neo4rs::BoltType;

use crate::proto::v1 as pb;

/// A record's values (in column order) as a proto row.
pub fn row(record: Vec<BoltType>) -> pb::Row {
    pb::Row {
        values: record.into_iter().map(value::from_bolt).collect(),
    }
}
