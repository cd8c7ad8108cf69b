//! Model types: structs, unions, enums, aliases and parameter structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::constructor::{Arg, init_tokens, param_tokens, setter_parts, swappable};
use super::docs::{doc_attrs, doc_or};
use super::{counts, ident, json_kind, type_tokens};
use crate::Error;
use crate::ir::{
    Body, EnumDef, Field, Ir, Param, ParamLocation, ParamsDef, StructDef, TaggedDef, TypeDef,
    TypeKind, TypeRef, UntaggedDef,
};

pub fn emit_type(ir: &Ir, t: &TypeDef) -> Result<TokenStream, Error> {
    let doc = match super::betas::beta_note(t) {
        Some(note) => {
            let own = t
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{}` schema.", t.name));
            doc_attrs(&format!("{own}\n\n{note}"))
        }
        None => doc_or(t.doc.as_deref(), || format!("The `{}` schema.", t.name)),
    };
    let betas = super::betas::emit_body_betas(ir, t);
    let def = match &t.kind {
        TypeKind::Struct(s) => emit_struct(ir, t, s, doc)?,
        TypeKind::Tagged(u) => emit_tagged(t, u, doc),
        TypeKind::Untagged(u) => emit_untagged(ir, t, u, doc),
        TypeKind::Enum(e) => emit_enum(t, e, doc),
        TypeKind::Alias(ty) => {
            let name = ident(&t.name);
            let ty = type_tokens(ty);
            quote! { #doc pub type #name = #ty; }
        }
        TypeKind::Params(p) => emit_params(ir, t, p, doc)?,
    };
    Ok(quote!(#def #betas))
}

/// The first paragraph of the description of the type a field refers to, for fields that have
/// no description of their own.
fn referenced_doc<'a>(ir: &'a Ir, ty: &TypeRef) -> Option<&'a str> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let doc = ir.type_def(name)?.doc.as_deref()?;
    Some(doc.split("\n\n").next().unwrap_or(doc))
}

/// The Rust type of a struct field.
fn field_type(f: &Field) -> TokenStream {
    let ty = type_tokens(&f.ty);
    if f.is_option() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// Name of the builder method for an optional field.
fn setter_name(field_ident: &str) -> proc_macro2::Ident {
    if field_ident == "new" {
        format_ident!("with_new")
    } else {
        ident(field_ident)
    }
}

fn emit_struct(
    ir: &Ir,
    t: &TypeDef,
    s: &StructDef,
    doc: TokenStream,
) -> Result<TokenStream, Error> {
    let name = ident(&t.name);
    let all_optional = s.fields.iter().all(Field::is_option);
    let managed = managed_fields(ir, &t.name);

    // Definition.
    let fields = s.fields.iter().map(|f| {
        let fi = ident(&f.ident);
        let ty = field_type(f);
        let attr = field_attr(ir, f);
        if managed.contains(&f.wire.as_str()) {
            // Set by the endpoint methods (`create` sends no flag, `create_stream` sends
            // `true`), so not public: a caller could only set it to have it ignored.
            let doc = doc_attrs(&format!(
                "`{}`, set by the endpoint method that sends the value, not by callers.",
                f.wire
            ));
            return quote! { #doc #attr pub(crate) #fi: #ty, };
        }
        let doc = doc_or(
            f.doc.as_deref().or_else(|| referenced_doc(ir, &f.ty)),
            || format!("The `{}` property.", f.wire),
        );
        quote! { #doc #attr pub #fi: #ty, }
    });
    let consts_doc = if s.consts.is_empty() {
        quote!()
    } else {
        let list: Vec<String> = s
            .consts
            .iter()
            .map(|c| format!("`\"{}\": \"{}\"`", c.wire, c.value))
            .collect();
        let line = doc_attrs(&format!(
            "On the wire this object always carries {}.",
            list.join(", ")
        ));
        quote!(#[doc = ""] #line)
    };
    let derive_default = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };

    // Constructor and setters (see `constructor.rs` for how they take their values).
    let required: Vec<Arg> = s
        .fields
        .iter()
        .filter(|f| !f.is_option())
        .map(|f| Arg {
            ident: &f.ident,
            ty: &f.ty,
            tokens: type_tokens(&f.ty),
        })
        .collect();
    let (required_struct, new_fn) = emit_constructor(ir, &t.name, &required, |inits| {
        let optional = s.fields.iter().filter(|f| f.is_option()).map(|f| {
            let fi = ident(&f.ident);
            quote!(#fi: None,)
        });
        quote! {
            Self {
                #(#inits)*
                #(#optional)*
                extra: serde_json::Map::new(),
            }
        }
    })?;
    let setters = s.fields.iter().filter(|f| f.is_option()).map(|f| {
        let fi = ident(&f.ident);
        if managed.contains(&f.wire.as_str()) {
            // A stream flag (an optional boolean): readable, for a request that was decoded.
            let doc = doc_attrs(&format!(
                "The `{}` value of a request decoded from JSON. One built in Rust leaves it \
                     unset: the endpoint method that sends the request decides it.",
                f.wire
            ));
            return quote! {
                #doc
                pub fn #fi(&self) -> Option<bool> {
                    self.#fi
                }
            };
        }
        let setter = setter_name(&f.ident);
        let (param, value) = setter_parts(&f.ty, &type_tokens(&f.ty));
        let doc = doc_attrs(&format!("Sets `{}`.", f.wire));
        quote! {
            #doc
            pub fn #setter(mut self, #param) -> Self {
                self.#fi = Some(#value);
                self
            }
        }
    });

    // The JSON impls are written by `#[derive(JsonObject)]` (the `anthropic-openapi-derive`
    // crate) from the attributes below.
    let const_attrs = s.consts.iter().map(|c| {
        let (w, v) = (&c.wire, &c.value);
        quote!(#[json(constant(#w, #v))])
    });
    // The tags of the unions this struct is a variant of that it has a property for (see
    // `runtime::de::Object::visit`); a tag it has no property for is kept in `extra`.
    let union_tags = variant_tags(ir, &t.name).into_iter().filter(|tag| {
        s.consts.iter().any(|c| &c.wire == tag) || s.fields.iter().any(|f| &f.wire == tag)
    });
    let union_attrs = union_tags.map(|tag| quote!(#[json(union_tag = #tag)]));

    Ok(quote! {
        #doc
        #consts_doc
        #[derive(Clone, Debug, #derive_default PartialEq, crate::runtime::de::JsonObject)]
        #(#const_attrs)*
        #(#union_attrs)*
        pub struct #name {
            #(#fields)*
            /// Properties the spec does not describe, kept as received so nothing is lost.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        #required_struct

        impl #name {
            #new_fn
            #(#setters)*
        }
    })
}

/// The body properties of `type_name` that an operation manages itself (its `x-stream-flag`).
fn managed_fields<'a>(ir: &'a Ir, type_name: &str) -> Vec<&'a str> {
    ir.operations
        .iter()
        .filter(
            |op| matches!(&op.body, Some(Body::Json { ty: TypeRef::Named(n) }) if n == type_name),
        )
        .filter_map(|op| op.stream_flag.as_deref())
        .collect()
}

