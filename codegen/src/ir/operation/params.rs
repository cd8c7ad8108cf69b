//! An operation's non-body parameters: path parameters (arguments of the generated method, in
//! the order of the path template), query and header parameters (fields of the operation's
//! parameter struct), and that struct itself.

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::{Param, ParamLocation};
use crate::Error;
use crate::error::pointer_segment;
use crate::ir::schema::TypeBuilder;
use crate::ir::{ParamsDef, TypeKind, TypeRef};
use crate::names::field_name;

/// The parameters of one operation, split by where they go.
pub(super) struct Parameters {
    /// Path parameters, in the order of the path template.
    pub path_params: Vec<Param>,
    /// Query and header parameters, in document order (the path item's first).
    pub params: Vec<Param>,
}

/// Reads the path item's parameters and then the operation's, an operation-level parameter
/// replacing a path-level one of the same name and location. Parameters marked
/// `x-client-managed` are left to the runtime and skipped. Inline parameter schemas become
/// types named after `params_name` and the parameter.
pub(super) fn parameters(
    spec: &OpenAPI,
    types: &mut TypeBuilder,
    path: &str,
    path_level: &[ReferenceOr<Parameter>],
    op: &openapiv3::Operation,
    params_name: &str,
    ptr: &str,
) -> Result<Parameters, Error> {
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
        let Some(built) = build_param(types, param, params_name, &p_ptr)? else {
            continue;
        };
        let list = if built.location == ParamLocation::Path {
            &mut path_params
        } else {
            &mut params
        };
        list.retain(|q: &Param| !(q.wire == built.wire && q.location == built.location));
        list.push(built);
    }
    Ok(Parameters {
        path_params: in_template_order(path, path_params, ptr)?,
        params,
    })
}

/// One parameter, or `None` when the runtime manages it (`x-client-managed: true`).
fn build_param(
    types: &mut TypeBuilder,
    param: &Parameter,
    params_name: &str,
    p_ptr: &str,
) -> Result<Option<Param>, Error> {
    let data = param.parameter_data_ref();
    if data
        .extensions
        .get("x-client-managed")
        .and_then(|v| v.as_bool())
        == Some(true)
    {
        return Ok(None);
    }
    let location = match param {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => {
            return Err(Error::new(p_ptr, "cookie parameters are not supported"));
        }
    };
    let ty = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
            TypeRef::Named(types.resolve_name(reference, p_ptr)?)
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
                p_ptr,
                "parameters with `content` are not supported; use `schema`",
            ));
        }
    };
    check_param_type(&ty, p_ptr)?;
    Ok(Some(Param {
        wire: data.name.clone(),
        ident: field_name(&data.name),
        location,
        ty,
        required: data.required,
        doc: data.description.clone(),
    }))
}

/// The path parameters in the order their placeholders appear in `path`. Every placeholder
/// needs a required path parameter, and every path parameter a placeholder.
fn in_template_order(path: &str, path_params: Vec<Param>, ptr: &str) -> Result<Vec<Param>, Error> {
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
    Ok(ordered)
}

/// Defines the operation's parameter struct, named `params_name`, when it has parameters
/// (query, header or multipart); returns its name.
pub(super) fn params_struct(
    types: &mut TypeBuilder,
    params: &[Param],
    params_name: String,
    id: &str,
    ptr: &str,
) -> Option<String> {
    if params.is_empty() {
        return None;
    }
    types.push(
        params_name.clone(),
        Some(format!("Parameters of `{id}`.")),
        ptr,
        TypeKind::Params(ParamsDef {
            params: params.to_vec(),
        }),
    );
    Some(params_name)
}

/// The parameter itself, following a `#/components/parameters/…` reference, with the JSON
/// pointer of where it is written.
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

/// A parameter or multipart text field must be a scalar or an array of scalars: it is written
/// as text.
pub(super) fn check_param_type(ty: &TypeRef, ptr: &str) -> Result<(), Error> {
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
