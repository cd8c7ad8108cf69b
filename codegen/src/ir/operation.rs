//! Paths and operations → [`Operation`]s.

use heck::ToUpperCamelCase;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, SchemaKind, StatusCode,
    Type,
};

use super::schema::TypeBuilder;
use super::{ParamsDef, StructDef, TypeKind, TypeRef};
use crate::Error;
use crate::error::pointer_segment;
use crate::names::{field_name, type_name};

/// Which generated client an operation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    /// `Client`, authenticated with an API key.
    Api,
    /// `AdminClient`, authenticated with an admin key.
    Admin,
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
    /// `page` → `next_page` / `has_more`.
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

pub fn build_operations(spec: &OpenAPI, types: &mut TypeBuilder) -> Result<Vec<Operation>, Error> {
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
            let built = build_operation(spec, types, path, method, &item.parameters, op, &ptr)?;
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

fn build_operation(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    path: &str,
    method: &str,
    path_level: &[ReferenceOr<Parameter>],
    op: &openapiv3::Operation,
    ptr: &str,
) -> Result<Operation, Error> {
    let id = op.operation_id.clone().ok_or_else(|| {
        Error::new(
            ptr,
            "every operation needs an operationId (`resource.method`)",
        )
    })?;
    let segments: Vec<String> = id.split('.').map(str::to_string).collect();
    let well_formed = segments.len() >= 2
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
    if !well_formed {
        return Err(Error::new(
            format!("{ptr}/operationId"),
            format!("`{id}` must be dot-separated snake_case segments: `resource[.sub].method`"),
        ));
    }
    let method_name = segments[segments.len() - 1].clone();
    let resource = segments[..segments.len() - 1].to_vec();
    let http_method = match method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        other => {
            return Err(Error::new(
                ptr,
                format!("HTTP method `{other}` is not supported"),
            ));
        }
    };
    let client = client_of(spec, op, ptr)?;
    let params_name = type_name(&format!("{}_{}_params", resource.join("_"), method_name));

    // Parameters: path-level first, overridden by operation-level ones with the same name.
    let mut path_params = Vec::new();
    let mut params = Vec::new();
    let mut all: Vec<(&ReferenceOr<Parameter>, String)> = Vec::new();
    for (i, p) in path_level.iter().enumerate() {
        all.push((
            p,
            format!("#/paths/{}/parameters/{i}", pointer_segment(path)),
        ));
    }
    for (i, p) in op.parameters.iter().enumerate() {
        all.push((p, format!("{ptr}/parameters/{i}")));
    }
    for (p, p_ptr) in all {
        let (param, p_ptr) = resolve_parameter(spec, p, &p_ptr)?;
        let data = param.parameter_data_ref();
        if data
            .extensions
            .get("x-client-managed")
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            continue;
        }
        let location = match param {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                return Err(Error::new(&p_ptr, "cookie parameters are not supported"));
            }
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                TypeRef::Named(types.resolve_name(reference, &p_ptr)?)
            }
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                let ctx = format!(
                    "{params_name}{}",
                    field_name(&data.name).to_upper_camel_case()
                );
                types.inline_ref(s, &ctx, &format!("{p_ptr}/schema"))?.0
            }
            ParameterSchemaOrContent::Content(_) => {
                return Err(Error::new(
                    &p_ptr,
                    "parameters with `content` are not supported; use `schema`",
                ));
            }
        };
        check_param_type(&ty, &p_ptr)?;
        let built = Param {
            wire: data.name.clone(),
            ident: field_name(&data.name),
            location,
            ty,
            required: data.required,
            doc: data.description.clone(),
        };
        let list = if location == ParamLocation::Path {
            &mut path_params
        } else {
            &mut params
        };
        list.retain(|q: &Param| !(q.wire == built.wire && q.location == built.location));
        list.push(built);
    }
    // Path parameters in template order, and every placeholder covered.
    let placeholders: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect();
    let mut ordered = Vec::new();
    for name in &placeholders {
        let p = path_params
            .iter()
            .find(|p| p.wire == *name)
            .ok_or_else(|| {
                Error::new(
                    ptr,
                    format!("path placeholder `{{{name}}}` has no path parameter"),
                )
            })?;
        if !p.required {
            return Err(Error::new(
                ptr,
                format!("path parameter `{name}` must be required"),
            ));
        }
        ordered.push(p.clone());
    }
    if let Some(extra) = path_params
        .iter()
        .find(|p| !placeholders.contains(&p.wire.as_str()))
    {
        return Err(Error::new(
            ptr,
            format!("path parameter `{}` is not in the path", extra.wire),
        ));
    }

    let body = match &op.request_body {
        None => None,
        Some(rb) => Some(build_body(
            spec,
            types,
            rb,
            &params_name,
            &mut params,
            &format!("{ptr}/requestBody"),
        )?),
    };
    let response = build_response(types, op, &params_name, ptr)?;

    let ext = &op.extensions;
    let betas = match ext.get("x-anthropic-beta") {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|b| b.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                Error::new(
                    format!("{ptr}/x-anthropic-beta"),
                    "must be a list of strings",
                )
            })?,
    };
    let stream_flag = match ext.get("x-stream-flag") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .ok_or_else(|| Error::new(format!("{ptr}/x-stream-flag"), "must be a string"))?
                .to_string(),
        ),
    };
    match (&stream_flag, &response) {
        (Some(_), Response::Sse { .. }) => {}
        (Some(_), _) => {
            return Err(Error::new(
                ptr,
                "x-stream-flag needs a 200 response with both application/json and text/event-stream",
            ));
        }
        (None, Response::Sse { .. }) => {
            return Err(Error::new(
                ptr,
                "a text/event-stream response needs x-stream-flag naming the body property that turns it on",
            ));
        }
        (None, _) => {}
    }
    if let Some(flag) = &stream_flag {
        let Some(Body::Json {
            ty: TypeRef::Named(body_ty),
        }) = &body
        else {
            return Err(Error::new(
                ptr,
                "x-stream-flag needs a JSON body of a named object type",
            ));
        };
        let has_flag = struct_of(types, body_ty).is_some_and(|s| {
            s.fields
                .iter()
                .any(|f| &f.wire == flag && f.ty == TypeRef::Bool && !f.required)
        });
        if !has_flag {
            return Err(Error::new(
                ptr,
                format!(
                    "x-stream-flag `{flag}` must be an optional boolean property of `{body_ty}`"
                ),
            ));
        }
    }

    let nonstreaming_guard = match ext.get("x-nonstreaming-guard") {
        None => None,
        Some(v) => {
            let g_ptr = format!("{ptr}/x-nonstreaming-guard");
            let prop = v
                .as_str()
                .ok_or_else(|| Error::new(&g_ptr, "must name a body property"))?;
            let Some(Body::Json {
                ty: TypeRef::Named(body_ty),
            }) = &body
            else {
                return Err(Error::new(
                    &g_ptr,
                    "needs a JSON body of a named object type",
                ));
            };
            let field = struct_of(types, body_ty)
                .and_then(|s| s.fields.iter().find(|f| f.wire == prop))
                .filter(|f| f.required && !f.nullable && f.ty == TypeRef::Integer)
                .ok_or_else(|| {
                    Error::new(
                        &g_ptr,
                        format!("`{prop}` must be a required integer property of `{body_ty}`"),
                    )
                })?;
            Some(field.ident.clone())
        }
    };

    let params_struct = if params.is_empty() {
        None
    } else {
        types.push(
            params_name.clone(),
            Some(format!("Parameters of `{id}`.")),
            ptr,
            TypeKind::Params(ParamsDef {
                params: params.clone(),
            }),
        );
        Some(params_name)
    };
    let pagination = match ext.get("x-pagination") {
        None => None,
        Some(v) => Some(build_pagination(
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
        resource,
        method_name,
        http_method,
        path: path.to_string(),
        path_params: ordered,
        params_struct,
        params,
        body,
        response,
        betas,
        pagination,
        stream_flag,
        nonstreaming_guard,
        summary: op.summary.clone(),
        doc: op.description.clone(),
        origin: ptr.to_string(),
    })
}

