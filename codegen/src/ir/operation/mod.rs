//! Paths and operations → [`Operation`]s.
//!
//! [`build_operations`] walks the paths; [`build_operation`] reads one operation by handing
//! each of its parts to the file that knows that part:
//!
//! - `identity`: the `operationId` (resource path and method name) and the HTTP method;
//! - `client`: which generated client the operation belongs to, from its security;
//! - `params`: path, query and header parameters, and the operation's parameter struct;
//! - `body`: the request body, JSON or a multipart form;
//! - `response`: what a success returns: JSON, server-sent events, JSON lines, bytes or nothing;
//! - `streaming`: `x-stream-flag` and `x-nonstreaming-guard`, checked against body and response;
//! - `pagination`: `x-pagination`, checked against the query parameters and the page type;
//! - `betas`: `x-anthropic-beta`.

mod body;
mod client;
mod identity;
mod pagination;
mod params;
mod response;
mod streaming;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use super::schema::TypeBuilder;
use super::{StructDef, TypeKind, TypeRef};
use crate::Error;
use crate::error::pointer_segment;
use crate::names::type_name;

/// Which generated client an operation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    /// `Client`, authenticated with an API key.
    Api,
    /// `AdminClient`, authenticated with an admin key.
    Admin,
}

/// Which of its client's credentials an operation accepts, from its `security`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Whichever the client holds (one scheme, or both admin schemes as alternatives).
    Any,
    /// Only the key in `x-api-key` (`AdminKeyAuth` alone).
    Key,
    /// Only an OAuth bearer token (`AdminOAuth` alone).
    Bearer,
}

/// HTTP methods the generator supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl HttpMethod {
    /// The method as written on the wire (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// One API operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// The client it is a method of.
    pub client: Client,
    /// The credentials it accepts.
    pub auth: Auth,
    /// The resource path (`["messages", "batches"]`).
    pub resource: Vec<String>,
    /// The method name (`list`).
    pub method_name: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template (`/v1/models/{model_id}`).
    pub path: String,
    /// Path parameters, in template order.
    pub path_params: Vec<Param>,
    /// The generated struct holding `params`, if there are any.
    pub params_struct: Option<String>,
    /// Query and header parameters and multipart fields.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What a success returns.
    pub response: Response,
    /// Betas always sent with this operation.
    pub betas: Vec<String>,
    /// The Cargo feature it is compiled under (`x-feature` of its tags or security schemes);
    /// `None`: always compiled.
    pub feature: Option<String>,
    /// Auto-pagination, if the operation lists pages.
    pub pagination: Option<Pagination>,
    /// The body property that switches to server-sent events.
    pub stream_flag: Option<String>,
    /// The Rust field of the body holding `max_tokens`, when a non-streaming call must be
    /// checked for taking too long (`x-nonstreaming-guard`).
    pub nonstreaming_guard: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Longer description.
    pub doc: Option<String>,
    /// Where in the document it is.
    pub origin: String,
}

impl Operation {
    /// The named types this operation mentions directly.
    pub fn referenced_types(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = &self.params_struct {
            out.push(p.clone());
        }
        for p in &self.path_params {
            p.ty.named(&mut out);
        }
        if let Some(Body::Json { ty }) = &self.body {
            ty.named(&mut out);
        }
        match &self.response {
            Response::Json(t) | Response::Jsonl(t) => t.named(&mut out),
            Response::Sse { json, event } => {
                json.named(&mut out);
                event.named(&mut out);
            }
            Response::Binary | Response::Empty => {}
        }
        out
    }
}

/// A non-body parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// The name on the wire (`group_by[]`).
    pub wire: String,
    /// The Rust name (`group_by`).
    pub ident: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// Where a parameter is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A text field of a multipart form.
    FormField,
    /// A file field of a multipart form.
    FormFile,
}

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    /// `application/json`.
    Json {
        /// The body type.
        ty: TypeRef,
    },
    /// `multipart/form-data`; the fields are in [`Operation::params`].
    Multipart,
}

/// What a successful call returns.
#[derive(Clone, Debug)]
pub enum Response {
    /// A JSON body.
    Json(TypeRef),
    /// A JSON body, or server-sent events when the stream flag is set.
    Sse {
        /// The whole-object response.
        json: TypeRef,
        /// One event's payload.
        event: TypeRef,
    },
    /// JSON lines, the type of one line.
    Jsonl(TypeRef),
    /// Raw bytes.
    Binary,
    /// No body.
    Empty,
}

