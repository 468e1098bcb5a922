//! The checks every request field goes through, each naming the field when it fails: the
//! Cypher text, parameters (count, nesting depth, value sizes), access mode, row and batch
//! bounds, and the time limit from the request and the call's `grpc-timeout` deadline.

use super::*;

pub(super) fn cypher(field: &str, text: String, limits: &QueryLimits) -> Result<String, Status> {
    if text.trim().is_empty() {
        return Err(invalid_argument(field, "is empty; send a Cypher statement"));
    }
    if text.len() > limits.max_cypher_bytes {
        return Err(invalid_argument(
            field,
            format!(
                "is {} bytes, above the limit of {} (GRAPHRPC_MAX_CYPHER_BYTES); pass data as parameters",
                text.len(),
                limits.max_cypher_bytes
            ),
        ));
    }
    Ok(text)
}

/// Typed and JSON parameters merged into one map; `prefix` places the fields in the
/// request (`statements[2].`) for error messages.
pub(super) fn params(
    prefix: &str,
    typed: HashMap<String, pb::Value>,
    json_params: Option<prost_types::Struct>,
    limits: &QueryLimits,
) -> Result<BoltMap, Status> {
    let count = typed.len() + json_params.as_ref().map_or(0, |j| j.fields.len());
    if count > limits.max_params {
        return Err(invalid_argument(
            &format!("{prefix}params"),
            format!(
                "has {count} parameters, above the limit of {} (GRAPHRPC_MAX_PARAMS)",
                limits.max_params
            ),
        ));
    }
    for (name, v) in &typed {
        check_value(limits, 1, v)
            .map_err(|reason| invalid_argument(&format!("{prefix}params.{name}"), reason))?;
    }
    if let Some(json) = &json_params {
        for (name, v) in &json.fields {
            check_json(limits, 1, v).map_err(|reason| {
                invalid_argument(&format!("{prefix}json_params.{name}"), reason)
            })?;
        }
    }
    let mut params = BoltMap::with_capacity(typed.len());
    for (name, v) in typed {
        let bolt = value::param_to_bolt(&name, v)
            .map_err(|e| invalid_argument(&format!("{prefix}params.{}", e.path), e.reason))?;
        params.put(name.into(), bolt);
    }
    if let Some(json_params) = json_params {
        for (name, v) in json_params.fields {
            let key = neo4rs::BoltString::from(name.as_str());
            if params.value.contains_key(&key) {
                return Err(invalid_argument(
                    &format!("{prefix}json_params.{name}"),
                    "is also in params; give each parameter once",
                ));
            }
            params.put(key, json::to_bolt(v));
        }
    }
    Ok(params)
}

/// Nesting depth and value sizes of a typed parameter. The recursion is bounded: protobuf
/// decoding already refused anything nested deeper than 100 levels.
pub(super) fn check_value(
    limits: &QueryLimits,
    depth: usize,
    value: &pb::Value,
) -> Result<(), String> {
    use pb::value::Kind;
    if depth > limits.max_param_depth {
        return Err(too_deep(limits));
    }
    match &value.kind {
        Some(Kind::String(s)) => check_size(limits, s.len()),
        Some(Kind::Bytes(b)) => check_size(limits, b.len()),
        Some(Kind::List(list)) => list
            .values
            .iter()
            .try_for_each(|v| check_value(limits, depth + 1, v)),
        Some(Kind::Map(map)) => map
            .entries
            .values()
            .try_for_each(|v| check_value(limits, depth + 1, v)),
        _ => Ok(()),
    }
}

/// The same for a JSON parameter.
pub(super) fn check_json(
    limits: &QueryLimits,
    depth: usize,
    value: &prost_types::Value,
) -> Result<(), String> {
    use prost_types::value::Kind;
    if depth > limits.max_param_depth {
        return Err(too_deep(limits));
    }
    match &value.kind {
        Some(Kind::StringValue(s)) => check_size(limits, s.len()),
        Some(Kind::ListValue(list)) => list
            .values
            .iter()
            .try_for_each(|v| check_json(limits, depth + 1, v)),
        Some(Kind::StructValue(s)) => s
            .fields
            .values()
            .try_for_each(|v| check_json(limits, depth + 1, v)),
        _ => Ok(()),
    }
}