fn client_of(spec: &OpenAPI, op: &openapiv3::Operation, ptr: &str) -> Result<Client, Error> {
    let requirements = op.security.as_ref().or(spec.security.as_ref());
    let schemes: Vec<&String> = requirements
        .map(|r| r.iter().flat_map(|req| req.keys()).collect())
        .unwrap_or_default();
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    for s in &schemes {
        if !declared.is_some_and(|d| d.contains_key(s.as_str())) {
            return Err(Error::new(
                ptr,
                format!("security scheme `{s}` is not declared in components/securitySchemes"),
            ));
        }
    }
    match (
        schemes.iter().any(|s| *s == "AdminKeyAuth"),
        schemes.iter().any(|s| *s == "ApiKeyAuth"),
    ) {
        (true, false) => Ok(Client::Admin),
        (false, true) => Ok(Client::Api),
        (true, true) => Err(Error::new(
            ptr,
            "an operation takes either ApiKeyAuth or AdminKeyAuth, not both",
        )),
        (false, false) => Err(Error::new(
            ptr,
            "an operation needs ApiKeyAuth or AdminKeyAuth security",
        )),
    }
}

fn resolve_parameter<'s>(
    spec: &'s OpenAPI,
    p: &'s ReferenceOr<Parameter>,
    ptr: &str,
) -> Result<(&'s Parameter, String), Error> {
    match p {
        ReferenceOr::Item(p) => Ok((p, ptr.to_string())),
        ReferenceOr::Reference { reference } => {
            let key = reference
                .strip_prefix("#/components/parameters/")
                .ok_or_else(|| {
                    Error::new(
                        ptr,
                        format!("`{reference}` is not a components/parameters reference"),
                    )
                })?;
            match spec.components.as_ref().and_then(|c| c.parameters.get(key)) {
                Some(ReferenceOr::Item(p)) => Ok((
                    p,
                    format!("#/components/parameters/{}", pointer_segment(key)),
                )),
                _ => Err(Error::new(ptr, format!("`{reference}` does not resolve"))),
            }
        }
    }
}

