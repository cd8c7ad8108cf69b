//! Serde helpers used by the generated model types.
//!
//! Generated structs deserialize with a hand-rolled visitor instead of `#[serde(flatten)]`, so
//! unknown properties can be kept without buffering the whole object; unions tagged on a
//! property read the tag and then stream the rest of the object into the variant, buffering
//! only when the tag is not the first property.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{CowStrDeserializer, MapDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// An object key or short string, borrowed from the input when the input allows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// Reads a string, naming `expecting` in the error if the input is something else.
    pub fn deserialize_with_expectation<D: Deserializer<'de>>(
        deserializer: D,
        expecting: &'static str,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor(expecting))
    }
}

struct KeyVisitor(&'static str);

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor("a string"))
    }
}

/// Reads the value of a property fixed to `expected`. A different value is kept in `extra`, so
/// that it is written back unchanged.
///
/// The expected string is compared where it lies in the input: nothing is allocated unless the
/// value differs.
pub fn constant<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Map<String, Value>,
    key: &str,
    expected: &str,
) -> Result<(), A::Error> {
    if let Some(other) = map.next_value_seed(Constant(expected))? {
        extra.insert(key.to_string(), other);
    }
    Ok(())
}

/// Reads a value expected to be a given string: `None` when it is, otherwise the value.
struct Constant<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Constant<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Constant<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} or any JSON value", self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v != self.0).then(|| Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((v != self.0).then_some(Value::String(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Some)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Reads an optional property. An explicit `null` leaves the field unset and is remembered in
/// `extra`, so that the object serializes back exactly as it came.
pub fn optional<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    extra: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, A::Error> {
    let value: Option<T> = map.next_value()?;
    if value.is_none() {
        extra.insert(key.to_string(), Value::Null);
    }
    Ok(value)
}

/// Marks a known property as read, failing with serde's `duplicate field` error if it already
/// was. A repeated property could leave `extra`, or the tag a union was decoded by, disagreeing
/// with the fields, so the value would not encode back to what was decoded. (`_map` is the
/// object being read; it only names the error type.)
pub fn first<'de, A: MapAccess<'de>>(
    _map: &A,
    seen: &mut bool,
    key: &'static str,
) -> Result<(), A::Error> {
    if std::mem::replace(seen, true) {
        return Err(de::Error::duplicate_field(key));
    }
    Ok(())
}

/// Reads the object of a union variant this crate does not know into a `Value`, for its
/// `Unknown` variant. The tag property (`tag`) that picked the variant may appear only once:
/// a later value would replace it in the object, which would then encode as another variant.
/// Other repeated properties keep their last value, as in any `Value`.
pub fn unknown<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag: &'static str,
) -> Result<Value, D::Error> {
    deserializer.deserialize_map(UnknownVisitor(tag))
}

