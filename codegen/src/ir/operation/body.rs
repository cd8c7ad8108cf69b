//! The request body: a JSON value of one type, or a multipart form whose properties become
//! fields of the operation's parameter struct (text fields and files).

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr, RequestBody, Schema, SchemaKind, Type};

use super::params::check_param_type;
use super::{Body, Param, ParamLocation};
use crate::Error;
use crate::error::pointer_segment;
use crate::ir::TypeRef;
use crate::ir::schema::TypeBuilder;
use crate::names::field_name;

/// Reads the request body, which must have exactly one media type: `application/json` or
/// `multipart/form-data`. The fields of a multipart form are appended to `params`.
pub(super) fn build_body(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    rb: &ReferenceOr<RequestBody>,
    params_name: &str,
    params: &mut Vec<Param>,
    ptr: &str,
) -> Result<Body, Error> {
    let rb = resolve_request_body(spec, rb, ptr)?;
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
        "application/json" => json_body(types, schema, params_name, &schema_ptr),
        "multipart/form-data" => multipart_body(types, schema, params_name, params, &schema_ptr),
        other => Err(Error::new(
            ptr,
            format!("request media type `{other}` is not supported"),
        )),
    }
}

/// The body itself, following a `#/components/requestBodies/…` reference.
fn resolve_request_body<'s>(
    spec: &'s OpenAPI,
    rb: &'s ReferenceOr<RequestBody>,
    ptr: &str,
) -> Result<&'s RequestBody, Error> {
    match rb {
        ReferenceOr::Item(rb) => Ok(rb),
        ReferenceOr::Reference { reference } => {
            let key = reference
                .strip_prefix("#/components/requestBodies/")
                .unwrap_or_default();
            match spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(key))
            {
                Some(ReferenceOr::Item(rb)) => Ok(rb),
                _ => Err(Error::new(ptr, format!("`{reference}` does not resolve"))),
            }
        }
    }
}

/// A JSON body: a referenced schema, or an inline one that becomes a type named after the
/// operation with a `Body` suffix.
fn json_body(
    types: &mut TypeBuilder,
    schema: &ReferenceOr<Schema>,
    params_name: &str,
    schema_ptr: &str,
) -> Result<Body, Error> {
    let ty = match schema {
        ReferenceOr::Reference { reference } => {
            TypeRef::Named(types.resolve_name(reference, schema_ptr)?)
        }
        ReferenceOr::Item(s) => {
            let name = params_name.trim_end_matches("Params").to_string() + "Body";
            types.inline_ref(s, &name, schema_ptr)?.0
        }
    };
    Ok(Body::Json { ty })
}

/// A multipart form, written inline as an object: each property becomes a parameter, a file
/// when its type is binary, a text field otherwise.
fn multipart_body(
    types: &mut TypeBuilder,
    schema: &ReferenceOr<Schema>,
    params_name: &str,
    params: &mut Vec<Param>,
    schema_ptr: &str,
) -> Result<Body, Error> {
    let ReferenceOr::Item(s) = schema else {
        return Err(Error::new(
            schema_ptr,
            "write a multipart schema inline, as an object",
        ));
    };
    let SchemaKind::Type(Type::Object(obj)) = &s.schema_kind else {
        return Err(Error::new(
            schema_ptr,
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
