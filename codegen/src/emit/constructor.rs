//! How a generated type's `new` and setters take their values, so that a value given to the
//! wrong parameter does not compile.
//!
//! The rules, for every struct and parameter struct:
//! - A property whose schema lists its allowed values (`enum: […]`) is taken as that enum type
//!   itself, not as `impl Into<…>` (which would accept any `&str`). Model ids, which the spec
//!   declares as "these values or any string", stay string-like.
//! - A list is taken as any iterable of values convertible to its items:
//!   `stop_sequences(["END"])`, `tools([a, b])`.
//! - If two required properties would accept the same value (two strings, two integers, a
//!   string and a string-like union, …), `new` does not take them by position: it takes one
//!   `{Type}Required` struct whose fields are named at the call site.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_tokens};
use crate::ir::{Ir, TypeKind, TypeRef};

/// A required value of a constructor.
pub(super) struct Arg<'a> {
    /// The Rust field name.
    pub ident: &'a str,
    /// Its type (for a form file, the emitter passes `TypeRef::Binary`).
    pub ty: &'a TypeRef,
    /// The Rust type tokens of the field.
    pub tokens: TokenStream,
}

/// Whether `name` is an enum whose schema names every allowed value.
fn is_closed_enum(ir: &Ir, ty: &TypeRef) -> bool {
    let TypeRef::Named(name) = ty else {
        return false;
    };
    matches!(ir.type_def(name).map(|t| &t.kind), Some(TypeKind::Enum(e)) if !e.any_string)
}

/// The parameter type of a required value in a positional `new`.
pub(super) fn param_tokens(ir: &Ir, arg: &Arg) -> TokenStream {
    let ty = &arg.tokens;
    match arg.ty {
        _ if is_closed_enum(ir, arg.ty) => quote!(#ty),
        TypeRef::Vec(item) => {
            let item = type_tokens(item);
            quote!(impl IntoIterator<Item = impl Into<#item>>)
        }
        _ => quote!(impl Into<#ty>),
    }
}

/// The field initialiser that turns a parameter of [`param_tokens`]' type into the field's
/// value.
pub(super) fn init_tokens(ir: &Ir, arg: &Arg) -> TokenStream {
    let fi = ident(arg.ident);
    match arg.ty {
        _ if is_closed_enum(ir, arg.ty) => quote!(#fi,),
        TypeRef::Vec(_) => quote!(#fi: #fi.into_iter().map(Into::into).collect(),),
        _ => quote!(#fi: #fi.into(),),
    }
}

/// A setter of an optional value: its generic parameters, its parameter type and the
/// conversion to the field's value.
pub(super) fn setter_parts(ty: &TypeRef, tokens: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::Vec(item) => {
            let item = type_tokens(item);
            (
                quote!(value: impl IntoIterator<Item = impl Into<#item>>),
                quote!(value.into_iter().map(Into::into).collect()),
            )
        }
        _ => (quote!(value: impl Into<#tokens>), quote!(value.into())),
    }
}

/// Two required values that a positional `new` would let a caller swap, if any.
pub(super) fn swappable<'a>(ir: &Ir, args: &[Arg<'a>]) -> Option<(&'a str, &'a str)> {
    let accepted: Vec<BTreeSet<String>> = args
        .iter()
        .map(|a| {
            if is_closed_enum(ir, a.ty) {
                [kind_key(a.ty)].into()
            } else {
                accepts(ir, a.ty, 0)
            }
        })
        .collect();
    for (i, a) in accepted.iter().enumerate() {
        for (j, b) in accepted.iter().enumerate().skip(i + 1) {
            if !a.is_disjoint(b) {
                return Some((args[i].ident, args[j].ident));
            }
        }
    }
    None
}

fn kind_key(ty: &TypeRef) -> String {
    format!("{ty:?}")
}

/// The kinds of value an `impl Into<ty>` (or, for lists, an iterable of such) parameter
/// accepts: a string literal, any number, a type and the types it converts from.
fn accepts(ir: &Ir, ty: &TypeRef, depth: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match ty {
        TypeRef::String => {
            out.insert("text".into());
        }
        TypeRef::Integer | TypeRef::Int32 | TypeRef::Number => {
            out.insert("number".into());
        }
        TypeRef::Bool => {
            out.insert("bool".into());
        }
        // `serde_json::Value` converts from strings, numbers, booleans, maps and lists.
        TypeRef::Json => {
            for k in ["text", "number", "bool", "object", "json"] {
                out.insert(k.into());
            }
        }
        TypeRef::JsonObject => {
            out.insert("object".into());
        }
        TypeRef::Vec(item) => {
            for k in accepts(ir, item, depth + 1) {
                out.insert(format!("list of {k}"));
            }
        }
        TypeRef::DateTime | TypeRef::Date | TypeRef::Map(_) | TypeRef::Binary => {
            out.insert(kind_key(ty));
        }
        TypeRef::Named(name) => {
            out.insert(kind_key(ty));
            match ir.type_def(name).map(|t| &t.kind) {
                // Every generated enum converts from `&str` and `String`.
                Some(TypeKind::Enum(_)) => {
                    out.insert("text".into());
                }
                Some(TypeKind::Alias(inner)) if depth < 4 => {
                    out.extend(accepts(ir, inner, depth + 1))
                }
                Some(TypeKind::Untagged(u)) if depth < 4 => {
                    for v in &u.variants {
                        out.extend(accepts(ir, &v.ty, depth + 1));
                    }
                }
                Some(TypeKind::Tagged(u)) => {
                    for v in &u.variants {
                        out.insert(kind_key(&TypeRef::Named(v.ty.clone())));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// How `new` looks to a caller, for `cargo xtask diff`: `new(a: T, b: impl Into<U>)`, or
/// `new(NameRequired { a, b })` when the values are named.
pub(crate) fn shape(ir: &Ir, type_name: &str, required: &[(&str, &TypeRef)]) -> String {
    let args: Vec<Arg> = required
        .iter()
        .map(|(ident, ty)| Arg {
            ident,
            ty,
            tokens: type_tokens(ty),
        })
        .collect();
    if swappable(ir, &args).is_some() {
        let names: Vec<&str> = required.iter().map(|(i, _)| *i).collect();
        return format!("new({type_name}Required {{ {} }})", names.join(", "));
    }
    let params: Vec<String> = args
        .iter()
        .map(|a| {
            let ty = param_tokens(ir, a)
                .to_string()
                .replace(" < ", "<")
                .replace(" >", ">");
            format!("{}: {ty}", a.ident)
        })
        .collect();
    format!("new({})", params.join(", "))
}
