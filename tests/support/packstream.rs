//! Just enough PackStream (Bolt's value encoding) for the tests' Bolt proxy to read the
//! messages a driver sends and to write the few answers it makes up itself. Written from
//! the Bolt protocol's published description; nothing here is graphrpc's or the driver's.

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Bytes(Vec<u8>),
    String(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
    Struct(u8, Vec<Value>),
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    pub fn string(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

/// Decodes one value from the front of `bytes`, advancing it.
pub fn decode(bytes: &mut &[u8]) -> Result<Value, String> {
    let marker = take(bytes, 1)?[0];
    let sized = |bytes: &mut &[u8], n: usize| -> Result<usize, String> {
        let b = take(bytes, n)?;
        Ok(b.iter().fold(0usize, |acc, &x| (acc << 8) | x as usize))
    };
    Ok(match marker {
        0x00..=0x7F => Value::Int(i64::from(marker)),
        0xF0..=0xFF => Value::Int(i64::from(marker as i8)),
        0xC0 => Value::Null,
        0xC1 => Value::Float(f64::from_be_bytes(
            take(bytes, 8)?.try_into().map_err(|_| "float")?,
        )),
        0xC2 => Value::Bool(false),
        0xC3 => Value::Bool(true),
        0xC8 => Value::Int(i64::from(take(bytes, 1)?[0] as i8)),
        0xC9 => Value::Int(i64::from(i16::from_be_bytes(
            take(bytes, 2)?.try_into().map_err(|_| "i16")?,
        ))),
        0xCA => Value::Int(i64::from(i32::from_be_bytes(
            take(bytes, 4)?.try_into().map_err(|_| "i32")?,
        ))),
        0xCB => Value::Int(i64::from_be_bytes(
            take(bytes, 8)?.try_into().map_err(|_| "i64")?,
        )),
        0xCC..=0xCE => {
            let n = sized(bytes, 1 << (marker - 0xCC))?;
            Value::Bytes(take(bytes, n)?.to_vec())
        }
        0x80..=0x8F | 0xD0..=0xD2 => {
            let n = if marker < 0x90 {
                (marker & 0x0F) as usize
            } else {
                sized(bytes, 1 << (marker - 0xD0))?
            };
            Value::String(String::from_utf8(take(bytes, n)?.to_vec()).map_err(|e| e.to_string())?)
        }
        0x90..=0x9F | 0xD4..=0xD6 => {
            let n = if marker < 0xA0 {
                (marker & 0x0F) as usize
            } else {
                sized(bytes, 1 << (marker - 0xD4))?
            };
            Value::List((0..n).map(|_| decode(bytes)).collect::<Result<_, _>>()?)
        }
        0xA0..=0xAF | 0xD8..=0xDA => {
            let n = if marker < 0xB0 {
                (marker & 0x0F) as usize
            } else {
                sized(bytes, 1 << (marker - 0xD8))?
            };
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let Value::String(key) = decode(bytes)? else {
                    return Err("a map key that is not a string".into());
                };
                entries.push((key, decode(bytes)?));
            }
            Value::Map(entries)
        }
        0xB0..=0xBF => {
            let tag = take(bytes, 1)?[0];
            let fields = (0..(marker & 0x0F))
                .map(|_| decode(bytes))
                .collect::<Result<_, _>>()?;
            Value::Struct(tag, fields)
        }
        other => return Err(format!("unknown PackStream marker {other:#04x}")),
    })
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
    if bytes.len() < n {
        return Err("truncated PackStream value".into());
    }
    let (head, tail) = bytes.split_at(n);
    *bytes = tail;
    Ok(head)
}

/// Encodes a value (the subset the proxy writes: no floats or bytes needed, but supported).
pub fn encode(value: &Value, out: &mut Vec<u8>) {
    fn header(out: &mut Vec<u8>, n: usize, tiny: u8, sized: u8) {
        if n < 16 {
            out.push(tiny | n as u8);
        } else if n <= 0xFF {
            out.extend([sized, n as u8]);
        } else if n <= 0xFFFF {
            out.push(sized + 1);
            out.extend((n as u16).to_be_bytes());
        } else {
            out.push(sized + 2);
            out.extend((n as u32).to_be_bytes());
        }
    }
    match value {
        Value::Null => out.push(0xC0),
        Value::Bool(b) => out.push(if *b { 0xC3 } else { 0xC2 }),
        Value::Int(i) => {
            if (-16..128).contains(i) {
                out.push(*i as i8 as u8);
            } else if i32::try_from(*i).is_ok() {
                out.push(0xCA);
                out.extend((*i as i32).to_be_bytes());
            } else {
                out.push(0xCB);
                out.extend(i.to_be_bytes());
            }
        }
        Value::Float(f) => {
            out.push(0xC1);
            out.extend(f.to_be_bytes());
        }
        Value::Bytes(b) => {
            out.push(0xCE);
            out.extend((b.len() as u32).to_be_bytes());
            out.extend(b);
        }
        Value::String(s) => {
            header(out, s.len(), 0x80, 0xD0);
            out.extend(s.as_bytes());
        }
        Value::List(items) => {
            header(out, items.len(), 0x90, 0xD4);
            items.iter().for_each(|v| encode(v, out));
        }
        Value::Map(entries) => {
            header(out, entries.len(), 0xA0, 0xD8);
            for (k, v) in entries {
                encode(&Value::String(k.clone()), out);
                encode(v, out);
            }
        }
        Value::Struct(tag, fields) => {
            out.extend([0xB0 | fields.len() as u8, *tag]);
            fields.iter().for_each(|v| encode(v, out));
        }
    }
}

#[test]
fn values_round_trip() {
    let value = Value::Struct(
        0x70,
        vec![Value::map(vec![
            ("bookmark", Value::string("b:1")),
            ("n", Value::Int(-70000)),
            ("small", Value::Int(-3)),
            ("long", Value::string(&"x".repeat(300))),
            ("list", Value::List(vec![Value::Null, Value::Bool(true)])),
        ])],
    );
    let mut bytes = Vec::new();
    encode(&value, &mut bytes);
    assert_eq!(decode(&mut bytes.as_slice()).expect("decodes"), value);
}