fn check_param_type(ty: &TypeRef, ptr: &str) -> Result<(), Error> {
    let scalar = |t: &TypeRef| {
        matches!(
            t,
            TypeRef::Named(_)
                | TypeRef::String
                | TypeRef::Integer
                | TypeRef::Int32
                | TypeRef::Number
                | TypeRef::Bool
                | TypeRef::DateTime
                | TypeRef::Date
        )
    };
    let ok = match ty {
        TypeRef::Vec(inner) => scalar(inner),
        t => scalar(t),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ptr,
            "a parameter must be a scalar or an array of scalars",
        ))
    }
}

fn build_body(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    rb: &ReferenceOr<RequestBody>,
    params_name: &str,
    params: &mut Vec<Param>,
    ptr: &str,
) -> Result<Body, Error> {
    let rb = match rb {
        ReferenceOr::Item(rb) => rb,
        ReferenceOr::Reference { reference } => {
            let key = reference
                .strip_prefix("#/components/requestBodies/")
                .unwrap_or_default();
            match spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(key))
            {
                Some(ReferenceOr::Item(rb)) => rb,
                _ => return Err(Error::new(ptr, format!("`{reference}` does not resolve"))),
            }
        }
    };
    if rb.content.len() != 1 {
        return Err(Error::new(
            ptr,
            "a request body must have exactly one media type",
        ));
    }
    let (media, content) = rb.content.first().expect("checked: one entry");
    let schema_ptr = format!("{ptr}/content/{}/schema", pointer_segment(media));
    let schema = content
        .schema
        .as_ref()
        .ok_or_else(|| Error::new(&schema_ptr, "a request body needs a schema"))?;
    match media.as_str() {
        "application/json" => {
            let ty = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeRef::Named(types.resolve_name(reference, &schema_ptr)?)
                }
                ReferenceOr::Item(s) => {
                    let name = params_name.trim_end_matches("Params").to_string() + "Body";
                    types.inline_ref(s, &name, &schema_ptr)?.0
                }
            };
            Ok(Body::Json { ty })
        }
        "multipart/form-data" => {
            let ReferenceOr::Item(s) = schema else {
                return Err(Error::new(
                    &schema_ptr,
                    "write a multipart schema inline, as an object",
                ));
            };
            let SchemaKind::Type(Type::Object(obj)) = &s.schema_kind else {
                return Err(Error::new(
                    &schema_ptr,
                    "a multipart body must be an object schema",
                ));
            };
            for (name, prop) in &obj.properties {
                let prop_ptr = format!("{schema_ptr}/properties/{}", pointer_segment(name));
                let ctx = format!("{params_name}{}", field_name(name).to_upper_camel_case());
                let (ty, doc) = match prop {
                    ReferenceOr::Reference { reference } => (
                        TypeRef::Named(types.resolve_name(reference, &prop_ptr)?),
                        None,
                    ),
                    ReferenceOr::Item(p) => (
                        types.inline_ref(p, &ctx, &prop_ptr)?.0,
                        p.schema_data.description.clone(),
                    ),
                };
                let location = if ty == TypeRef::Binary {
                    ParamLocation::FormFile
                } else {
                    ParamLocation::FormField
                };
                if location == ParamLocation::FormField {
                    check_param_type(&ty, &prop_ptr)?;
                }
                params.push(Param {
                    wire: name.clone(),
                    ident: field_name(name),
                    location,
                    ty,
                    required: obj.required.contains(name),
                    doc,
                });
            }
            Ok(Body::Multipart)
        }
        other => Err(Error::new(
            ptr,
            format!("request media type `{other}` is not supported"),
        )),
    }
}

