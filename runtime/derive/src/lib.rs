//! `#[derive(JsonObject)]`: the JSON impls of the structs that `cargo xtask gen` writes into
//! `anthropic-openapi`.
//!
//! The generator describes each object type of the spec as a plain struct with `#[json(..)]`
//! attributes, the way serde's derive is used elsewhere; this derive writes the struct's
//! `serde::Serialize`, `serde::Deserialize` and `runtime::de::Object` impls from that
//! description. The expansion calls `::anthropic_openapi_runtime::de` and `serde`, so it works in a crate
//! that depends on both, as `anthropic-openapi` does.
//!
//! # The description
//!
//! On the struct:
//! - `#[json(constant("type", "text"))]`: a property fixed to one value, with no field of its
//!   own. It is written on every encode (unless `extra` holds a different value for it) and
//!   checked on decode: a different value is kept in `extra`. Since it is written even when
//!   the decoded object lacked it, the generator uses it only for a property the spec
//!   requires: writing it makes any value valid, and a value built in Rust (`new()`) carries
//!   it. A one-value property the spec does not require (the custom tool's `type`:
//!   "`custom` or omitted") is an ordinary optional field of a one-value enum instead, so that
//!   an absent one stays absent; `new()` leaves it unset, as the API allows.
//! - `#[json(union_tag = "type")]`: the struct is a variant of a union tagged on that property.
//!   The union reads the tag before it knows the variant and hands it to `Object::visit`, which
//!   reads it as the constant or the field of that name.
//!
//! On a field:
//! - `#[json(name = "wire")]`: the property's name, where it is not the field's own name
//!   (without `r#`).
//! - A field of type `Option<T>` is optional: when it is missing or `null` the field is `None`
//!   (an explicit `null` is remembered in `extra`), and `None` is not written.
//!   `#[json(nullable)]` marks one that is required but may be `null`: it is always written.
//! - Any other field is required: decoding fails with serde's `missing field` error when it is
//!   missing, unless a default gives its value: `#[json(default)]` (the type's `Default`),
//!   `#[json(default = EXPR)]`, or `#[json(default_json = "JSON")]` (decoded when needed).
//!   A required field is always written, so a missing defaulted one is written with its
//!   default, making the object valid.
//! - A field with a default also accepts `null`, which some servers and SDKs send for a
//!   required property that has a default (`"caller": null` on a tool-use block): the field
//!   takes its default and the `null` is remembered in `extra`, as for an optional field. While
//!   the field still holds that default, the encoder writes the `null` back in its place, so
//!   the object round-trips exactly; once another value is set, that value is written. (This
//!   compares the field with its default, so the field's type must be `PartialEq`.) A `null`
//!   for a required field without a default is still an error.
//!
//! The field named `extra`, a `serde_json::Map<String, serde_json::Value>`, holds the
//! properties the struct has no field for; they are written back after the known ones. An
//! entry named after a field (the `null` kept for it) is written from there only while the
//! field is an optional one holding no value; a field that writes its own property (an
//! optional one holding a value, any required one) is never written twice.
//! A known property that appears twice in one object is an error (`duplicate field`).

