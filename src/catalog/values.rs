//! Parameter values of the named-query catalog: defaults written in YAML become Bolt
//! values when the file is loaded, and a call's parameters are checked against the schema
//! ([`NamedQuery::bind`]) at call time.

use super::*;

/// A YAML value, as written for a default.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Yaml>),
    Map(BTreeMap<String, Yaml>),
}

impl Yaml {
    fn kind(&self) -> &'static str {
        match self {
            Yaml::Null => "null",
            Yaml::Bool(_) => "a boolean",
            Yaml::Int(_) => "an integer",
            Yaml::Float(_) => "a float",
            Yaml::String(_) => "a string",
            Yaml::List(_) => "a list",
            Yaml::Map(_) => "a map",
        }
    }
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

pub(super) struct YamlVisitor;

impl<'de> de::Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Yaml, E> {
        Ok(Yaml::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Yaml, E> {
        i64::try_from(u)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{u} is beyond the 64-bit signed integer range")))
    }
    fn visit_i128<E: de::Error>(self, i: i128) -> Result<Yaml, E> {
        i64::try_from(i)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{i} is beyond the 64-bit signed integer range")))
    }
    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Yaml, E> {
        i64::try_from(u)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{u} is beyond the 64-bit signed integer range")))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Yaml, E> {
        Ok(Yaml::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Yaml, E> {
        Ok(Yaml::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Yaml, E> {
        Ok(Yaml::String(s))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut values = Vec::new();
        while let Some(v) = seq.next_element()? {
            values.push(v);
        }
        Ok(Yaml::List(values))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, Yaml>()? {
            entries.insert(k, v);
        }
        Ok(Yaml::Map(entries))
    }
}

/// A default, checked against the parameter's type and converted for the database.
pub(super) fn default_value(ty: &ParamType, value: Yaml) -> Result<BoltType, String> {
    let mismatch = |value: &Yaml| format!("expected {ty}, got {}", value.kind());
    Ok(match (ty, value) {
        (_, Yaml::Null) => BoltType::Null(BoltNull),
        (ParamType::Any, value) => any_value(value),
        (ParamType::String, Yaml::String(s)) => BoltType::String(BoltString::from(s)),
        (ParamType::Integer, Yaml::Int(i)) => BoltType::Integer(BoltInteger::new(i)),
        (ParamType::Float, Yaml::Float(f)) => BoltType::Float(BoltFloat::new(f)),
        (ParamType::Float, Yaml::Int(i)) => BoltType::Float(BoltFloat::new(i as f64)),
        (ParamType::Boolean, Yaml::Bool(b)) => BoltType::Boolean(BoltBoolean::new(b)),
        (ParamType::List(element), Yaml::List(values)) => {
            let mut list = Vec::with_capacity(values.len());
            for (i, v) in values.into_iter().enumerate() {
                list.push(match element {
                    Some(element) => default_value(element, v).map_err(|e| format!("[{i}]: {e}"))?,
                    None => any_value(v),
                });
            }
            BoltType::List(BoltList::from(list))
        }
        (ParamType::Map, Yaml::Map(entries)) => BoltType::Map(
            entries
                .into_iter()
                .map(|(k, v)| (BoltString::from(k), any_value(v)))
                .collect(),
        ),
        (
            ParamType::Bytes
            | ParamType::Date
            | ParamType::Time
            | ParamType::LocalTime
            | ParamType::DateTime
            | ParamType::LocalDateTime
            | ParamType::Duration
            | ParamType::Point,
            _,
        ) => {
            return Err(format!(
                "a {ty} parameter cannot have a default in the catalog; leave the default out (an optional parameter that is not given is null) or make it required"
            ))
        }
        (_, value) => return Err(mismatch(&value)),
    })
}

pub(super) fn any_value(value: Yaml) -> BoltType {
    match value {
        Yaml::Null => BoltType::Null(BoltNull),
        Yaml::Bool(b) => BoltType::Boolean(BoltBoolean::new(b)),
        Yaml::Int(i) => BoltType::Integer(BoltInteger::new(i)),
        Yaml::Float(f) => BoltType::Float(BoltFloat::new(f)),
        Yaml::String(s) => BoltType::String(BoltString::from(s)),
        Yaml::List(values) => BoltType::List(BoltList::from(
            values.into_iter().map(any_value).collect::<Vec<_>>(),
        )),
        Yaml::Map(entries) => BoltType::Map(
            entries
                .into_iter()
                .map(|(k, v)| (BoltString::from(k), any_value(v)))
                .collect(),
        ),
    }
}

/// The type name of a parameter value, for "expected X, got Y".
pub(super) fn bolt_kind(value: &BoltType) -> &'static str {
    match value {
        BoltType::Null(_) => "null",
        BoltType::Boolean(_) => "boolean",
        BoltType::Integer(_) => "integer",
        BoltType::Float(_) => "float",
        BoltType::String(_) => "string",
        BoltType::Bytes(_) => "bytes",
        BoltType::List(_) => "list",
        BoltType::Map(_) => "map",
        BoltType::Date(_) => "date",
        BoltType::Time(_) => "time",
        BoltType::LocalTime(_) => "local_time",
        BoltType::DateTime(_) | BoltType::DateTimeZoneId(_) => "date_time",
        BoltType::LocalDateTime(_) => "local_date_time",
        BoltType::Duration(_) => "duration",
        BoltType::Point2D(_) | BoltType::Point3D(_) => "point",
        BoltType::Node(_) => "node",
        BoltType::Relation(_) | BoltType::UnboundedRelation(_) => "relationship",
        BoltType::Path(_) => "path",
    }
}

/// A value of a parameter, checked against its type: the value to bind (an integer for a
/// float parameter becomes a float), or where it is wrong (`[2]`, empty for the value
/// itself) and why.
pub(super) fn conform(ty: &ParamType, value: BoltType) -> Result<BoltType, (String, String)> {
    match (ty, value) {
        (ParamType::Float, BoltType::Integer(i)) => {
            Ok(BoltType::Float(BoltFloat::new(i.value as f64)))
        }
        (ParamType::List(Some(element)), BoltType::List(list)) => {
            let mut values = Vec::with_capacity(list.value.len());
            for (i, v) in list.value.into_iter().enumerate() {
                values.push(
                    conform(element, v)
                        .map_err(|(path, reason)| (format!("[{i}]{path}"), reason))?,
                );
            }
            Ok(BoltType::List(BoltList::from(values)))
        }
        (ty, value) if accepts(ty, &value) => Ok(value),
        (ty, value) => Err((
            String::new(),
            format!("expected {ty}, got {}", bolt_kind(&value)),
        )),
    }
}

/// Whether a value is of a type, as it stands (no conversion, elements unchecked).
pub(super) fn accepts(ty: &ParamType, value: &BoltType) -> bool {
    matches!(
        (ty, value),
        (ParamType::Any, _)
            | (ParamType::String, BoltType::String(_))
            | (ParamType::Integer, BoltType::Integer(_))
            | (ParamType::Float, BoltType::Float(_))
            | (ParamType::Boolean, BoltType::Boolean(_))
            | (ParamType::Bytes, BoltType::Bytes(_))
            | (ParamType::List(None), BoltType::List(_))
            | (ParamType::Map, BoltType::Map(_))
            | (ParamType::Date, BoltType::Date(_))
            | (ParamType::Time, BoltType::Time(_))
            | (ParamType::LocalTime, BoltType::LocalTime(_))
            | (
                ParamType::DateTime,
                BoltType::DateTime(_) | BoltType::DateTimeZoneId(_)
            )
            | (ParamType::LocalDateTime, BoltType::LocalDateTime(_))
            | (ParamType::Duration, BoltType::Duration(_))
            | (
                ParamType::Point,
                BoltType::Point2D(_) | BoltType::Point3D(_)
            )
    )
}

impl NamedQuery {
    /// Checks a call's parameters (already converted and within the request limits)
    /// against the schema and returns the map to bind: missing required, undeclared and
    /// mistyped parameters are INVALID_ARGUMENT naming the parameter (`field` gives its
    /// place in the request, `params.x` or `json_params.x`); optional ones left out get
    /// their default, or null.
    pub fn bind(
        &self,
        mut given: BoltMap,
        field: impl Fn(&str) -> String,
    ) -> Result<BoltMap, Status> {
        let mut unknown: Vec<&str> = given
            .value
            .keys()
            .map(|k| k.value.as_str())
            .filter(|k| !self.parameters.iter().any(|p| p.name == *k))
            .collect();
        unknown.sort_unstable();
        if let Some(name) = unknown.first() {
            let takes = if self.parameters.is_empty() {
                "it takes no parameters".to_owned()
            } else {
                let names: Vec<&str> = self.parameters.iter().map(|p| p.name.as_str()).collect();
                format!("it takes {}", names.join(", "))
            };
            return Err(invalid_argument(
                &field(name),
                format!("is not a parameter of named query `{}`; {takes}", self.name),
            ));
        }

        let mut bound = BoltMap::with_capacity(self.parameters.len());
        for p in &self.parameters {
            let key = BoltString::from(p.name.as_str());
            let value = match given.value.remove(&key) {
                None if p.required => {
                    return Err(invalid_argument(
                        &field(&p.name),
                        format!(
                            "is missing; named query `{}` requires it ({})",
                            self.name, p.ty
                        ),
                    ))
                }
                None => p.default.clone().unwrap_or(BoltType::Null(BoltNull)),
                Some(BoltType::Null(_)) if p.required => {
                    return Err(invalid_argument(
                        &field(&p.name),
                        format!(
                            "is null; named query `{}` requires a {} value",
                            self.name, p.ty
                        ),
                    ))
                }
                Some(BoltType::Null(null)) => BoltType::Null(null),
                Some(value) => conform(&p.ty, value).map_err(|(path, reason)| {
                    invalid_argument(&format!("{}{path}", field(&p.name)), reason)
                })?,
            };
            bound.put(key, value);
        }
        Ok(bound)
    }
}