fn build_response(
    types: &mut TypeBuilder,
    op: &openapiv3::Operation,
    params_name: &str,
    ptr: &str,
) -> Result<Response, Error> {
    let success = op.responses.responses.iter().find(|(code, _)| match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    });
    let Some((code, resp)) = success else {
        return Err(Error::new(
            format!("{ptr}/responses"),
            "an operation needs a 2xx response",
        ));
    };
    let resp_ptr = format!("{ptr}/responses/{code}");
    let ReferenceOr::Item(resp) = resp else {
        return Err(Error::new(&resp_ptr, "write success responses inline"));
    };
    let base = params_name.trim_end_matches("Params").to_string();
    let mut schema_of = |media: &str, suffix: &str| -> Result<Option<TypeRef>, Error> {
        let Some(content) = resp.content.get(media) else {
            return Ok(None);
        };
        let s_ptr = format!("{resp_ptr}/content/{}/schema", pointer_segment(media));
        match &content.schema {
            None => Err(Error::new(&s_ptr, "a response media type needs a schema")),
            Some(ReferenceOr::Reference { reference }) => {
                Ok(Some(TypeRef::Named(types.resolve_name(reference, &s_ptr)?)))
            }
            Some(ReferenceOr::Item(s)) => Ok(Some(
                types.inline_ref(s, &format!("{base}{suffix}"), &s_ptr)?.0,
            )),
        }
    };
    for media in resp.content.keys() {
        if !matches!(
            media.as_str(),
            "application/json"
                | "text/event-stream"
                | "application/x-jsonl"
                | "application/octet-stream"
        ) {
            return Err(Error::new(
                &resp_ptr,
                format!("response media type `{media}` is not supported"),
            ));
        }
    }
    let json = schema_of("application/json", "Response")?;
    let sse = schema_of("text/event-stream", "Event")?;
    let jsonl = schema_of("application/x-jsonl", "Line")?;
    let binary = resp.content.contains_key("application/octet-stream");
    Ok(match (json, sse, jsonl, binary) {
        (Some(json), Some(event), None, false) => Response::Sse { json, event },
        (Some(json), None, None, false) => Response::Json(json),
        (None, None, Some(line), false) => Response::Jsonl(line),
        (None, None, None, true) => Response::Binary,
        (None, None, None, false) => Response::Empty,
        _ => {
            return Err(Error::new(
                &resp_ptr,
                "this combination of response media types is not supported",
            ));
        }
    })
}

fn struct_of<'t>(types: &'t TypeBuilder, name: &str) -> Option<&'t StructDef> {
    match &types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

fn build_pagination(
    types: &TypeBuilder,
    v: &serde_json::Value,
    params: &[Param],
    response: &Response,
    ptr: &str,
) -> Result<Pagination, Error> {
    let style = match v.get("style").and_then(|s| s.as_str()) {
        Some("cursor") => PageStyle::Cursor,
        Some("page") => PageStyle::Page,
        _ => return Err(Error::new(ptr, "`style` must be `cursor` or `page`")),
    };
    let items = v.get("items").and_then(|s| s.as_str()).ok_or_else(|| {
        Error::new(
            ptr,
            "`items` must name the response property that holds the items",
        )
    })?;
    let Response::Json(TypeRef::Named(page_ty)) = response else {
        return Err(Error::new(
            ptr,
            "a paginated operation must return a named JSON object",
        ));
    };
    let page = struct_of(types, page_ty)
        .ok_or_else(|| Error::new(ptr, format!("`{page_ty}` is not an object")))?;
    let field = |wire: &str| page.fields.iter().find(|f| f.wire == wire);
    let items_field = field(items)
        .ok_or_else(|| Error::new(ptr, format!("`{page_ty}` has no property `{items}`")))?;
    let TypeRef::Vec(item_ty) = &items_field.ty else {
        return Err(Error::new(
            ptr,
            format!("`{page_ty}.{items}` must be an array"),
        ));
    };
    let need_param = |wire: &str| {
        params
            .iter()
            .find(|p| {
                p.wire == wire
                    && p.location == ParamLocation::Query
                    && p.ty == TypeRef::String
                    && !p.required
            })
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(
                    ptr,
                    format!(
                        "{style:?} pagination needs an optional string query parameter `{wire}`"
                    ),
                )
            })
    };
    let need_field = |wire: &str, ty: TypeRef| {
        field(wire)
            .filter(|f| f.ty == ty)
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(
                    ptr,
                    format!("{style:?} pagination needs `{page_ty}.{wire}` of type {ty:?}"),
                )
            })
    };
    need_field("has_more", TypeRef::Bool)?;
    match style {
        PageStyle::Cursor => {
            need_param("after_id")?;
            need_param("before_id")?;
            need_field("first_id", TypeRef::String)?;
            need_field("last_id", TypeRef::String)?;
        }
        PageStyle::Page => {
            need_param("page")?;
            need_field("next_page", TypeRef::String)?;
        }
    }
    Ok(Pagination {
        style,
        items_field: items_field.ident.clone(),
        item_ty: (**item_ty).clone(),
        page_ty: page_ty.clone(),
    })
}
