//! How the report spells what it talks about: types as the generated Rust writes them, and
//! the presence of fields, the kinds of parameters and of types in words.

use crate::ir::{Field, ParamLocation, TypeKind, TypeRef};

/// `required`, `optional`, `required, nullable`, `optional, nullable`.
pub(super) fn presence(f: &Field) -> String {
    let r = required_word(f.required);
    if f.nullable {
        format!("{r}, nullable")
    } else {
        r.to_string()
    }
}

pub(super) fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

pub(super) fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::FormField => "form field",
        ParamLocation::FormFile => "form file",
    }
}

pub(super) fn kind_word(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "struct",
        TypeKind::Tagged(_) | TypeKind::Untagged(_) => "union",
        TypeKind::Enum(_) => "enum",
        TypeKind::Alias(_) => "alias",
        TypeKind::Params(_) => "params",
    }
}

/// A type reference as the generated Rust spells it (with the crate paths left out).
pub(super) fn show(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Int32 => "i32".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map<String, Value>".into(),
        TypeRef::Vec(t) => format!("Vec<{}>", show(t)),
        TypeRef::Map(t) => format!("BTreeMap<String, {}>", show(t)),
        TypeRef::Binary => "bytes".into(),
    }
}

/// When an item is compiled: "always", "with `files`", "with `batches` or `files`".
pub(super) fn features_word(features: &[String]) -> String {
    if features.is_empty() {
        return "always".to_string();
    }
    let quoted: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
    format!("with {}", quoted.join(" or "))
}