pub(super) fn too_deep(limits: &QueryLimits) -> String {
    format!(
        "nests lists and maps deeper than {} levels (GRAPHRPC_MAX_PARAM_DEPTH)",
        limits.max_param_depth
    )
}

pub(super) fn check_size(limits: &QueryLimits, len: usize) -> Result<(), String> {
    if len > limits.max_value_bytes {
        return Err(format!(
            "holds a {len}-byte value, above the limit of {} (GRAPHRPC_MAX_VALUE_BYTES)",
            limits.max_value_bytes
        ));
    }
    Ok(())
}

pub(super) fn access_mode(field: &str, mode: i32) -> Result<AccessMode, Status> {
    match pb::AccessMode::try_from(mode) {
        Ok(pb::AccessMode::Read) => Ok(AccessMode::Read),
        Ok(pb::AccessMode::Write | pb::AccessMode::Unspecified) => Ok(AccessMode::Write),
        Err(_) => Err(invalid_argument(
            field,
            format!("{mode} is not an access mode; use READ or WRITE"),
        )),
    }
}

/// The smaller of the requested (or default) timeout and the call's gRPC deadline.
pub(super) fn time_limit(
    field: &str,
    requested: Option<prost_types::Duration>,
    metadata: &MetadataMap,
    limits: &QueryLimits,
) -> Result<Duration, Status> {
    let timeout = match requested {
        None => limits.default_timeout,
        Some(t) => {
            let t = Duration::try_from(t)
                .map_err(|_| invalid_argument(field, "is negative; give a positive duration"))?;
            if t.is_zero() {
                return Err(invalid_argument(
                    field,
                    "is zero; give a positive duration or leave it unset",
                ));
            }
            if t > limits.max_timeout {
                return Err(invalid_argument(
                    field,
                    format!(
                        "{} is above the server's maximum of {}",
                        humantime::format_duration(t),
                        humantime::format_duration(limits.max_timeout)
                    ),
                ));
            }
            t
        }
    };
    Ok(match grpc_timeout(metadata)? {
        Some(deadline) => timeout.min(answer_before(deadline)),
        None => timeout,
    })
}

/// Stop a little before the caller's deadline: tonic's own timer on that deadline started
/// when the request arrived, and when it fires the caller gets a bare CANCELLED instead of
/// graphrpc's DEADLINE_EXCEEDED saying what was stopped.
pub(super) fn answer_before(deadline: Duration) -> Duration {
    deadline.saturating_sub((deadline / 10).min(Duration::from_millis(50)))
}

pub(super) fn database(name: String) -> Option<String> {
    Some(name.trim().to_owned()).filter(|db| !db.is_empty())
}

pub(super) fn bookmarks(bookmarks: Vec<String>) -> Vec<String> {
    bookmarks.into_iter().filter(|b| !b.is_empty()).collect()
}

pub(super) fn bounded(field: &str, requested: u32, default: u32, max: u32) -> Result<u32, Status> {
    match requested {
        0 => Ok(default),
        n if n > max => Err(invalid_argument(
            field,
            format!("{n} is above the server's maximum of {max}"),
        )),
        n => Ok(n),
    }
}

/// The call's deadline from the `grpc-timeout` header: at most 8 digits and a unit
/// (H, M, S, m, u, n), as the gRPC over HTTP/2 specification defines it.
pub fn grpc_timeout(metadata: &MetadataMap) -> Result<Option<Duration>, Status> {
    let Some(value) = metadata.get("grpc-timeout") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| Status::invalid_argument("the grpc-timeout header is malformed"))?;
    grpc_timeout_value(text).map(Some)
}

/// Parses one `grpc-timeout` value.
pub fn grpc_timeout_value(text: &str) -> Result<Duration, Status> {
    let malformed = || Status::invalid_argument("the grpc-timeout header is malformed");
    if text.len() < 2 || text.len() > 9 {
        return Err(malformed());
    }
    let (digits, unit) = text.split_at(text.len() - 1);
    let amount: u64 = digits.parse().map_err(|_| malformed())?;
    let duration = match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return Err(malformed()),
    };
    Ok(duration)
}
