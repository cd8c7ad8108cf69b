//! The `BodyBetas` impls: a walk over a request value that collects the betas its parts need
//! (`x-anthropic-beta` on a schema; see `ir::betas`).
//!
//! Only the types that may hold such a part get an impl, and each impl visits only the fields
//! and variants that may: a `MessageCreateParams` walks its messages and their content blocks,
//! and never its `stop_sequences`.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Ir, TypeDef, TypeKind};

/// The sentence the docs of a type with its own betas end with.
pub fn beta_note(t: &TypeDef) -> Option<String> {
    if t.betas.is_empty() {
        return None;
    }
    let names: Vec<String> = t.betas.iter().map(|b| format!("`{b}`")).collect();
    Some(format!(
        "A request that holds this sends the {} beta in `anthropic-beta` by itself.",
        names.join(", ")
    ))
}

/// The impl for `t`, or nothing when its values never need betas (or it is an alias, which
/// shares its target's impl).
pub fn emit_body_betas(ir: &Ir, t: &TypeDef) -> TokenStream {
    if !ir.beta_carriers.contains(&t.name) {
        return quote!();
    }
    let own = &t.betas;
    let own = if own.is_empty() {
        quote!()
    } else {
        quote!(out.extend_from_slice(&[#(#own),*]);)
    };
    let walk = match &t.kind {
        TypeKind::Struct(s) => {
            let visits = s
                .fields
                .iter()
                .filter(|f| ir.carries_betas(&f.ty))
                .map(|f| {
                    let fi = ident(&f.ident);
                    quote!(crate::runtime::BodyBetas::body_betas(&self.#fi, out);)
                });
            quote!(#(#visits)*)
        }
        TypeKind::Tagged(u) => {
            let reaching: Vec<_> = u
                .variants
                .iter()
                .filter(|v| ir.beta_carriers.contains(&v.ty))
                .map(|v| &v.ident)
                .collect();
            // A tagged union always has `Unknown` besides, which needs nothing.
            variant_walk(&reaching, true)
        }
        TypeKind::Untagged(u) => {
            let reaching: Vec<_> = u
                .variants
                .iter()
                .filter(|v| ir.carries_betas(&v.ty))
                .map(|v| &v.ident)
                .collect();
            variant_walk(&reaching, reaching.len() < u.variants.len())
        }
        TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Params(_) => return quote!(),
    };
    let name = ident(&t.name);
    quote! {
        impl crate::runtime::BodyBetas for #name {
            fn body_betas(&self, out: &mut Vec<&'static str>) {
                #own
                #walk
            }
        }
    }
}

/// A walk into the variants named by `reaching`; `others` when the union has variants besides
/// those, which need nothing.
fn variant_walk(reaching: &[&String], others: bool) -> TokenStream {
    let visit = quote!(crate::runtime::BodyBetas::body_betas(value, out));
    match reaching {
        [] => quote!(),
        [only] if others => {
            let vi = ident(only);
            quote! {
                if let Self::#vi(value) = self {
                    #visit;
                }
            }
        }
        _ => {
            let arms = reaching.iter().map(|v| {
                let vi = ident(v);
                quote!(Self::#vi(value) => #visit,)
            });
            let rest = if others { quote!(_ => {}) } else { quote!() };
            quote! {
                match self {
                    #(#arms)*
                    #rest
                }
            }
        }
    }
}
