//! Serde helpers used by the generated model types.
//!
//! Generated structs deserialize with a hand-rolled visitor instead of `#[serde(flatten)]`, so
//! unknown properties can be kept without buffering the whole object; unions tagged on a
//! property read the tag and then stream the rest of the object into the variant, buffering
//! only when the tag is not the first property.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::CowStrDeserializer;
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
        deserializer.deserialize_any(AnyValue(self))
    }
}

impl FromAny for Constant<'_> {
    type Out = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} or any JSON value", self.0)
    }

    fn value<E: de::Error>(self, value: Value) -> Result<Self::Out, E> {
        Ok(Some(value))
    }

    fn string<E: de::Error>(self, s: Cow<'_, str>) -> Result<Self::Out, E> {
        Ok((s != self.0).then(|| Value::String(s.into_owned())))
    }
}

/// What is done with a JSON value of any form, read by [`AnyValue`].
trait FromAny: Sized {
    /// The result.
    type Out;

    /// What is expected, for error messages.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// Takes the value.
    fn value<E: de::Error>(self, value: Value) -> Result<Self::Out, E>;

    /// Takes a string, borrowed when the input allows (so that it can be looked at before
    /// anything is allocated); by default as a `Value`.
    fn string<E: de::Error>(self, s: Cow<'_, str>) -> Result<Self::Out, E> {
        self.value(Value::String(s.into_owned()))
    }
}

/// A visitor that accepts any JSON value, builds it as a `Value` (strings excepted, see
/// [`FromAny::string`]) and hands it to `T`.
struct AnyValue<T>(T);

