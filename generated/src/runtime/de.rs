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
pub fn constant<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Map<String, Value>,
    key: &str,
    expected: &str,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    if value.as_str() != Some(expected) {
        extra.insert(key.to_string(), value);
    }
    Ok(())
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
