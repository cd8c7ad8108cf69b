//! Resource structs and their endpoint methods.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::{cfg, ident, type_tokens};
use crate::ir::{
    Auth, Body, Client, HttpMethod, Ir, Operation, PageStyle, ParamLocation, Response, TypeKind,
    TypeRef,
};
use crate::{Error, GeneratedFile};

/// A node of the resource tree of one client.
struct Resource<'a> {
    client: Client,
    path: Vec<String>,
    ops: Vec<&'a Operation>,
}

/// The features a resource's handle is compiled under: those of the operations of it and of
/// its children, when all of them are gated; none when one of them is always compiled. The
/// operations of one resource must share their feature.
fn resource_features(r: &Resource, all: &[Resource]) -> Result<Vec<String>, Error> {
    if let Some((first, rest)) = r.ops.split_first()
        && let Some(other) = rest.iter().find(|op| op.feature != first.feature)
    {
        return Err(Error::new(
            &other.origin,
            format!(
                "the operations of `{}` must share one feature, but `{}` has {:?} and `{}` has \
                 {:?}",
                r.path.join("."),
                first.id,
                first.feature,
                other.id,
                other.feature
            ),
        ));
    }
    let mut features = std::collections::BTreeSet::new();
    for c in all
        .iter()
        .filter(|c| c.client == r.client && c.path.starts_with(&r.path))
    {
        for op in &c.ops {
            match &op.feature {
                None => return Ok(Vec::new()),
                Some(f) => {
                    features.insert(f.clone());
                }
            }
        }
    }
    Ok(features.into_iter().collect())
}

fn struct_name(client: Client, path: &[String]) -> proc_macro2::Ident {
    let prefix = if client == Client::Admin { "Admin" } else { "" };
    let joined: String = path.iter().map(|s| s.to_upper_camel_case()).collect();
    format_ident!("{prefix}{joined}Api")
}

fn client_type(client: Client) -> TokenStream {
    match client {
        Client::Api => quote!(crate::Client),
        Client::Admin => quote!(crate::AdminClient),
    }
}