struct UnknownVisitor(&'static str);

impl<'de> Visitor<'de> for UnknownVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` property", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut seen_tag = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0 {
                first(&map, &mut seen_tag, self.0)?;
            }
            let value: Value = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A union tagged on one property, implemented by the generated enums.
pub trait Tagged: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The tag property.
    const TAG: &'static str;
    /// The tag to assume when the property is missing.
    const DEFAULT: Option<&'static str>;

    /// Decodes the variant for `tag` from `map`, which yields the whole object (tag included).
    fn from_tagged<'de, A: MapAccess<'de>>(tag: &str, map: A) -> Result<Self, A::Error>;
}

/// Deserializes a [`Tagged`] union: streaming when the tag comes first, as the API sends it,
/// buffering the object otherwise.
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: Tagged>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor::<T>(std::marker::PhantomData))
}

struct TaggedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object with a `{}` property", T::NAME, T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return from_buffered::<T, A::Error>(Map::new());
        };
        if first.as_str() == T::TAG {
            let Some(tag) = map.next_value::<Option<Key<'de>>>()? else {
                // A `null` tag counts as a missing one.
                let mut object = Map::new();
                object.insert(first.into_string(), Value::Null);
                return buffer_rest::<T, A>(object, map);
            };
            let replay = Replay {
                pending: Some((first.0, tag.0.clone())),
                value: None,
                inner: map,
            };
            return T::from_tagged(tag.as_str(), replay);
        }
        let mut object = Map::new();
        let value: Value = map.next_value()?;
        object.insert(first.into_string(), value);
        buffer_rest::<T, A>(object, map)
    }
}

fn buffer_rest<'de, T: Tagged, A: MapAccess<'de>>(
    mut object: Map<String, Value>,
    mut map: A,
) -> Result<T, A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        let value: Value = map.next_value()?;
        object.insert(key, value);
    }
    from_buffered::<T, A::Error>(object)
}

fn from_buffered<T: Tagged, E: de::Error>(object: Map<String, Value>) -> Result<T, E> {
    let tag = match object.get(T::TAG) {
        Some(Value::String(tag)) => tag.clone(),
        Some(Value::Null) | None => T::DEFAULT.unwrap_or_default().to_string(),
        Some(other) => {
            return Err(E::custom(format_args!(
                "`{}` of a `{}` must be a string, found {other}",
                T::TAG,
                T::NAME
            )));
        }
    };
    let map = MapDeserializer::<_, serde_json::Error>::new(object.into_iter());
    T::from_tagged(&tag, map).map_err(E::custom)
}

/// Replays the tag entry that was read to find the variant, then hands over to the input.
struct Replay<'de, A> {
    pending: Option<(Cow<'de, str>, Cow<'de, str>)>,
    value: Option<Cow<'de, str>>,
    inner: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.pending.take() {
            self.value = Some(value);
            let key: CowStrDeserializer<'de, A::Error> = key.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        self.inner.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some(value) = self.value.take() {
            let value: CowStrDeserializer<'de, A::Error> = value.into_deserializer();
            return seed.deserialize(value);
        }
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner
            .size_hint()
            .map(|n| n + usize::from(self.pending.is_some()))
    }
}

/// The JSON shape of a value, used to pick the member of an untagged union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// An array.
    Array,
    /// An object.
    Object,
    /// Any shape.
    Any,
}

fn kind_of(value: &Value) -> Option<JsonKind> {
    match value {
        Value::String(_) => Some(JsonKind::String),
        Value::Number(_) => Some(JsonKind::Number),
        Value::Bool(_) => Some(JsonKind::Bool),
        Value::Array(_) => Some(JsonKind::Array),
        Value::Object(_) => Some(JsonKind::Object),
        Value::Null => None,
    }
}

/// A member of an untagged union: the shape it takes and how to decode it.
pub type Candidate<T> = (JsonKind, fn(Value) -> Result<T, serde_json::Error>);

/// Decodes an untagged union. When exactly one member has the value's shape, that member's own
/// error is reported; otherwise the members of that shape are tried in order.
pub fn untagged<T>(value: Value, name: &str, candidates: &[Candidate<T>]) -> Result<T, String> {
    let kind = kind_of(&value);
    let matching: Vec<&Candidate<T>> = candidates
        .iter()
        .filter(|(k, _)| *k == JsonKind::Any || Some(*k) == kind)
        .collect();
    match matching.as_slice() {
        [] => Err(format!("no form of `{name}` accepts {}", describe(&value))),
        [(_, decode)] => decode(value).map_err(|e| format!("invalid `{name}`: {e}")),
        several => {
            let mut errors = Vec::new();
            for (_, decode) in several {
                match decode(value.clone()) {
                    Ok(v) => return Ok(v),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            Err(format!(
                "no form of `{name}` matched: {}",
                errors.join("; ")
            ))
        }
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::types::{ContentBlock, TextBlock};

    /// A fixed property with its expected value adds nothing to `extra`; any other value is
    /// kept there as received and written back unchanged.
    #[test]
    fn constant_keeps_only_unexpected_values() {
        let plain: TextBlock =
            serde_json::from_value(json!({"type": "text", "text": "a"})).unwrap();
        assert!(plain.extra.is_empty());
        let tagged: ContentBlock =
            serde_json::from_str(r#"{"type": "text", "text": "a"}"#).unwrap();
        let ContentBlock::Text(tagged) = tagged else {
            panic!("not a text block");
        };
        assert!(tagged.extra.is_empty());

        for other in [
            json!("texts"),
            json!(""),
            json!(5),
            json!(-1.5),
            json!(true),
            json!(null),
            json!(["text"]),
            json!({"a": [1, {"b": null}]}),
        ] {
            let input = json!({"type": other, "text": "a", "citations": null});
            // From bytes (borrowed strings) and from a `Value` (owned strings).
            let from_str: TextBlock = serde_json::from_str(&input.to_string()).unwrap();
            let from_value: TextBlock = serde_json::from_value(input.clone()).unwrap();
            for block in [from_str, from_value] {
                assert_eq!(block.extra.get("type"), Some(&other), "{input}");
                assert_eq!(serde_json::to_value(&block).unwrap(), input);
            }
        }
        // An escaped string equal to the expected value is the expected value.
        let escaped: TextBlock =
            serde_json::from_str(r#"{"type": "t\u0065xt", "text": "a"}"#).unwrap();
        assert!(escaped.extra.is_empty());
    }
}