/// How a list operation pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// `after_id` / `before_id` → `first_id` / `last_id` / `has_more`.
    Cursor,
    /// `page` → `next_page` (and `has_more`, when the page has it).
    Page,
}

/// Auto-pagination details.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The style.
    pub style: PageStyle,
    /// The Rust field of the page type that holds the items.
    pub items_field: String,
    /// The item type.
    pub item_ty: TypeRef,
    /// The page type.
    pub page_ty: String,
}

pub fn build_operations(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    declared: &super::features::Declared,
) -> Result<Vec<Operation>, Error> {
    let mut ops: Vec<Operation> = Vec::new();
    for (path, item) in &spec.paths.paths {
        let path_ptr = format!("#/paths/{}", pointer_segment(path));
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                return Err(Error::new(
                    &path_ptr,
                    "path item references are not supported",
                ));
            }
        };
        for (method, op) in item.iter() {
            let ptr = format!("{path_ptr}/{method}");
            let mut built = build_operation(spec, types, path, method, &item.parameters, op, &ptr)?;
            built.feature = declared.of_operation(spec, op, &ptr)?;
            if let Some(dup) = ops
                .iter()
                .find(|o| o.client == built.client && o.id == built.id)
            {
                return Err(Error::new(
                    &ptr,
                    format!("operationId `{}` is also used at {}", built.id, dup.origin),
                ));
            }
            ops.push(built);
        }
    }
    Ok(ops)
}

/// Reads one operation. The parts are read in a fixed order, which decides both which error
/// is reported first and the order in which inline schemas become types: parameters, body,
/// response, then the parameter struct.
fn build_operation(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    path: &str,
    method: &str,
    path_level: &[ReferenceOr<Parameter>],
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<Operation, Error> {
    let identity::Identity {
        id,
        resource,
        method_name,
    } = identity::identity(op, ptr)?;
    let http_method = identity::http_method(method, ptr)?;
    let (client, auth) = client::client_of(spec, op, ptr)?;
    // The base of the names given to this operation's own types: `…Params`, `…Body`,
    // `…Response` and so on.
    let params_name = type_name(&format!("{}_{}_params", resource.join("_"), method_name));

    let params::Parameters {
        path_params,
        mut params,
    } = params::parameters(spec, types, path, path_level, op, &params_name, ptr)?;
    let body = match &op.request_body {
        None => None,
        Some(rb) => Some(body::build_body(
            spec,
            types,
            rb,
            &params_name,
            &mut params,
            &format!("{ptr}/requestBody"),
        )?),
    };
    let response = response::build_response(types, op, &params_name, ptr)?;

    let ext = &op.extensions;
    let betas = super::betas::read(ext, ptr)?;
    let stream_flag = streaming::stream_flag(types, ext, body.as_ref(), &response, ptr)?;
    let nonstreaming_guard = streaming::nonstreaming_guard(types, ext, body.as_ref(), ptr)?;
    let params_struct = params::params_struct(types, &params, params_name, &id, ptr);
    let pagination = match ext.get("x-pagination") {
        None => None,
        Some(v) => Some(pagination::build_pagination(
            types,
            v,
            &params,
            &response,
            &format!("{ptr}/x-pagination"),
        )?),
    };

    Ok(Operation {
        id,
        client,
        auth,
        resource,
        method_name,
        http_method,
        path: path.to_string(),
        path_params,
        params_struct,
        params,
        body,
        response,
        betas,
        feature: None,
        pagination,
        stream_flag,
        nonstreaming_guard,
        summary: op.summary.clone(),
        doc: op.description.clone(),
        origin: ptr.to_string(),
    })
}

/// The struct definition of a named type, if it is a struct.
fn struct_of<'t>(types: &'t TypeBuilder, name: &str) -> Option<&'t StructDef> {
    match &types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

/// The named object type of a JSON body, the only kind of body the operation extensions can
/// point into.
fn json_body_type(body: Option<&Body>) -> Option<&str> {
    match body {
        Some(Body::Json {
            ty: TypeRef::Named(name),
        }) => Some(name),
        _ => None,
    }
}