impl<'de, T: FromAny> Visitor<'de> for AnyValue<T> {
    type Value = T::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T::Out, E> {
        self.0.string(Cow::Borrowed(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T::Out, E> {
        self.0.string(Cow::Owned(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T::Out, E> {
        self.0.value(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T::Out, E> {
        self.0.value(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T::Out, E> {
        self.0.value(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T::Out, E> {
        self.0.value(Value::from(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T::Out, E> {
        self.0.value(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<T::Out, E> {
        self.0.value(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Out, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<T::Out, S::Error> {
        let value = de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.0.value(value)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T::Out, M::Error> {
        let value = de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.0.value(value)
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

/// A property read from an object before the type that decodes the object was chosen: the
/// tag of a union, read to pick the variant and then handed to it by [`Object::visit`].
#[derive(Debug)]
pub struct Entry<'de> {
    /// The property's name.
    pub name: &'static str,
    /// Its value, a string.
    pub value: Key<'de>,
}

impl<'de> Entry<'de> {
    /// Reads the entry as a property fixed to `expected`, as [`constant`] does: a different
    /// value is kept in `extra`.
    pub fn constant(self, extra: &mut Map<String, Value>, expected: &str) {
        if self.value.as_str() != expected {
            self.keep(extra);
        }
    }

    /// Decodes the value as the type of the field of that name.
    pub fn decode<T: de::Deserialize<'de>, E: de::Error>(self) -> Result<T, E> {
        let value: CowStrDeserializer<'de, E> = self.value.0.into_deserializer();
        T::deserialize(value)
    }

    /// Keeps the entry in `extra`, for a type with no property of that name.
    pub fn keep(self, extra: &mut Map<String, Value>) {
        extra.insert(
            self.name.to_string(),
            Value::String(self.value.into_string()),
        );
    }
}

/// Writes a generated struct's `Serialize`, `Deserialize` and [`Object`] impls from its
/// `#[json(..)]` attributes; the `anthropic-openapi-derive` crate documents them.
#[doc(hidden)]
pub use anthropic_openapi_derive::JsonObject;

/// An object type, implemented by the generated structs.
///
/// Its decoder is written once, generic over the [`MapAccess`] it reads from, and is reached
/// the same way whether the object stands alone or is the variant of a union whose tag was
/// read first. So each struct's decoder is compiled once per kind of input, and not again for
/// each union it belongs to.
pub trait Object: Sized {
    /// What the decoder expects, named in error messages: ``a `Name` object`` for a struct `Name`.
    const EXPECTING: &'static str;

    /// Decodes the object from `map`. `entry` is a property already taken from the object
    /// (a union's tag), to be read before the rest.
    fn visit<'de, A: MapAccess<'de>>(map: A, entry: Option<Entry<'de>>) -> Result<Self, A::Error>;
}

/// Deserializes an [`Object`].
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<T>(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map, None)
    }
}

/// The value of a required property: the one read, or serde's `missing field` error.
pub fn required<T, E: de::Error>(value: Option<T>, key: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(key))
}

/// The tag of a union object, as handed to [`Tagged::from_tagged`].
#[derive(Debug)]
pub struct Tag<'de> {
    name: &'static str,
    value: Key<'de>,
    /// Whether the tag property was taken from the map (and must be handed on with the rest),
    /// rather than left in it or assumed.
    taken: bool,
}

impl<'de> Tag<'de> {
    /// The tag value that picks the variant.
    pub fn value(&self) -> &str {
        self.value.as_str()
    }

    /// The tag property, if it was taken from the map, for the variant to read first.
    pub fn into_entry(self) -> Option<Entry<'de>> {
        self.taken.then_some(Entry {
            name: self.name,
            value: self.value,
        })
    }
}

/// Decodes the variant struct `T` of a union from the rest of the object, then wraps it with
/// `wrap` (the enum variant).
pub fn variant<'de, A: MapAccess<'de>, T: Object, U>(
    map: A,
    tag: Tag<'de>,
    wrap: fn(T) -> U,
) -> Result<U, A::Error> {
    T::visit(map, tag.into_entry()).map(wrap)
}

/// Reads the object of a union variant this crate does not know into a `Value`, for its
/// `Unknown` variant. The tag property may appear only once: a later value would replace it
/// in the object, which would then encode as another variant. Other repeated properties keep
/// their last value, as in any `Value`. (When the tag does not come first, the object is
/// buffered before the variant is known, and any repeated property is refused then.)
pub fn unknown<'de, A: MapAccess<'de>>(mut map: A, tag: Tag<'de>) -> Result<Value, A::Error> {
    let name = tag.name;
    let mut object = Map::new();
    let mut seen_tag = false;
    if let Some(entry) = tag.into_entry() {
        seen_tag = true;
        entry.keep(&mut object);
    }
    while let Some(key) = map.next_key::<String>()? {
        if key == name {
            first(&map, &mut seen_tag, name)?;
        }
        let value: Value = map.next_value()?;
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}

/// A union tagged on one property, implemented by the generated enums.
pub trait Tagged: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The tag property.
    const TAG: &'static str;
    /// The tag to assume when the property is missing.
    const DEFAULT: Option<&'static str>;

    /// Decodes the variant that `tag` names from the rest of the object in `map`.
    fn from_tagged<'de, A: MapAccess<'de>>(map: A, tag: Tag<'de>) -> Result<Self, A::Error>;
}

/// Deserializes a [`Tagged`] union: streaming when the tag comes first, as the API sends it,
/// buffering the object otherwise.
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: Tagged>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor::<T>(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

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
            let Some(value) = map.next_value::<Option<Key<'de>>>()? else {
                // A `null` tag counts as a missing one.
                let mut object = Map::new();
                object.insert(first.into_string(), Value::Null);
                return buffer_rest::<T, A>(object, map);
            };
            let tag = Tag {
                name: T::TAG,
                value,
                taken: true,
            };
            return T::from_tagged(map, tag);
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
        // A repeated property is refused here as the variants refuse it when they stream:
        // buffering would otherwise keep only its last value.
        if object.contains_key(&key) {
            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
        }
        let value: Value = map.next_value()?;
        object.insert(key, value);
    }
    from_buffered::<T, A::Error>(object)
}

/// Decodes a buffered union object. It is written out as JSON text and read back by
/// `serde_json`'s reader of text, the one every response body goes through, so that the
/// variants' decoders are compiled once, for that reader, and not again for a `Value`.
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
    let json = serde_json::to_string(&object).map_err(E::custom)?;
    let mut reader = serde_json::Deserializer::from_str(&json);
    (&mut reader)
        .deserialize_map(BufferedVisitor::<T>(tag, PhantomData))
        .map_err(|e| E::custom(without_position(&e)))
}

/// The message of an error raised while reading JSON text this crate wrote itself, without
/// serde_json's "at line L column C": a place in that text means nothing to the caller, whose
/// own decoder reports where in its input the value is.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let place = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&place) {
        Some(message) => message.to_string(),
        None => message,
    }
}

/// Hands a buffered union object, tag property included, to the variant its tag names.
struct BufferedVisitor<T>(String, PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for BufferedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let tag = Tag {
            name: T::TAG,
            value: Key(Cow::Owned(self.0)),
            taken: false,
        };
        T::from_tagged(map, tag)
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

/// A member of an untagged union: the shape it takes and how to decode it from JSON text.
pub type Candidate<T> = (JsonKind, fn(&str) -> Result<T, serde_json::Error>);

/// Deserializes an untagged union: the value is read whole, then decoded by
/// `untagged`. The error, if any, is raised while the input is still at the value, so that
/// the decoder reports where the value is.
pub fn deserialize_untagged<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    name: &'static str,
    candidates: &[Candidate<T>],
) -> Result<T, D::Error> {
    deserializer.deserialize_any(AnyValue(Untagged { name, candidates }))
}

/// An untagged union being read: its name and members.
struct Untagged<'a, T> {
    name: &'static str,
    candidates: &'a [Candidate<T>],
}

impl<T> FromAny for Untagged<'_, T> {
    type Out = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` value", self.name)
    }

    fn value<E: de::Error>(self, value: Value) -> Result<T, E> {
        untagged(value, self.name, self.candidates).map_err(E::custom)
    }
}

/// Decodes an untagged union. When exactly one member has the value's shape, that member's own
/// error is reported; otherwise the members of that shape are tried in order.
///
/// The members read the value's JSON text (see `from_buffered` for why not the `Value`).
fn untagged<T>(value: Value, name: &str, candidates: &[Candidate<T>]) -> Result<T, String> {
    let kind = kind_of(&value);
    let matching: Vec<&Candidate<T>> = candidates
        .iter()
        .filter(|(k, _)| *k == JsonKind::Any || Some(*k) == kind)
        .collect();
    if matching.is_empty() {
        return Err(format!("no form of `{name}` accepts {}", describe(&value)));
    }
    let json = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    match matching.as_slice() {
        [(_, decode)] => {
            decode(&json).map_err(|e| format!("invalid `{name}`: {}", without_position(&e)))
        }
        several => {
            let mut errors = Vec::new();
            for (_, decode) in several {
                match decode(&json) {
                    Ok(v) => return Ok(v),
                    Err(e) => errors.push(without_position(&e)),
                }
            }
            Err(format!(
                "no form of `{name}` matched: {}",
                errors.join("; ")
            ))
        }
    }
}

/// What kind of JSON value `value` is, for error messages ("a string", "an array", …).
pub fn describe(value: &Value) -> &'static str {
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

    /// Every kind of property `#[derive(JsonObject)]` reads, on one struct; the generated
    /// types use each of them, but not all on one type, and `default_json` not at all.
    #[derive(Clone, Debug, PartialEq, crate::de::JsonObject)]
    #[json(constant("kind", "sample"))]
    struct Sample {
        #[json(name = "wire-name")]
        renamed: String,
        maybe: Option<i64>,
        #[json(nullable)]
        nullable: Option<String>,
        #[json(default)]
        zero: u32,
        #[json(default = 7i64)]
        seven: i64,
        #[json(default = String::from("fallback"))]
        text: String,
        #[json(default_json = "[1, 2]")]
        list: Vec<u8>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    /// Missing properties take their defaults (or are `None`), and the value encodes with the
    /// constant first, then the fields in order, each under its wire name.
    #[test]
    fn derived_object_fills_defaults_and_encodes_in_order() {
        let sample: Sample = serde_json::from_str(r#"{"wire-name": "x"}"#).unwrap();
        assert_eq!(
            sample,
            Sample {
                renamed: "x".into(),
                maybe: None,
                nullable: None,
                zero: 0,
                seven: 7,
                text: "fallback".into(),
                list: vec![1, 2],
                extra: serde_json::Map::new(),
            }
        );
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"kind":"sample","wire-name":"x","nullable":null,"zero":0,"seven":7,"text":"fallback","list":[1,2]}"#
        );
    }

    /// What the struct does not describe survives a round trip: unknown properties, an
    /// explicit `null` for an optional property, a different value for the constant.
    #[test]
    fn derived_object_round_trips_what_it_does_not_describe() {
        let input = json!({
            "kind": "other", "wire-name": "x", "maybe": null, "nullable": "n", "zero": 3,
            "seven": 8, "text": "t", "list": [], "later": {"a": [1]}
        });
        for sample in [
            serde_json::from_str::<Sample>(&input.to_string()).unwrap(),
            serde_json::from_value::<Sample>(input.clone()).unwrap(),
        ] {
            assert_eq!(sample.maybe, None);
            assert_eq!(sample.nullable.as_deref(), Some("n"));
            assert_eq!((sample.zero, sample.seven, sample.list.len()), (3, 8, 0));
            assert_eq!(sample.extra.get("kind"), Some(&json!("other")));
            assert_eq!(sample.extra.get("maybe"), Some(&json!(null)));
            assert_eq!(serde_json::to_value(&sample).unwrap(), input);
        }
        // A value set after decoding replaces the `null` that was kept for it.
        let mut sample: Sample = serde_json::from_value(input).unwrap();
        sample.maybe = Some(1);
        assert_eq!(serde_json::to_value(&sample).unwrap()["maybe"], json!(1));
    }

    /// `null` for a defaulted required property decodes to the default and is written back as
    /// `null`, for each kind of default; a value set afterwards replaces it. A missing one is
    /// written with its default (the property is required), not left out.
    #[test]
    fn derived_object_keeps_null_for_defaulted_properties() {
        let input = json!({
            "kind": "sample", "wire-name": "x", "nullable": null,
            "zero": null, "seven": null, "text": null, "list": null
        });
        for sample in [
            serde_json::from_str::<Sample>(&input.to_string()).unwrap(),
            serde_json::from_value::<Sample>(input.clone()).unwrap(),
        ] {
            assert_eq!((sample.zero, sample.seven), (0, 7));
            assert_eq!(
                (sample.text.as_str(), &sample.list[..]),
                ("fallback", &[1, 2][..])
            );
            for key in ["zero", "seven", "text", "list"] {
                assert_eq!(sample.extra.get(key), Some(&json!(null)), "{key}");
            }
            assert_eq!(serde_json::to_value(&sample).unwrap(), input);
            // The same order as without the nulls: each in its field's place, once.
            assert_eq!(
                serde_json::to_string(&sample).unwrap(),
                r#"{"kind":"sample","wire-name":"x","nullable":null,"zero":null,"seven":null,"text":null,"list":null}"#
            );
        }

        let mut sample: Sample = serde_json::from_value(input).unwrap();
        sample.zero = 4;
        sample.seven = 8;
        sample.text = "set".into();
        sample.list = vec![9];
        let written = serde_json::to_value(&sample).unwrap();
        assert_eq!(
            (
                &written["zero"],
                &written["seven"],
                &written["text"],
                &written["list"]
            ),
            (&json!(4), &json!(8), &json!("set"), &json!([9]))
        );

        let missing: Sample = serde_json::from_str(r#"{"wire-name": "x"}"#).unwrap();
        assert!(missing.extra.is_empty());
        assert_eq!(serde_json::to_value(&missing).unwrap()["seven"], json!(7));
    }

    /// A `null` for a required property without a default is still an error.
    #[test]
    fn derived_object_refuses_null_for_a_required_property_without_default() {
        let err = serde_json::from_str::<Sample>(r#"{"wire-name": null}"#).unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }

    /// An `extra` entry named after a field that writes its own property is not written a
    /// second time.
    #[test]
    fn derived_object_writes_each_field_once() {
        let mut sample: Sample = serde_json::from_str(r#"{"wire-name": "x"}"#).unwrap();
        sample.extra.insert("wire-name".into(), json!("stale"));
        sample.extra.insert("seven".into(), json!(null));
        sample.seven = 1;
        let text = serde_json::to_string(&sample).unwrap();
        assert_eq!(text.matches("wire-name").count(), 1, "{text}");
        assert_eq!(text.matches("seven").count(), 1, "{text}");
        assert!(
            text.contains(r#""wire-name":"x""#) && text.contains(r#""seven":1"#),
            "{text}"
        );
    }

    /// A missing required property, a repeated one and a wrong type are errors that name it.
    #[test]
    fn derived_object_errors_name_the_property() {
        for (input, expected) in [
            (r#"{"maybe": 1}"#, "missing field `wire-name`"),
            (
                r#"{"wire-name": "x", "maybe": 1, "maybe": 2}"#,
                "duplicate field `maybe`",
            ),
            (
                r#"{"kind": "sample", "wire-name": "x", "kind": "sample"}"#,
                "duplicate field `kind`",
            ),
            (r#"{"wire-name": 5}"#, "expected a string"),
            (r#"[1]"#, "expected a `Sample` object"),
        ] {
            let err = serde_json::from_str::<Sample>(input).unwrap_err();
            assert!(err.to_string().contains(expected), "{input}: {err}");
        }
    }
}
