//! `#[cfg(feature = ..)]` on the items of a gated area of the API (see `ir::features`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;

/// The attribute that compiles an item under any of `features`; nothing when there are none.
pub(crate) fn attr(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// `tokens` (items) with [`attr`] put on each item: a type's struct, its impls and its consts
/// all come and go together.
pub(crate) fn gate(tokens: TokenStream, features: &[String]) -> Result<TokenStream, Error> {
    if features.is_empty() {
        return Ok(tokens);
    }
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            "(generated code)",
            format!("generated items do not parse: {e}"),
        )
    })?;
    let cfg: syn::Attribute = {
        let a = attr(features);
        syn::parse_quote!(#a)
    };
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Const(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Macro(i) => &mut i.attrs,
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Static(i) => &mut i.attrs,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Trait(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Use(i) => &mut i.attrs,
            other => {
                return Err(Error::new(
                    "(generated code)",
                    format!(
                        "cannot put a cfg on this kind of generated item: {}",
                        quote!(#other)
                    ),
                ));
            }
        };
        // After the item's docs, so that the docs still open it.
        let at = attrs
            .iter()
            .take_while(|a| a.path().is_ident("doc"))
            .count();
        attrs.insert(at, cfg.clone());
    }
    Ok(quote!(#file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_feature_or_any_of_several() {
        assert!(attr(&[]).is_empty());
        assert_eq!(
            attr(&["files".into()]).to_string(),
            quote!(#[cfg(feature = "files")]).to_string()
        );
        assert_eq!(
            attr(&["batches".into(), "files".into()]).to_string(),
            quote!(#[cfg(any(feature = "batches", feature = "files"))]).to_string()
        );
    }

    #[test]
    fn every_item_is_gated() {
        let items = quote! {
            pub struct A;
            impl A { pub fn f() {} }
            impl Default for A { fn default() -> Self { A } }
        };
        let gated = gate(items, &["files".into()]).unwrap().to_string();
        assert_eq!(
            gated.matches("# [cfg (feature = \"files\")]").count(),
            3,
            "{gated}"
        );
    }
}