use proc_macro::TokenStream;
use proc_macro2::{Literal, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Expr, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// Writes `serde::Serialize`, `serde::Deserialize` and `runtime::de::Object` for a struct
/// described with `#[json(..)]` attributes (see the crate's documentation).
#[proc_macro_derive(JsonObject, attributes(json))]
pub fn derive_json_object(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// A property fixed to one value.
struct Constant {
    wire: String,
    value: String,
}

/// How a field is read and written.
enum Kind {
    /// `Option<T>`: may be missing or `null`; `None` is not written.
    Optional,
    /// `Option<T>` marked `nullable`: required, may be `null`, always written.
    Nullable,
    /// Required, with no default.
    Required,
    /// The type's `Default` when missing.
    DefaultZero,
    /// This expression when missing.
    DefaultExpr(Expr),
    /// This JSON text, decoded, when missing.
    DefaultJson(LitStr),
}

struct Field {
    ident: Ident,
    wire: String,
    /// The type read from the wire: `T` for `Option<T>`, else the field's type.
    value_ty: Type,
    kind: Kind,
}

impl Field {
    fn slot(&self) -> Ident {
        format_ident!("field_{}", self.ident.unraw())
    }

    /// Written even when it holds no value (the property is required).
    fn always_written(&self) -> bool {
        !matches!(self.kind, Kind::Optional)
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "JsonObject structs cannot have generic parameters",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(name.span(), "JsonObject is for structs"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new(
            name.span(),
            "JsonObject needs a struct with named fields",
        ));
    };

    let mut consts = Vec::new();
    let mut union_tags = Vec::new();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("json")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("constant") {
                let content;
                syn::parenthesized!(content in meta.input);
                let wire: LitStr = content.parse()?;
                content.parse::<syn::Token![,]>()?;
                let value: LitStr = content.parse()?;
                consts.push(Constant {
                    wire: wire.value(),
                    value: value.value(),
                });
                Ok(())
            } else if meta.path.is_ident("union_tag") {
                union_tags.push(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else {
                Err(meta
                    .error("expected `constant(\"name\", \"value\")` or `union_tag = \"name\"`"))
            }
        })?;
    }

    let mut fields = Vec::new();
    let mut has_extra = false;
    for field in &named.named {
        let Some(ident) = field.ident.clone() else {
            return Err(syn::Error::new(
                field.span(),
                "JsonObject needs named fields",
            ));
        };
        if ident == "extra" {
            has_extra = true;
            continue;
        }
        fields.push(read_field(ident, field)?);
    }
    if !has_extra {
        return Err(syn::Error::new(
            name.span(),
            "JsonObject needs a field `extra: serde_json::Map<String, serde_json::Value>` for \
             the properties it does not name",
        ));
    }

    let serialize = serialize(name, &consts, &fields);
    let object = object(name, &consts, &fields, &union_tags)?;
    Ok(quote! {
        #serialize

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::anthropic_openapi_runtime::de::deserialize_object(deserializer)
            }
        }

        #object
    })
}

/// Reads a field's type and `#[json(..)]` attributes.
fn read_field(ident: Ident, field: &syn::Field) -> syn::Result<Field> {
    let mut wire = None;
    let mut nullable = false;
    let mut default = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("json")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                wire = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("nullable") {
                nullable = true;
            } else if meta.path.is_ident("default") {
                default = Some(if meta.input.peek(syn::Token![=]) {
                    Kind::DefaultExpr(meta.value()?.parse::<Expr>()?)
                } else {
                    Kind::DefaultZero
                });
            } else if meta.path.is_ident("default_json") {
                default = Some(Kind::DefaultJson(meta.value()?.parse::<LitStr>()?));
            } else {
                return Err(meta.error(
                    "expected `name = \"..\"`, `nullable`, `default`, `default = EXPR` or \
                     `default_json = \"..\"`",
                ));
            }
            Ok(())
        })?;
    }
    let wire = wire.unwrap_or_else(|| ident.unraw().to_string());
    let (value_ty, kind) = match (option_inner(&field.ty), nullable, default) {
        (Some(inner), false, None) => (inner.clone(), Kind::Optional),
        (Some(inner), true, None) => (inner.clone(), Kind::Nullable),
        (None, false, None) => (field.ty.clone(), Kind::Required),
        (None, false, Some(default)) => (field.ty.clone(), default),
        (None, true, _) => {
            return Err(syn::Error::new(
                field.ty.span(),
                "a `nullable` field must be an `Option`",
            ));
        }
        (Some(_), _, Some(_)) => {
            return Err(syn::Error::new(
                field.ty.span(),
                "an `Option` field is `None` when missing; it cannot have a default",
            ));
        }
    };
    Ok(Field {
        ident,
        wire,
        value_ty,
        kind,
    })
}