/// A type's `new`, and the `{Type}Required` struct it takes when its required values could be
/// swapped by position. `build` makes `Self` from the field initialisers of the required
/// values.
fn emit_constructor(
    ir: &Ir,
    type_name: &str,
    required: &[Arg],
    build: impl FnOnce(Vec<TokenStream>) -> TokenStream,
) -> Result<(TokenStream, TokenStream), Error> {
    let Some((a, b)) = swappable(ir, required) else {
        let params = required.iter().map(|arg| {
            let fi = ident(arg.ident);
            let ty = param_tokens(ir, arg);
            quote!(#fi: #ty)
        });
        let inits = required.iter().map(|arg| init_tokens(ir, arg)).collect();
        let many_args = if required.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        let doc = doc_attrs(&format!(
            "Creates a `{type_name}` from its required properties; the optional ones start unset."
        ));
        let body = build(inits);
        let new_fn = quote! {
            #doc
            #many_args
            pub fn new(#(#params),*) -> Self {
                #body
            }
        };
        return Ok((quote!(), new_fn));
    };
    let req_name = format!("{type_name}Required");
    if ir.type_def(&req_name).is_some() {
        return Err(Error::new(
            format!("#/components/schemas/{req_name}"),
            format!(
                "the name `{req_name}` is taken by the struct of `{type_name}`'s required properties"
            ),
        ));
    }
    let req = ident(&req_name);
    let fields = required.iter().map(|arg| {
        let fi = ident(arg.ident);
        let ty = &arg.tokens;
        let d = doc_attrs(&format!(
            "The required `{}`.",
            arg.ident.trim_start_matches("r#")
        ));
        quote!(#d pub #fi: #ty,)
    });
    let names: Vec<_> = required.iter().map(|arg| ident(arg.ident)).collect();
    let inits = names.iter().map(|fi| quote!(#fi,)).collect();
    let struct_doc = doc_attrs(&format!(
        "The required properties of [`{type_name}`], named where they are given: `{a}` and \
         `{b}` take the same kind of value, so a positional constructor would let them be \
         swapped. Pass it to [`{type_name}::new`]."
    ));
    let required_struct = quote! {
        #struct_doc
        #[derive(Clone, Debug)]
        pub struct #req {
            #(#fields)*
        }
    };
    let doc = doc_attrs(&format!(
        "Creates a `{type_name}` from its required properties, named in a [`{req_name}`]; the \
         optional ones start unset."
    ));
    let body = build(inits);
    let new_fn = quote! {
        #doc
        pub fn new(required: #req) -> Self {
            let #req { #(#names),* } = required;
            #body
        }
    };
    Ok((required_struct, new_fn))
}

/// The `#[json(..)]` attribute of a field, for what `#[derive(JsonObject)]` cannot tell from
/// the field itself: a property name that differs from the field's, a required property that
/// may be `null`, and the value of a required property that is missing.
fn field_attr(ir: &Ir, f: &Field) -> TokenStream {
    let mut parts = Vec::new();
    if f.wire != f.ident {
        let w = &f.wire;
        parts.push(quote!(name = #w));
    }
    if f.required && f.nullable {
        parts.push(quote!(nullable));
    }
    if let (Some(default), false) = (&f.default, f.is_option()) {
        parts.push(default_attr(ir, &f.ty, default));
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[json(#(#parts),*)])
    }
}

/// `Union::Variant(Variant::default())` for a default object that holds only the tag of a
/// variant whose properties are all optional; `None` for anything else.
fn tag_only_variant(
    ir: &Ir,
    name: &str,
    object: &serde_json::Map<String, serde_json::Value>,
) -> Option<TokenStream> {
    let Some(TypeKind::Tagged(u)) = ir.type_def(name).map(|t| &t.kind) else {
        return None;
    };
    let value = match object.get(&u.tag) {
        Some(serde_json::Value::String(value)) if object.len() == 1 => value,
        _ => return None,
    };
    let variant = u.variants.iter().find(|v| &v.value == value)?;
    let Some(TypeKind::Struct(s)) = ir.type_def(&variant.ty).map(|t| &t.kind) else {
        return None;
    };
    // The tag must be the struct's fixed property with that value, so that the default
    // encodes as the JSON it stands for.
    let fixed = s
        .consts
        .iter()
        .any(|c| c.wire == u.tag && &c.value == value);
    if !fixed || !s.fields.iter().all(Field::is_option) {
        return None;
    }
    let (union, vi, ty) = (ident(name), ident(&variant.ident), ident(&variant.ty));
    Some(quote!(#union::#vi(#ty::default())))
}

/// The tag names of the unions that have `name` as a variant.
fn variant_tags<'a>(ir: &'a Ir, name: &str) -> std::collections::BTreeSet<&'a str> {
    ir.types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Tagged(u) if u.variants.iter().any(|v| v.ty == name) => Some(u.tag.as_str()),
            _ => None,
        })
        .collect()
}

/// The `#[json(..)]` entry for a property that has a spec default (`json`, JSON text): the
/// default written as Rust where the type allows it, and otherwise the JSON text, which the
/// decoder then reads when the property is missing.
fn default_attr(ir: &Ir, ty: &TypeRef, json: &str) -> TokenStream {
    use serde_json::Value;
    let parsed = serde_json::from_str::<Value>(json).ok();
    // The type's own `Default` value.
    let is_zero = match (ty, &parsed) {
        (TypeRef::String, Some(Value::String(s))) => s.is_empty(),
        (TypeRef::Bool, Some(Value::Bool(b))) => !b,
        (TypeRef::Integer | TypeRef::Int32, Some(Value::Number(n))) => n.as_i64() == Some(0),
        (TypeRef::Number, Some(Value::Number(n))) => n.as_f64() == Some(0.0),
        _ => false,
    };
    if is_zero {
        return quote!(default);
    }
    let cheap = match (ty, &parsed) {
        (TypeRef::Bool, Some(Value::Bool(b))) => Some(quote!(#b)),
        (TypeRef::Integer, Some(Value::Number(n))) => n.as_i64().map(|n| {
            let n = proc_macro2::Literal::i64_suffixed(n);
            quote!(#n)
        }),
        (TypeRef::Int32, Some(Value::Number(n))) => {
            n.as_i64().and_then(|n| i32::try_from(n).ok()).map(|n| {
                let n = proc_macro2::Literal::i32_suffixed(n);
                quote!(#n)
            })
        }
        (TypeRef::Number, Some(Value::Number(n))) => n.as_f64().map(|n| {
            let n = proc_macro2::Literal::f64_suffixed(n);
            quote!(#n)
        }),
        _ => None,
    };
    if let Some(literal) = cheap {
        return quote!(default = #literal);
    }
    let built = match (ty, &parsed) {
        (TypeRef::String, Some(Value::String(s))) => Some(quote!(String::from(#s))),
        (TypeRef::Named(name), Some(Value::String(s)))
            if matches!(ir.type_def(name).map(|t| &t.kind), Some(TypeKind::Enum(_))) =>
        {
            let ty = ident(name);
            Some(quote!(#ty::from(#s)))
        }
        // A union variant given by its tag alone (`{"type": "direct"}`), whose struct has
        // nothing else that is required: the variant with every property unset.
        (TypeRef::Named(name), Some(Value::Object(object))) => tag_only_variant(ir, name, object),
        _ => None,
    };
    match built {
        Some(value) => quote!(default = #value),
        None => quote!(default_json = #json),
    }
}

fn emit_tagged(t: &TypeDef, u: &TaggedDef, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let name_str = &t.name;
    let tag = &u.tag;
    let variants = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        let ty = ident(&v.ty);
        let d = doc_attrs(&format!("`{tag}: \"{}\"`.", v.value));
        quote!(#d #vi(#ty),)
    });
    let tag_arms = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        let value = &v.value;
        quote!(Self::#vi(_) => #value,)
    });
    let ser_arms = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        quote!(Self::#vi(value) => value.serialize(serializer),)
    });
    let de_arms = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        let value = &v.value;
        quote!(#value => crate::runtime::de::variant(map, tag, Self::#vi),)
    });
    let payloads: Vec<TypeRef> = u
        .variants
        .iter()
        .map(|v| TypeRef::Named(v.ty.clone()))
        .collect();
    let count = counts(payloads.iter());
    let froms = u
        .variants
        .iter()
        .filter(|v| count[&TypeRef::Named(v.ty.clone())] == 1)
        .map(|v| {
            let vi = ident(&v.ident);
            let ty = ident(&v.ty);
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#vi(value)
                    }
                }
            }
        });
    let default = match &u.default {
        Some(d) => quote!(Some(#d)),
        None => quote!(None),
    };
    let large = quote!(#[allow(clippy::large_enum_variant)]);
    let tag_doc = doc_attrs(&format!(
        "The `{tag}` value of this variant (for `Unknown`, whatever was received)."
    ));
    quote! {
        #doc
        #[doc = ""]
        #[doc = " A value with a tag this crate does not know is kept whole in `Unknown`."]
        #[derive(Clone, Debug, PartialEq)]
        #large
        pub enum #name {
            #(#variants)*
            /// A variant added to the API after this crate was generated, kept as received.
            Unknown(serde_json::Value),
        }

        impl #name {
            #tag_doc
            pub fn tag(&self) -> &str {
                match self {
                    #(#tag_arms)*
                    Self::Unknown(value) => value.get(#tag).and_then(|t| t.as_str()).unwrap_or(""),
                }
            }
        }

        #(#froms)*

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl crate::runtime::de::Tagged for #name {
            const NAME: &'static str = #name_str;
            const TAG: &'static str = #tag;
            const DEFAULT: Option<&'static str> = #default;
            fn from_tagged<'de, A: serde::de::MapAccess<'de>>(
                map: A,
                tag: crate::runtime::de::Tag<'de>,
            ) -> Result<Self, A::Error> {
                match tag.value() {
                    #(#de_arms)*
                    _ => crate::runtime::de::unknown(map, tag).map(Self::Unknown),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::de::deserialize_tagged(deserializer)
            }
        }
    }
}

fn emit_untagged(ir: &Ir, t: &TypeDef, u: &UntaggedDef, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let name_str = &t.name;
    let variants = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        let ty = type_tokens(&v.ty);
        let d = doc_attrs(&format!("The `{}` form.", v.ident));
        quote!(#d #vi(#ty),)
    });
    let ser_arms = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        quote!(Self::#vi(value) => value.serialize(serializer),)
    });
    let candidates = u.variants.iter().map(|v| {
        let vi = ident(&v.ident);
        let kind = format_ident!("{}", json_kind(ir, &v.ty));
        quote!((crate::runtime::de::JsonKind::#kind, |json| serde_json::from_str(json).map(Self::#vi)),)
    });
    let count = counts(u.variants.iter().map(|v| &v.ty));
    let froms = u.variants.iter().filter(|v| count[&v.ty] == 1).map(|v| {
        let vi = ident(&v.ident);
        let ty = type_tokens(&v.ty);
        let str_from = if v.ty == TypeRef::String && count.get(&TypeRef::String) == Some(&1) {
            quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::#vi(value.to_string())
                    }
                }
            }
        } else {
            quote!()
        };
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#vi(value)
                }
            }
            #str_from
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }

        #(#froms)*

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::de::deserialize_untagged(deserializer, #name_str, &[#(#candidates)*])
            }
        }
    }
}

fn emit_enum(t: &TypeDef, e: &EnumDef, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = e.values.iter().map(|v| {
        let vi = ident(&v.ident);
        let d = doc_attrs(&format!("`{}`", v.wire));
        quote!(#d #vi,)
    });
    let as_str = e.values.iter().map(|v| {
        let vi = ident(&v.ident);
        let w = &v.wire;
        quote!(Self::#vi => #w,)
    });
    let from_str = e.values.iter().map(|v| {
        let vi = ident(&v.ident);
        let w = &v.wire;
        quote!(#w => Self::#vi,)
    });
    let from_str2 = from_str.clone();
    let expecting = format!("a `{}` string", t.name);
    quote! {
        #doc
        #[doc = ""]
        #[doc = " Open: a value this crate does not know is kept in `Other`."]
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value added to the API after this crate was generated.
            Other(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Other(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_str2)*
                    _ => Self::Other(value),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::runtime::QueryValue for #name {
            fn to_query_value(&self) -> String {
                self.as_str().to_string()
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let key = crate::runtime::de::Key::deserialize_with_expectation(deserializer, #expecting)?;
                Ok(Self::from(key.as_str()))
            }
        }
    }
}

/// The Rust type of a parameter struct field.
fn param_type(p: &Param) -> TokenStream {
    let ty = if p.location == ParamLocation::FormFile {
        quote!(crate::runtime::UploadFile)
    } else {
        type_tokens(&p.ty)
    };
    if p.required { ty } else { quote!(Option<#ty>) }
}

fn emit_params(
    ir: &Ir,
    t: &TypeDef,
    p: &ParamsDef,
    doc: TokenStream,
) -> Result<TokenStream, Error> {
    let name = ident(&t.name);
    let all_optional = p.params.iter().all(|p| !p.required);
    let derive_default = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = p.params.iter().map(|p| {
        let fi = ident(&p.ident);
        let ty = param_type(p);
        let where_ = match p.location {
            ParamLocation::Query => format!("Query parameter `{}`.", p.wire),
            ParamLocation::Header => format!("Header `{}`.", p.wire),
            ParamLocation::FormField | ParamLocation::FormFile => {
                format!("Form field `{}`.", p.wire)
            }
            ParamLocation::Path => format!("Path parameter `{}`.", p.wire),
        };
        let d = match &p.doc {
            Some(d) => doc_attrs(&format!("{d}\n\n{where_}")),
            None => doc_attrs(&where_),
        };
        quote!(#d pub #fi: #ty,)
    });
    let required: Vec<Arg> = p
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| Arg {
            ident: &p.ident,
            ty: &p.ty,
            tokens: if p.location == ParamLocation::FormFile {
                quote!(crate::runtime::UploadFile)
            } else {
                type_tokens(&p.ty)
            },
        })
        .collect();
    let (required_struct, new_fn) = emit_constructor(ir, &t.name, &required, |inits| {
        let optional = p.params.iter().filter(|p| !p.required).map(|p| {
            let fi = ident(&p.ident);
            quote!(#fi: None,)
        });
        quote!(Self { #(#inits)* #(#optional)* })
    })?;
    let setters = p.params.iter().filter(|p| !p.required).map(|p| {
        let fi = ident(&p.ident);
        let setter = setter_name(&p.ident);
        let tokens = if p.location == ParamLocation::FormFile {
            quote!(crate::runtime::UploadFile)
        } else {
            type_tokens(&p.ty)
        };
        let (param, value) = setter_parts(&p.ty, &tokens);
        let d = doc_attrs(&format!("Sets `{}`.", p.wire));
        quote! {
            #d
            pub fn #setter(mut self, #param) -> Self {
                self.#fi = Some(#value);
                self
            }
        }
    });
    Ok(quote! {
        #doc
        #[derive(Clone, Debug, #derive_default)]
        pub struct #name {
            #(#fields)*
        }

        #required_struct

        impl #name {
            #new_fn
            #(#setters)*
        }
    })
}
