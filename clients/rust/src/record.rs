//! Results: records addressed by column name, typed access and serde mapping.

use std::sync::Arc;

use crate::{
    convert::{to_json, FromValue},
    error::{Error, Result},
    proto as pb,
    value::Value,
};

/// One row of a result, by column name.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    keys: Arc<[String]>,
    values: Vec<Value>,
}

impl Record {
    pub(crate) fn from_proto(keys: &Arc<[String]>, row: pb::Row) -> Result<Record> {
        let values: Vec<Value> = row
            .values
            .into_iter()
            .map(Value::from_proto)
            .collect::<Result<_>>()?;
        if values.len() != keys.len() {
            return Err(Error::Decode(format!(
                "a row has {} values for {} columns",
                values.len(),
                keys.len()
            )));
        }
        Ok(Record {
            keys: keys.clone(),
            values,
        })
    }

    /// The column names, in the order of the RETURN clause.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of a column.
    pub fn value(&self, key: &str) -> Option<&Value> {
        let i = self.keys.iter().position(|k| k == key)?;
        self.values.get(i)
    }

    /// The value of a column as a Rust type: `record.get::<i64>("count")`.
    pub fn get<T: FromValue>(&self, key: &str) -> Result<T> {
        let value = self
            .value(key)
            .ok_or_else(|| Error::Conversion(format!("no column `{key}` in {:?}", self.keys)))?;
        T::from_value(value.clone()).map_err(|e| Error::Conversion(format!("column `{key}`: {e}")))
    }

    /// The record as a user struct, through serde: each column is a field (see
    /// [`crate::convert::to_json`] for how values map).
    pub fn to<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        let object: serde_json::Map<String, serde_json::Value> = self
            .keys
            .iter()
            .cloned()
            .zip(self.values.iter().cloned().map(to_json))
            .collect();
        serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| Error::Conversion(format!("record to struct: {e}")))
    }

    /// The values, by value.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A whole result: column names, records and the database's summary.
#[derive(Debug, Clone)]
pub struct RecordSet {
    pub keys: Vec<String>,
    pub records: Vec<Record>,
    pub summary: pb::Summary,
}

impl RecordSet {
    pub(crate) fn from_parts(
        keys: Vec<String>,
        rows: Vec<pb::Row>,
        summary: Option<pb::Summary>,
    ) -> Result<RecordSet> {
        let shared: Arc<[String]> = keys.clone().into();
        let records = rows
            .into_iter()
            .map(|row| Record::from_proto(&shared, row))
            .collect::<Result<_>>()?;
        Ok(RecordSet {
            keys,
            records,
            summary: summary.unwrap_or_default(),
        })
    }

    /// The only record's value of `key`, for one-value queries.
    pub fn single<T: FromValue>(&self, key: &str) -> Result<T> {
        match self.records.as_slice() {
            [one] => one.get(key),
            other => Err(Error::Conversion(format!(
                "expected one record, got {}",
                other.len()
            ))),
        }
    }

    /// The values of one column, one per record, converted to `T`.
    pub fn column<T: FromValue>(&self, key: &str) -> Result<Vec<T>> {
        self.records.iter().map(|r| r.get(key)).collect()
    }

    /// Every record mapped into a user struct through serde.
    pub fn to<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>> {
        self.records.iter().map(Record::to).collect()
    }
}