/// `T` when `ty` is written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// `serde::Serialize`: the constants, then the fields, then `extra` (less the entries that an
/// optional field holding a value replaces).
fn serialize(name: &Ident, consts: &[Constant], fields: &[Field]) -> Tokens {
    let const_writes = consts.iter().map(|c| {
        let (w, v) = (&c.wire, &c.value);
        quote! {
            if !self.extra.contains_key(#w) {
                map.serialize_entry(#w, #v)?;
            }
        }
    });
    let field_writes = fields.iter().map(|f| {
        let (fi, w) = (&f.ident, &f.wire);
        if let Some(holds_default) = holds_default(f) {
            // A `null` received for a defaulted property was kept in `extra`: it goes back out
            // as long as the field still holds the default it was decoded to.
            quote! {
                if matches!(self.extra.get(#w), Some(serde_json::Value::Null)) && #holds_default {
                    map.serialize_entry(#w, &serde_json::Value::Null)?;
                } else {
                    map.serialize_entry(#w, &self.#fi)?;
                }
            }
        } else if f.always_written() {
            quote! { map.serialize_entry(#w, &self.#fi)?; }
        } else {
            quote! {
                if let Some(value) = &self.#fi {
                    map.serialize_entry(#w, value)?;
                }
            }
        }
    });
    // An entry of `extra` named after a field is written only in place of an optional field
    // that holds no value (the `null` it was decoded from); every other field has written its
    // property already.
    let skip_extra = if fields.is_empty() {
        quote!()
    } else {
        let arms = fields.iter().map(|f| {
            let (fi, w) = (&f.ident, &f.wire);
            if f.always_written() {
                quote!(#w => true,)
            } else {
                quote!(#w => self.#fi.is_some(),)
            }
        });
        quote! {
            let shadowed = match key.as_str() {
                #(#arms)*
                _ => false,
            };
            if shadowed {
                continue;
            }
        }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#const_writes)*
                #(#field_writes)*
                for (key, value) in &self.extra {
                    #skip_extra
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// For a field with a default: an expression that is true when the field holds that default.
fn holds_default(f: &Field) -> Option<Tokens> {
    let (fi, ty) = (&f.ident, &f.value_ty);
    Some(match &f.kind {
        Kind::DefaultZero => quote!(self.#fi == <#ty as ::core::default::Default>::default()),
        Kind::DefaultExpr(expr) => quote!(self.#fi == (#expr)),
        Kind::DefaultJson(json) => quote! {
            serde_json::from_str::<#ty>(#json).is_ok_and(|default| self.#fi == default)
        },
        Kind::Optional | Kind::Nullable | Kind::Required => return None,
    })
}

/// `runtime::de::Object`: one pass over the object's properties into a slot per field, then
/// the struct from the slots.
fn object(
    name: &Ident,
    consts: &[Constant],
    fields: &[Field],
    union_tags: &[String],
) -> syn::Result<Tokens> {
    let slots = fields.iter().map(|f| {
        let (slot, ty) = (f.slot(), &f.value_ty);
        quote!(let mut #slot: Option<#ty> = None;)
    });
    // A property the type knows may appear only once, as with serde's derive (see
    // `runtime::de::first`); `seen` has a flag per known property, constants first.
    let known = consts.len() + fields.len();
    let seen_decl = if known == 0 {
        quote!()
    } else {
        let known = Literal::usize_unsuffixed(known);
        quote!(let mut seen = [false; #known];)
    };
    let once = |i: usize, w: &str| {
        let i = Literal::usize_unsuffixed(i);
        quote!(::anthropic_openapi_runtime::de::first(&map, &mut seen[#i], #w)?;)
    };
    let const_arms = consts.iter().enumerate().map(|(i, c)| {
        let (w, v) = (&c.wire, &c.value);
        let once = once(i, w);
        quote!(#w => { #once ::anthropic_openapi_runtime::de::constant(&mut map, &mut extra, #w, #v)?; })
    });
    let field_arms = fields.iter().enumerate().map(|(i, f)| {
        let (slot, w) = (f.slot(), &f.wire);
        let once = once(consts.len() + i, w);
        match f.kind {
            Kind::Nullable => quote!(#w => { #once #slot = map.next_value()?; }),
            // A defaulted property reads `null` as missing, and remembers it, as an optional
            // one does.
            Kind::Optional | Kind::DefaultZero | Kind::DefaultExpr(_) | Kind::DefaultJson(_) => {
                quote!(#w => {
                    #once
                    #slot = ::anthropic_openapi_runtime::de::optional(&mut map, &mut extra, #w)?;
                })
            }
            Kind::Required => quote!(#w => { #once #slot = Some(map.next_value()?); }),
        }
    });
    let build_fields = fields.iter().map(|f| {
        let (fi, slot, w) = (&f.ident, f.slot(), &f.wire);
        let value = match &f.kind {
            Kind::Optional | Kind::Nullable => quote!(#slot),
            Kind::Required => quote!(::anthropic_openapi_runtime::de::required(#slot, #w)?),
            Kind::DefaultZero => quote!(#slot.unwrap_or_default()),
            Kind::DefaultExpr(Expr::Lit(lit)) => quote!(#slot.unwrap_or(#lit)),
            Kind::DefaultExpr(expr) => quote!(#slot.unwrap_or_else(|| #expr)),
            Kind::DefaultJson(json) => quote! {
                match #slot {
                    Some(value) => value,
                    None => serde_json::from_str(#json).map_err(serde::de::Error::custom)?,
                }
            },
        };
        quote!(#fi: #value,)
    });
    // The tag a union read before choosing this struct as its variant, read as the property
    // of that name: a constant, or a field.
    let mut entry_arms = Vec::new();
    for tag in union_tags {
        if let Some(i) = consts.iter().position(|c| &c.wire == tag) {
            let v = &consts[i].value;
            let i = Literal::usize_unsuffixed(i);
            entry_arms.push(quote!(#tag => { seen[#i] = true; entry.constant(&mut extra, #v); }));
        } else if let Some(i) = fields.iter().position(|f| &f.wire == tag) {
            let slot = fields[i].slot();
            let i = Literal::usize_unsuffixed(consts.len() + i);
            entry_arms.push(quote!(#tag => { seen[#i] = true; #slot = Some(entry.decode()?); }));
        } else {
            return Err(syn::Error::new(
                name.span(),
                format!("`union_tag = \"{tag}\"` names neither a constant nor a field"),
            ));
        }
    }
    let read_entry = if entry_arms.is_empty() {
        quote! {
            if let Some(entry) = entry {
                entry.keep(&mut extra);
            }
        }
    } else {
        quote! {
            if let Some(entry) = entry {
                match entry.name {
                    #(#entry_arms)*
                    _ => entry.keep(&mut extra),
                }
            }
        }
    };
    let expecting = format!("a `{name}` object");
    Ok(quote! {
        impl ::anthropic_openapi_runtime::de::Object for #name {
            const EXPECTING: &'static str = #expecting;
            fn visit<'de, A: serde::de::MapAccess<'de>>(
                mut map: A,
                entry: Option<::anthropic_openapi_runtime::de::Entry<'de>>,
            ) -> Result<Self, A::Error> {
                #(#slots)*
                #seen_decl
                let mut extra = serde_json::Map::new();
                #read_entry
                while let Some(key) = map.next_key::<::anthropic_openapi_runtime::de::Key<'de>>()? {
                    match key.as_str() {
                        #(#const_arms)*
                        #(#field_arms)*
                        _ => {
                            let value = map.next_value()?;
                            extra.insert(key.into_string(), value);
                        }
                    }
                }
                Ok(Self {
                    #(#build_fields)*
                    extra,
                })
            }
        }
    })
}
