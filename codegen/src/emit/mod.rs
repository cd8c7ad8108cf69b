//! IR → token streams → files.

mod betas;
mod cfg;
pub(crate) mod constructor;
mod docs;
mod resources;
mod types;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Ir, Module, TypeKind, TypeRef};
use crate::{Error, GeneratedFile};

/// Emits every generated file, in a fixed order.
///
/// The type modules are emitted and formatted on up to as many threads as the machine has
/// cores (parsing and printing the tokens is most of the work); each file is made by one
/// thread from the shared [`Ir`], and the files are put back in order, so the output does not
/// depend on the number of threads.
pub fn emit(ir: &Ir) -> Result<Vec<GeneratedFile>, Error> {
    emit_with_threads(
        ir,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    )
}

/// [`emit`] on at most `threads` threads (1: all on the calling thread). The output is the
/// same whatever the number.
pub fn emit_with_threads(ir: &Ir, threads: usize) -> Result<Vec<GeneratedFile>, Error> {
    // types/: one file per module, in order of first appearance.
    let modules: Vec<&Module> = ir.modules.iter().collect();
    let mut mod_items = TokenStream::new();
    for module in &modules {
        let m = ident(&module.name);
        let cfg = cfg::attr(&module_features(ir, module));
        mod_items.extend(quote! { #cfg pub mod #m; #cfg #[doc(no_inline)] pub use self::#m::*; });
    }

    let (type_files, resource_files) = if threads <= 1 {
        let files = modules.iter().map(|m| emit_module(ir, m)).collect();
        (files, resources::emit_resources(ir))
    } else {
        // Biggest modules first, so that no thread is left with a large one at the end.
        let mut order: Vec<usize> = (0..modules.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse(
                ir.types
                    .iter()
                    .filter(|t| t.module == modules[i].name)
                    .count(),
            )
        });
        let next = AtomicUsize::new(0);
        let work = || {
            let mut done = Vec::new();
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                done.push((i, emit_module(ir, modules[i])));
            }
            done
        };
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads.min(modules.len() + 1))
                .map(|_| scope.spawn(work))
                .collect();
            let resource_files = resources::emit_resources(ir);
            let mut done = work();
            for helper in helpers {
                done.extend(helper.join().expect("an emitting thread panicked"));
            }
            done.sort_by_key(|(i, _)| *i);
            (
                done.into_iter().map(|(_, file)| file).collect::<Vec<_>>(),
                resource_files,
            )
        })
    };

    let mut files = type_files.into_iter().collect::<Result<Vec<_>, Error>>()?;
    files.push(GeneratedFile {
        contents: crate::format::format_file(
            "types/mod.rs",
            "Model types: every schema of the spec, in one module per area of the API (listed \
             below, each saying what it holds), and all re-exported from here and from the \
             crate root, so `anthropic_openapi::Message` and \
             `anthropic_openapi::types::messages::Message` are the same type.",
            mod_items,
        )?,
        path: "types/mod.rs".into(),
    });
    files.extend(resource_files?);
    Ok(files)
}

/// The features a whole module is compiled under: those of its types when they all have the
/// same (non-empty) ones; otherwise none, and each gated type carries its own.
pub(crate) fn module_features(ir: &Ir, module: &Module) -> Vec<String> {
    let mut types = ir.types.iter().filter(|t| t.module == module.name);
    let Some(first) = types.next() else {
        return Vec::new();
    };
    if types.all(|t| t.features == first.features) {
        first.features.clone()
    } else {
        Vec::new()
    }
}

/// The file `types/{module}.rs`: every type of that module.
fn emit_module(ir: &Ir, module: &Module) -> Result<GeneratedFile, Error> {
    let whole = module_features(ir, module);
    let mut items = TokenStream::new();
    for t in ir.types.iter().filter(|t| t.module == module.name) {
        let tokens = types::emit_type(ir, t)?;
        if whole.is_empty() {
            items.extend(cfg::gate(tokens, &t.features)?);
        } else {
            items.extend(tokens);
        }
    }
    let tokens = quote! {
        #[allow(unused_imports)]
        use super::*;
        #items
    };
    let path = format!("types/{}.rs", module.name);
    let doc = docs::module_doc(ir, module);
    Ok(GeneratedFile {
        contents: crate::format::format_file(&path, &doc, tokens)?,
        path,
    })
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