pub fn emit_resources(ir: &Ir) -> Result<Vec<GeneratedFile>, Error> {
    // Every resource path that has an operation, plus its ancestors, in first-seen order.
    let mut resources: Vec<Resource> = Vec::new();
    for op in &ir.operations {
        for depth in 1..=op.resource.len() {
            let path = op.resource[..depth].to_vec();
            if !resources
                .iter()
                .any(|r| r.client == op.client && r.path == path)
            {
                resources.push(Resource {
                    client: op.client,
                    path,
                    ops: Vec::new(),
                });
            }
        }
        let r = resources
            .iter_mut()
            .find(|r| r.client == op.client && r.path == op.resource)
            .expect("inserted above");
        r.ops.push(op);
    }

    let mut files = Vec::new();
    let mut mod_items = TokenStream::new();
    // The client accessors, grouped by client and by the features they are compiled under
    // (one impl block each, so that a client type that is itself gated is only named under
    // its feature).
    let mut accessors: Vec<(Client, Vec<String>, TokenStream)> = Vec::new();
    let mut tops: Vec<(Client, String)> = Vec::new();
    for r in &resources {
        if r.path.len() == 1 {
            tops.push((r.client, r.path[0].clone()));
        }
    }
    let mut page_impls_done: BTreeSet<String> = BTreeSet::new();
    for (client, top) in &tops {
        let file_stem = match client {
            Client::Api => top.clone(),
            Client::Admin => format!("admin_{top}"),
        };
        let mut items = TokenStream::new();
        for r in resources
            .iter()
            .filter(|r| r.client == *client && &r.path[0] == top)
        {
            items.extend(emit_resource(ir, r, &resources, &mut page_impls_done)?);
        }
        let m = ident(&file_stem);
        let top_resource = resources
            .iter()
            .find(|r| r.client == *client && r.path.len() == 1 && &r.path[0] == top)
            .expect("tops are resources");
        let features = resource_features(top_resource, &resources)?;
        let gate = cfg::attr(&features);
        mod_items.extend(quote!(#gate mod #m; #gate pub use self::#m::*;));
        let name = struct_name(*client, std::slice::from_ref(top));
        let acc = ident(top);
        let d = doc_attrs(&format!("The `{top}` operations."));
        let accessor = quote! {
            #d
            pub fn #acc(&self) -> #name<'_> {
                #name { client: self }
            }
        };
        match accessors
            .iter_mut()
            .find(|(c, f, _)| c == client && *f == features)
        {
            Some((_, _, tokens)) => tokens.extend(accessor),
            None => accessors.push((*client, features, accessor)),
        }
        let path = format!("resources/{file_stem}.rs");
        let who = if *client == Client::Admin {
            "admin client's "
        } else {
            ""
        };
        let doc = format!("The {who}`{top}` operations.");
        let tokens = quote! {
            #[allow(unused_imports)]
            use crate::types::*;
            #items
        };
        files.push(GeneratedFile {
            contents: crate::format::format_file(&path, &doc, tokens)?,
            path,
        });
    }
    let mut root = mod_items;
    for (client, features, tokens) in &accessors {
        let gate = cfg::attr(features);
        let client_ty = client_type(*client);
        root.extend(quote!(#gate impl #client_ty { #tokens }));
    }
    files.push(GeneratedFile {
        contents: crate::format::format_file(
            "resources/mod.rs",
            "Endpoint methods, grouped by resource as in the official SDKs.",
            root,
        )?,
        path: "resources/mod.rs".into(),
    });
    Ok(files)
}

fn emit_resource(
    ir: &Ir,
    r: &Resource,
    all: &[Resource],
    page_impls_done: &mut BTreeSet<String>,
) -> Result<TokenStream, Error> {
    let name = struct_name(r.client, &r.path);
    let client_ty = client_type(r.client);
    let dotted = r.path.join(".");
    let doc = doc_attrs(&format!(
        "The `{dotted}` operations. Get one from the client; it borrows the client."
    ));
    let own_features = resource_features(r, all)?;
    let children = all.iter().filter(|c| {
        c.client == r.client && c.path.len() == r.path.len() + 1 && c.path.starts_with(&r.path)
    });
    let mut child_accessors = Vec::new();
    for c in children {
        let child = struct_name(c.client, &c.path);
        let last = c.path.last().expect("non-empty");
        let acc = ident(last);
        let d = doc_attrs(&format!("The `{}` operations.", c.path.join(".")));
        // A child gated as its parent is needs no cfg of its own.
        let child_features = resource_features(c, all)?;
        let gate = if child_features == own_features {
            TokenStream::new()
        } else {
            cfg::attr(&child_features)
        };
        child_accessors.push(quote! {
            #d
            #gate
            pub fn #acc(&self) -> #child<'a> {
                #child { client: self.client }
            }
        });
    }
    let mut methods = TokenStream::new();
    let mut extra_impls = TokenStream::new();
    for op in &r.ops {
        methods.extend(emit_methods(ir, op, &name)?);
        if let Some(p) = &op.pagination {
            // Several lists may return the same page type (a membership listed from both of
            // its sides): its impl is written once, each parameter type's once.
            let params_new = page_impls_done.insert(format!(
                "params {}",
                op.params_struct.clone().unwrap_or_default()
            ));
            let page_new = page_impls_done.insert(format!("page {}", p.page_ty));
            extra_impls.extend(emit_page_impls(ir, op, params_new, page_new)?);
        }
    }
    let tokens = quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #name<'a> {
            pub(crate) client: &'a #client_ty,
        }

        impl<'a> #name<'a> {
            #(#child_accessors)*
            #methods
        }

        #extra_impls
    };
    // The file of a top-level resource is gated as a whole (its `mod` line); a resource in it
    // gated otherwise is gated item by item.
    let file_features = match all
        .iter()
        .find(|t| t.client == r.client && t.path.len() == 1 && t.path[0] == r.path[0])
    {
        Some(top) => resource_features(top, all)?,
        None => Vec::new(),
    };
    if own_features == file_features {
        Ok(tokens)
    } else {
        cfg::gate(tokens, &own_features)
    }
}

