//! IR → token streams → files.

mod docs;
mod resources;
mod types;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Ir, TypeKind, TypeRef};
use crate::{Error, GeneratedFile};

/// Emits every generated file, in a fixed order.
pub fn emit(ir: &Ir) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();

    // types/: one file per module, in order of first appearance.
    let mut modules: Vec<&str> = Vec::new();
    for t in &ir.types {
        if !modules.contains(&t.module.as_str()) {
            modules.push(&t.module);
        }
    }
    let mut mod_items = TokenStream::new();
    for module in &modules {
        let m = ident(module);
        mod_items.extend(quote! { mod #m; pub use self::#m::*; });
        let mut items = TokenStream::new();
        for t in ir.types.iter().filter(|t| t.module == *module) {
            items.extend(types::emit_type(ir, t)?);
        }
        let tokens = quote! {
            #[allow(unused_imports)]
            use super::*;
            #items
        };
        let path = format!("types/{module}.rs");
        let doc = format!(
            "Model types first used by the `{}` operations.",
            module.replace('_', " ")
        );
        files.push(GeneratedFile {
            contents: crate::format::format_file(&path, &doc, tokens)?,
            path,
        });
    }
    files.push(GeneratedFile {
        contents: crate::format::format_file(
            "types/mod.rs",
            "Model types: every schema of the spec, re-exported flat from here.",
            mod_items,
        )?,
        path: "types/mod.rs".into(),
    });

    files.extend(resources::emit_resources(ir)?);
    Ok(files)
}

/// An identifier, raw where it must be.
pub(crate) fn ident(name: &str) -> Ident {
    if crate::names::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The Rust type for a reference.
pub(crate) fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(n) => {
            let i = ident(n);
            quote!(#i)
        }
        TypeRef::String | TypeRef::Binary => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Int32 => quote!(i32),
        TypeRef::Number => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// The JSON shape a value of this type has, for telling untagged union members apart.
pub(crate) fn json_kind(ir: &Ir, ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String | TypeRef::DateTime | TypeRef::Date | TypeRef::Binary => "String",
        TypeRef::Integer | TypeRef::Int32 | TypeRef::Number => "Number",
        TypeRef::Bool => "Bool",
        TypeRef::Vec(_) => "Array",
        TypeRef::Map(_) | TypeRef::JsonObject => "Object",
        TypeRef::Json => "Any",
        TypeRef::Named(n) => match ir.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Params(_)) => "Object",
            Some(TypeKind::Enum(_)) => "String",
            Some(TypeKind::Alias(inner)) => json_kind(ir, inner),
            Some(TypeKind::Untagged(_)) | None => "Any",
        },
    }
}

/// Counts how often each payload type occurs, to skip `From` impls that would conflict.
pub(crate) fn counts<'a>(tys: impl Iterator<Item = &'a TypeRef>) -> BTreeMap<&'a TypeRef, usize> {
    let mut m = BTreeMap::new();
    for t in tys {
        *m.entry(t).or_insert(0) += 1;
    }
    m
}