fn http_method(m: HttpMethod) -> TokenStream {
    match m {
        HttpMethod::Get => quote!(reqwest::Method::GET),
        HttpMethod::Post => quote!(reqwest::Method::POST),
        HttpMethod::Put => quote!(reqwest::Method::PUT),
        HttpMethod::Patch => quote!(reqwest::Method::PATCH),
        HttpMethod::Delete => quote!(reqwest::Method::DELETE),
    }
}

/// How the built request is left for the code that follows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Built {
    /// `request: Request`; a body encoding error returns early with `?`.
    Request,
    /// `request: crate::Result<Request>`, for a `Call`, which reports errors when awaited.
    Result,
}

/// Builds `let request = …;` for an operation: path, query, headers, betas and body.
fn request_tokens(ir: &Ir, op: &Operation, built: Built) -> Result<TokenStream, Error> {
    let method = http_method(op.http_method);
    // The literal pieces of the path template around its `{param}`s: one more than the
    // parameters (the last may be empty).
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        pieces.push(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e + 1)
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    pieces.push(rest);
    let path_expr = if op.path_params.is_empty() {
        let path = &op.path;
        quote!(#path.to_string())
    } else {
        let params = op.path_params.iter().map(|p| ident(&p.ident));
        quote!(crate::runtime::encode_path(&[#(#pieces),*], &[#(#params),*]))
    };

    let mut build = quote! {
        let request = crate::runtime::Request::new(#method, #path_expr);
    };
    let query_params: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    if !query_params.is_empty() {
        let pushes = query_params.iter().map(|p| {
            let fi = ident(&p.ident);
            let w = &p.wire;
            match (&p.ty, p.required) {
                (TypeRef::Vec(_), true) => quote!(query.push_each(#w, &params.#fi);),
                (TypeRef::Vec(_), false) => quote! {
                    if let Some(values) = &params.#fi {
                        query.push_each(#w, values);
                    }
                },
                (_, true) => quote!(query.push(#w, &params.#fi);),
                (_, false) => quote!(query.push_opt(#w, &params.#fi);),
            }
        });
        build.extend(quote! {
            let mut query = crate::runtime::Query::new();
            #(#pushes)*
            let request = request.query(query);
        });
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let fi = ident(&p.ident);
        let w = &p.wire;
        if matches!(p.ty, TypeRef::Vec(_)) {
            return Err(Error::new(
                &op.origin,
                format!("header parameter `{w}` cannot be an array"),
            ));
        }
        build.extend(if p.required {
            quote!(let request = request.header(#w, crate::runtime::QueryValue::to_query_value(&params.#fi));)
        } else {
            quote! {
                let request = match &params.#fi {
                    Some(value) => request.header(#w, crate::runtime::QueryValue::to_query_value(value)),
                    None => request,
                };
            }
        });
    }
    if !op.betas.is_empty() {
        let betas = &op.betas;
        build.extend(quote!(let request = request.betas(&[#(#betas),*]);));
    }
    match op.auth {
        Auth::Any => {}
        Auth::Key => {
            build.extend(quote!(let request = request.auth(crate::runtime::Auth::Key);));
        }
        Auth::Bearer => {
            build.extend(quote!(let request = request.auth(crate::runtime::Auth::Bearer);));
        }
    }
    if let Some(Body::Json { ty }) = &op.body
        && ir.carries_betas(ty)
    {
        // Parts of the body (a file source, say) need betas of their own.
        build.extend(quote!(let request = request.body_betas(&body);));
    }
    match &op.body {
        None => {}
        Some(Body::Json { .. }) if built == Built::Result => {
            build.extend(quote!(let request = request.json_body(&body);));
            return Ok(build);
        }
        Some(Body::Json { .. }) => build.extend(quote!(let request = request.json_body(&body)?;)),
        Some(Body::Multipart) => {
            let mut parts = quote!(let form = crate::runtime::Multipart::new(););
            for p in op.params.iter() {
                let fi = ident(&p.ident);
                let w = &p.wire;
                let part = match p.location {
                    ParamLocation::FormFile => quote!(form.file(#w, value)),
                    ParamLocation::FormField => {
                        quote!(form.text(#w, crate::runtime::QueryValue::to_query_value(&value)))
                    }
                    _ => continue,
                };
                if matches!(p.ty, TypeRef::Vec(_)) {
                    return Err(Error::new(
                        &op.origin,
                        format!("form field `{w}` cannot be an array"),
                    ));
                }
                parts.extend(if p.required {
                    quote!(let form = { let value = params.#fi; #part };)
                } else {
                    quote!(let form = match params.#fi { Some(value) => #part, None => form };)
                });
            }
            build.extend(quote! {
                #parts
                let request = request.multipart_body(form);
            });
        }
    }
    if built == Built::Result {
        build.extend(quote!(let request: crate::Result<crate::runtime::Request> = Ok(request);));
    }
    Ok(build)
}

/// The methods of one operation.
///
/// The methods that are not `async fn` are `#[inline]`. What they compile down to (encoding the
/// request body, and through the `Call` or page stream they return, decoding the response) is
/// then compiled in the program that calls them, as an `async fn`'s body is, and not in this
/// crate: a program compiles the encoders and decoders of the endpoints it uses, not of all of
/// them (see BENCHMARKS.md, section 2).
fn emit_methods(
    ir: &Ir,
    op: &Operation,
    resource: &proc_macro2::Ident,
) -> Result<TokenStream, Error> {
    let method = ident(&op.method_name);
    let route = format!("`{} {}`", HttpMethod::as_str(op.http_method), op.path);
    let mut doc_text = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", op.id));
    if let Some(d) = &op.doc {
        doc_text.push_str("\n\n");
        doc_text.push_str(d);
    }
    doc_text.push_str(&format!("\n\n{route}"));
    if !op.betas.is_empty() {
        doc_text.push_str(&format!(
            " (sends the beta header `{}`)",
            op.betas.join(",")
        ));
    }
    doc_text.push('.');
    match op.auth {
        Auth::Any => {}
        Auth::Key => doc_text.push_str(
            "\n\nAccepts only an admin key: a client holding only an OAuth token fails \
             with `Error::Config` before sending.",
        ),
        Auth::Bearer => doc_text.push_str(
            "\n\nAccepts only an OAuth bearer token with the `org:admin` scope, not an admin \
             key: a client without a token fails with `Error::Config` before sending.",
        ),
    }

    // Arguments: path parameters, then the parameter struct, then the body.
    let mut args = Vec::new();
    for p in &op.path_params {
        let pi = ident(&p.ident);
        args.push(quote!(#pi: &str));
    }
    if let Some(ps) = &op.params_struct {
        let ps = ident(ps);
        args.push(quote!(params: #ps));
    }
    let body_ty = match &op.body {
        Some(Body::Json { ty }) => {
            let t = type_tokens(ty);
            args.push(quote!(body: #t));
            true
        }
        _ => false,
    };
    let build = request_tokens(ir, op, Built::Request)?;
    let build_call = request_tokens(ir, op, Built::Result)?;
    let guard = match &op.nonstreaming_guard {
        Some(field) => {
            let f = ident(field);
            quote! {
                let request = match self.client.core().check_nonstreaming(body.#f) {
                    Ok(()) => request,
                    Err(e) => Err(e),
                };
            }
        }
        None => quote!(),
    };
    let mut out = TokenStream::new();

    match &op.response {
        Response::Json(ty) => {
            let t = type_tokens(ty);
            let d = doc_attrs(&format!(
                "{doc_text}\n\nAwait the returned call for the decoded body, or use `.with_response()` for the status, headers and request id as well."
            ));
            out.extend(quote! {
                #d
                #[inline]
                pub fn #method(&self, #(#args),*) -> crate::runtime::Call<#t> {
                    #build_call
                    #guard
                    crate::runtime::Call::new(self.client.core().clone(), request)
                }
            });
        }
        Response::Jsonl(ty) => {
            let t = type_tokens(ty);
            let d = doc_attrs(&format!(
                "{doc_text}\n\nThe body is JSON Lines; the stream decodes it one line at a time as it arrives."
            ));
            out.extend(quote! {
                #d
                pub async fn #method(&self, #(#args),*) -> crate::Result<crate::runtime::JsonlStream<#t>> {
                    #build
                    self.client.core().send_jsonl(request).await
                }
            });
        }
        Response::Binary => {
            let d = doc_attrs(&format!(
                "{doc_text}\n\nReturns the body as a stream of byte chunks."
            ));
            out.extend(quote! {
                #d
                pub async fn #method(&self, #(#args),*) -> crate::Result<crate::runtime::ByteStream> {
                    #build
                    self.client.core().send_bytes(request).await
                }
            });
        }
        Response::Sse { json, event } => {
            let flag_wire = op.stream_flag.as_deref().unwrap_or("stream");
            let flag = ident(&crate::names::field_name(flag_wire));
            if !body_ty {
                return Err(Error::new(
                    &op.origin,
                    "a streaming operation needs a JSON body",
                ));
            }
            let j = type_tokens(json);
            let e = type_tokens(event);
            let stream_method = format_ident!("{}_stream", op.method_name);
            let d = doc_attrs(&format!(
                "{doc_text}\n\nWaits for the whole response; see `{stream_method}` for server-sent events."
            ));
            let ds = doc_attrs(&format!(
                "{doc_text}\n\nStreams the response as server-sent events, decoded into typed events as bytes arrive."
            ));
            out.extend(quote! {
                #d
                #[inline]
                pub fn #method(&self, #(#args),*) -> crate::runtime::Call<#j> {
                    let mut body = body;
                    body.#flag = None;
                    body.extra.remove(#flag_wire);
                    #build_call
                    #guard
                    crate::runtime::Call::new(self.client.core().clone(), request)
                }

                #ds
                pub async fn #stream_method(&self, #(#args),*) -> crate::Result<crate::runtime::SseStream<#e>> {
                    let mut body = body;
                    body.#flag = Some(true);
                    body.extra.remove(#flag_wire);
                    #build
                    self.client.core().send_sse(request).await
                }
            });
        }
        Response::Empty => {
            return Err(Error::new(
                &op.origin,
                "operations without a response body are not supported yet",
            ));
        }
    }

    if let Some(p) = &op.pagination {
        let stream_method = format_ident!("{}_stream", op.method_name);
        let item = type_tokens(&p.item_ty);
        let ps = ident(
            op.params_struct
                .as_deref()
                .expect("pagination needs parameters"),
        );
        let path_args: Vec<_> = op.path_params.iter().map(|p| ident(&p.ident)).collect();
        let path_decls = path_args.iter().map(|a| quote!(#a: &str));
        let owned = path_args.iter().map(|a| quote!(let #a = #a.to_string();));
        let clones = path_args.iter().map(|a| quote!(let #a = #a.clone();));
        let call_args = path_args.iter().map(|a| quote!(&#a));
        let driver = match p.style {
            PageStyle::Cursor => quote!(crate::runtime::page::cursor_stream),
            PageStyle::Page => quote!(crate::runtime::page::page_stream),
        };
        let direction = match p.style {
            PageStyle::Cursor => "Starting from `before_id` alone pages backwards.",
            PageStyle::Page => "Pages follow `next_page`.",
        };
        let d = doc_attrs(&format!(
            "Every item of `{}`, fetching further pages lazily as the stream is polled. {direction}",
            op.method_name
        ));
        out.extend(quote! {
            #d
            #[inline]
            pub fn #stream_method(&self, #(#path_decls,)* params: #ps) -> crate::runtime::PageStream<#item> {
                let client = self.client.clone();
                #(#owned)*
                #driver(params, move |params| {
                    let client = client.clone();
                    #(#clones)*
                    async move { #resource { client: &client }.#method(#(#call_args,)* params).await }
                })
            }
        });
    }
    Ok(out)
}

/// The pagination impls of `op`'s parameter type (when `with_params`) and of its page type
/// (when `with_page`).
fn emit_page_impls(
    ir: &Ir,
    op: &Operation,
    with_params: bool,
    with_page: bool,
) -> Result<TokenStream, Error> {
    let p = op.pagination.as_ref().expect("caller checked");
    let page = ir
        .type_def(&p.page_ty)
        .ok_or_else(|| Error::new(&op.origin, "page type missing"))?;
    let TypeKind::Struct(s) = &page.kind else {
        return Err(Error::new(&op.origin, "page type must be an object"));
    };
    let field = |wire: &str| s.fields.iter().find(|f| f.wire == wire);
    let params_ty = ident(
        op.params_struct
            .as_deref()
            .expect("pagination needs parameters"),
    );
    let page_ty = ident(&p.page_ty);
    let item = type_tokens(&p.item_ty);
    let items = ident(&p.items_field);
    let items_expr = if field_is_option(s, &p.items_field) {
        quote!(self.#items.unwrap_or_default())
    } else {
        quote!(self.#items)
    };
    let str_field = |wire: &str| {
        let f = field(wire).expect("checked in IR");
        let fi = ident(&f.ident);
        if f.is_option() {
            quote!(self.#fi.as_deref())
        } else {
            quote!(Some(self.#fi.as_str()))
        }
    };
    // A page-token list without `has_more` has more exactly while `next_page` is set.
    let has_more = match field("has_more") {
        Some(f) if f.is_option() => quote!(self.has_more.unwrap_or(false)),
        Some(_) => quote!(self.has_more),
        None => {
            let next = str_field("next_page");
            quote!(#next.is_some())
        }
    };
    let (params_impl, page_impl) = match p.style {
        PageStyle::Cursor => {
            let first = str_field("first_id");
            let last = str_field("last_id");
            let param_ident = |wire: &str| {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.wire == wire)
                    .expect("checked in IR");
                ident(&p.ident)
            };
            let after = param_ident("after_id");
            let before = param_ident("before_id");
            let params_impl = quote! {
                impl crate::runtime::page::CursorParams for #params_ty {
                    fn after_id(&self) -> Option<&str> { self.#after.as_deref() }
                    fn before_id(&self) -> Option<&str> { self.#before.as_deref() }
                    fn set_after_id(&mut self, value: Option<String>) { self.#after = value; }
                    fn set_before_id(&mut self, value: Option<String>) { self.#before = value; }
                }
            };
            let page_impl = quote! {
                impl crate::runtime::page::CursorPage for #page_ty {
                    type Item = #item;
                    fn has_more(&self) -> bool { #has_more }
                    fn first_id(&self) -> Option<&str> { #first }
                    fn last_id(&self) -> Option<&str> { #last }
                    fn into_items(self) -> Vec<#item> { #items_expr }
                }
            };
            (params_impl, page_impl)
        }
        PageStyle::Page => {
            let next = str_field("next_page");
            let page_param = {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.wire == "page")
                    .expect("checked in IR");
                ident(&p.ident)
            };
            let params_impl = quote! {
                impl crate::runtime::page::PageParams for #params_ty {
                    fn set_page(&mut self, value: Option<String>) { self.#page_param = value; }
                }
            };
            let page_impl = quote! {
                impl crate::runtime::page::TokenPage for #page_ty {
                    type Item = #item;
                    fn has_more(&self) -> bool { #has_more }
                    fn next_page(&self) -> Option<&str> { #next }
                    fn into_items(self) -> Vec<#item> { #items_expr }
                }
            };
            (params_impl, page_impl)
        }
    };
    let mut out = TokenStream::new();
    if with_params {
        out.extend(params_impl);
    }
    if with_page {
        out.extend(page_impl);
    }
    Ok(out)
}

fn field_is_option(s: &crate::ir::StructDef, ident_name: &str) -> bool {
    s.fields
        .iter()
        .any(|f| f.ident == ident_name && f.is_option())
}
