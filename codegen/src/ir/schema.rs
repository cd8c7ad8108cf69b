//! Component and inline schemas → [`TypeDef`]s and [`TypeRef`]s.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{
    ConstField, EnumDef, EnumValue, Field, StructDef, TaggedDef, TaggedVariant, TypeDef, TypeKind,
    TypeRef, UntaggedDef, UntaggedVariant,
};
use crate::Error;
use crate::error::pointer_segment;
use crate::names::{field_name, type_name, variant_name};

/// The properties of an object schema, as openapiv3 holds them.
type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Collects type definitions while the document is read.
pub struct TypeBuilder<'a> {
    spec: &'a OpenAPI,
    types: Vec<TypeDef>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(spec: &'a OpenAPI) -> Self {
        TypeBuilder {
            spec,
            types: Vec::new(),
        }
    }

    /// Defines a type for every component schema, in document order.
    pub fn define_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.spec.components else {
            return Ok(());
        };
        for (key, schema) in &components.schemas {
            let ptr = format!("{SCHEMA_PREFIX}{}", pointer_segment(key));
            let name = type_name(key);
            match schema {
                ReferenceOr::Item(schema) => self.define(name, schema, &ptr)?,
                ReferenceOr::Reference { reference } => {
                    let target = self.resolve_name(reference, &ptr)?;
                    self.push(name, None, &ptr, TypeKind::Alias(TypeRef::Named(target)));
                }
            }
        }
        Ok(())
    }

    /// Adds a finished definition (used for operation parameter structs).
    pub fn push(&mut self, name: String, doc: Option<String>, origin: &str, kind: TypeKind) {
        self.types.push(TypeDef {
            name,
            doc,
            module: String::new(),
            group: None,
            origin: origin.to_string(),
            kind,
            betas: Vec::new(),
            features: Vec::new(),
        });
    }

    /// Hands back the definitions after checking that every named reference has one.
    pub fn finish(self) -> Result<Vec<TypeDef>, Error> {
        let defined: BTreeSet<&str> = self.types.iter().map(|t| t.name.as_str()).collect();
        for t in &self.types {
            for name in t.references() {
                if !defined.contains(name.as_str()) {
                    return Err(Error::new(
                        &t.origin,
                        format!("refers to `{name}`, which is not defined"),
                    ));
                }
            }
        }
        Ok(self.types)
    }

    /// Defines the named type `name` from `schema`. The definition is placed before any types
    /// made for its inline parts.
    pub fn define(&mut self, name: String, schema: &Schema, ptr: &str) -> Result<(), Error> {
        let slot = self.types.len();
        self.push(
            name.clone(),
            description(schema),
            ptr,
            TypeKind::Alias(TypeRef::Json),
        );
        let kind = self.kind_of(&name, schema, ptr)?;
        self.types[slot].kind = kind;
        if let Some(g) = schema.schema_data.extensions.get("x-group") {
            let valid = g.as_str().filter(|g| {
                !g.is_empty()
                    && g.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
            let g =
                valid.ok_or_else(|| Error::new(ptr, "x-group must be a snake_case module name"))?;
            self.types[slot].group = Some(g.to_string());
        }
        let betas = super::betas::read(&schema.schema_data.extensions, ptr)?;
        if !betas.is_empty()
            && !matches!(
                self.types[slot].kind,
                TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Untagged(_)
            )
        {
            return Err(Error::new(
                format!("{ptr}/x-anthropic-beta"),
                "only an object or a union can need betas",
            ));
        }
        self.types[slot].betas = betas;
        Ok(())
    }

    /// The Rust name of the component a `$ref` points at.
    pub fn resolve_name(&self, reference: &str, ptr: &str) -> Result<String, Error> {
        let key = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::new(
                ptr,
                format!("only references to {SCHEMA_PREFIX}… are supported, found `{reference}`"),
            )
        })?;
        let exists = self
            .spec
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(key));
        if !exists {
            return Err(Error::new(ptr, format!("`{reference}` does not resolve")));
        }
        Ok(type_name(key))
    }

    /// Looks up a component schema by `$ref`.
    fn component(&self, reference: &str) -> Option<&'a Schema> {
        let key = reference.strip_prefix(SCHEMA_PREFIX)?;
        match self.spec.components.as_ref()?.schemas.get(key)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn kind_of(&mut self, name: &str, schema: &Schema, ptr: &str) -> Result<TypeKind, Error> {
        let names = variant_names(schema, ptr)?;
        if let Some(props) = object_properties(schema)
            && !props.0.is_empty()
        {
            return self
                .struct_def(name, props.0, props.1, ptr)
                .map(TypeKind::Struct);
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => {
                if let Some(d) = &schema.schema_data.discriminator {
                    let default = schema
                        .schema_data
                        .extensions
                        .get("x-discriminator-default")
                        .map(|v| {
                            v.as_str().map(str::to_string).ok_or_else(|| {
                                Error::new(ptr, "x-discriminator-default must be a string")
                            })
                        })
                        .transpose()?;
                    self.tagged_def(one_of, &d.property_name, &d.mapping, default, &names, ptr)
                        .map(TypeKind::Tagged)
                } else {
                    self.untagged_def(name, one_of, ptr).map(TypeKind::Untagged)
                }
            }
            SchemaKind::AnyOf { any_of } => {
                if let Some(values) = open_string_enum(any_of) {
                    return enum_def(values, true, &names, ptr).map(TypeKind::Enum);
                }
                if schema.schema_data.discriminator.is_some() {
                    return Err(Error::new(
                        ptr,
                        "a discriminator belongs on `oneOf`, not `anyOf`",
                    ));
                }
                self.untagged_def(name, any_of, ptr).map(TypeKind::Untagged)
            }
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                enum_def(values, false, &names, ptr).map(TypeKind::Enum)
            }
            _ => {
                let (ty, _) = self.inline_ref(schema, name, ptr)?;
                Ok(TypeKind::Alias(ty))
            }
        }
    }

    fn struct_def(
        &mut self,
        name: &str,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
    ) -> Result<StructDef, Error> {
        for r in required {
            if !properties.contains_key(r) {
                return Err(Error::new(
                    ptr,
                    format!("`required` names `{r}`, which is not a property"),
                ));
            }
        }
        let mut fields = Vec::new();
        let mut consts = Vec::new();
        let mut idents = BTreeSet::new();
        for (wire, prop) in properties {
            let prop_ptr = format!("{ptr}/properties/{}", pointer_segment(wire));
            // A property with one allowed value that the spec requires is a constant, written
            // on every encode. One it does not require stays a field (an `Option` of a
            // one-value enum), so that whether it was there is kept: a request decoded without
            // it encodes without it.
            if let ReferenceOr::Item(s) = prop
                && let Some(value) = single_value(s)
                && required.contains(wire)
            {
                consts.push(ConstField {
                    wire: wire.clone(),
                    value,
                });
                continue;
            }
            let ident = field_name(wire);
            if ident == "extra" {
                return Err(Error::new(
                    &prop_ptr,
                    "a property named `extra` would collide with the map of unknown properties",
                ));
            }
            if !idents.insert(ident.clone()) {
                return Err(Error::new(
                    &prop_ptr,
                    format!("two properties map to the Rust field `{ident}`"),
                ));
            }
            let ctx = format!("{name}{}", wire.to_upper_camel_case());
            let (ty, nullable) = self.type_ref_boxed(prop, &ctx, &prop_ptr)?;
            let (doc, default) = match prop {
                ReferenceOr::Item(s) => (
                    description(s),
                    s.schema_data
                        .default
                        .as_ref()
                        .filter(|d| !d.is_null())
                        .map(|d| d.to_string()),
                ),
                ReferenceOr::Reference { .. } => (None, None),
            };
            fields.push(Field {
                wire: wire.clone(),
                ident,
                ty,
                required: required.contains(wire),
                nullable,
                default,
                doc,
            });
        }
        Ok(StructDef { fields, consts })
    }

    fn tagged_def(
        &mut self,
        members: &[ReferenceOr<Schema>],
        tag: &str,
        mapping: &IndexMap<String, String>,
        default: Option<String>,
        names: &BTreeMap<String, String>,
        ptr: &str,
    ) -> Result<TaggedDef, Error> {
        if let Some(unknown) = names.keys().find(|k| !mapping.contains_key(*k)) {
            return Err(Error::new(
                format!("{ptr}/x-variant-names"),
                format!("names `{unknown}`, which is not a mapped tag value"),
            ));
        }
        let mut member_refs = Vec::new();
        for (i, m) in members.iter().enumerate() {
            match m {
                ReferenceOr::Reference { reference } => member_refs.push(reference.clone()),
                ReferenceOr::Item(_) => {
                    return Err(Error::new(
                        format!("{ptr}/oneOf/{i}"),
                        "each member of a discriminated union must be a $ref to a component schema",
                    ));
                }
            }
        }
        // The mapping, or the tag values the members declare when it is absent.
        let mut pairs: Vec<(String, String)> = Vec::new();
        if mapping.is_empty() {
            for reference in &member_refs {
                let value = self.tag_values(reference, tag).filter(|v| v.len() == 1).map(|mut v| v.remove(0)).ok_or_else(|| {
                    Error::new(ptr, format!("`{reference}` has no one-value `{tag}` property and there is no mapping"))
                })?;
                pairs.push((value, reference.clone()));
            }
        } else {
            for (value, reference) in mapping {
                if !member_refs.contains(reference) {
                    return Err(Error::new(
                        format!("{ptr}/discriminator/mapping/{}", pointer_segment(value)),
                        format!("maps to `{reference}`, which is not one of the oneOf members"),
                    ));
                }
                pairs.push((value.clone(), reference.clone()));
            }
            for reference in &member_refs {
                if !mapping.values().any(|r| r == reference) {
                    return Err(Error::new(
                        ptr,
                        format!("oneOf member `{reference}` has no discriminator mapping entry"),
                    ));
                }
            }
        }
        let mut variants = Vec::new();
        let mut idents = BTreeSet::new();
        for (value, reference) in pairs {
            let declared = self.tag_values(&reference, tag).unwrap_or_default();
            if !declared.contains(&value) {
                return Err(Error::new(
                    ptr,
                    format!(
                        "`{reference}` must declare `{tag}` as an enum containing `{value}` to be mapped from it"
                    ),
                ));
            }
            let ident = names
                .get(&value)
                .cloned()
                .unwrap_or_else(|| variant_name(&value));
            if ident == "Unknown" || !idents.insert(ident.clone()) {
                return Err(Error::new(
                    ptr,
                    format!("tag value `{value}` gives a duplicate variant name `{ident}`"),
                ));
            }
            variants.push(TaggedVariant {
                value,
                ident,
                ty: self.resolve_name(&reference, ptr)?,
            });
        }
        if let Some(d) = &default
            && !variants.iter().any(|v| &v.value == d)
        {
            return Err(Error::new(
                ptr,
                format!("x-discriminator-default `{d}` is not a mapped tag value"),
            ));
        }
        Ok(TaggedDef {
            tag: tag.to_string(),
            variants,
            default,
        })
    }

    /// The values a component declares for its tag property (an enum), if it does.
    fn tag_values(&self, reference: &str, tag: &str) -> Option<Vec<String>> {
        let schema = self.component(reference)?;
        let (props, _) = object_properties(schema)?;
        match props.get(tag)? {
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                    Some(st.enumeration.iter().flatten().cloned().collect())
                }
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn untagged_def(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        ptr: &str,
    ) -> Result<UntaggedDef, Error> {
        let mut variants = Vec::new();
        let mut idents = BTreeSet::new();
        for (i, m) in members.iter().enumerate() {
            let m_ptr = format!("{ptr}/oneOf/{i}");
            let title = match m {
                ReferenceOr::Item(s) => s.schema_data.title.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let (ty, _) = match m {
                ReferenceOr::Reference { reference } => {
                    (TypeRef::Named(self.resolve_name(reference, &m_ptr)?), false)
                }
                ReferenceOr::Item(s) => {
                    let ctx = format!(
                        "{name}{}",
                        title
                            .as_deref()
                            .map(type_name)
                            .unwrap_or_else(|| format!("Variant{i}"))
                    );
                    self.inline_ref(s, &ctx, &m_ptr)?
                }
            };
            let ident = match &title {
                Some(t) => type_name(t),
                None => shape_name(&ty),
            };
            if !idents.insert(ident.clone()) {
                return Err(Error::new(
                    &m_ptr,
                    format!(
                        "two members of this union would both be called `{ident}`; give them distinct `title`s"
                    ),
                ));
            }
            variants.push(UntaggedVariant { ident, ty });
        }
        if variants.is_empty() {
            return Err(Error::new(ptr, "a union needs at least one member"));
        }
        Ok(UntaggedDef { variants })
    }

    fn type_ref_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        ctx: &str,
        ptr: &str,
    ) -> Result<(TypeRef, bool), Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                Ok((TypeRef::Named(self.resolve_name(reference, ptr)?), false))
            }
            ReferenceOr::Item(s) => self.inline_ref(s, ctx, ptr),
        }
    }

    /// The reference to use for `schema` where it appears; complex inline schemas become new
    /// named types called `ctx`. Also says whether the position is nullable.
    pub fn inline_ref(
        &mut self,
        schema: &Schema,
        ctx: &str,
        ptr: &str,
    ) -> Result<(TypeRef, bool), Error> {
        let nullable = schema.schema_data.nullable;
        if let Some((props, _)) = object_properties(schema)
            && !props.is_empty()
        {
            self.define(type_name(ctx), schema, ptr)?;
            return Ok((TypeRef::Named(type_name(ctx)), nullable));
        }
        let ty = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let (ty, inner_nullable) = match &all_of[0] {
                    ReferenceOr::Reference { reference } => {
                        (TypeRef::Named(self.resolve_name(reference, ptr)?), false)
                    }
                    ReferenceOr::Item(s) => self.inline_ref(s, ctx, &format!("{ptr}/allOf/0"))?,
                };
                return Ok((ty, nullable || inner_nullable));
            }
            SchemaKind::AllOf { .. } => {
                return Err(Error::new(
                    ptr,
                    "`allOf` is supported only with a single member (a nullable reference)",
                ));
            }
            SchemaKind::Not { .. } => return Err(Error::new(ptr, "`not` is not supported")),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.define(type_name(ctx), schema, ptr)?;
                TypeRef::Named(type_name(ctx))
            }
            SchemaKind::Type(Type::String(s)) => {
                if !s.enumeration.is_empty() {
                    self.define(type_name(ctx), schema, ptr)?;
                    TypeRef::Named(type_name(ctx))
                } else {
                    match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                        _ => TypeRef::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::Int32,
                _ => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    None => TypeRef::Json,
                    Some(items) => {
                        self.type_ref_boxed(items, &format!("{ctx}Item"), &format!("{ptr}/items"))?
                            .0
                    }
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.map_ref(o.additional_properties.as_ref(), ctx, ptr)?
            }
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() || !any.any_of.is_empty() || !any.all_of.is_empty() {
                    return Err(Error::new(
                        ptr,
                        "this mix of keywords is not supported (combine `oneOf`/`anyOf`/`allOf` with nothing but documentation)",
                    ));
                }
                match any.typ.as_deref() {
                    None if any.additional_properties.is_none() && any.items.is_none() => {
                        TypeRef::Json
                    }
                    None | Some("object") => {
                        self.map_ref(any.additional_properties.as_ref(), ctx, ptr)?
                    }
                    Some(other) => {
                        return Err(Error::new(
                            ptr,
                            format!("a `{other}` schema with these keywords is not supported"),
                        ));
                    }
                }
            }
        };
        Ok((ty, nullable))
    }

    fn map_ref(
        &mut self,
        additional: Option<&AdditionalProperties>,
        ctx: &str,
        ptr: &str,
    ) -> Result<TypeRef, Error> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(s)) => match s.as_ref() {
                ReferenceOr::Reference { reference } => {
                    TypeRef::Map(Box::new(TypeRef::Named(self.resolve_name(reference, ptr)?)))
                }
                ReferenceOr::Item(s) => {
                    let (t, _) = self.inline_ref(
                        s,
                        &format!("{ctx}Value"),
                        &format!("{ptr}/additionalProperties"),
                    )?;
                    if t == TypeRef::Json {
                        TypeRef::JsonObject
                    } else {
                        TypeRef::Map(Box::new(t))
                    }
                }
            },
            _ => TypeRef::JsonObject,
        })
    }
}

/// The properties and `required` list of an object schema, however openapiv3 classified it.
fn object_properties(schema: &Schema) -> Option<(&Properties, &[String])> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some((&a.properties, &a.required)),
        _ => None,
    }
}

/// The value of a string schema that allows exactly one value.
fn single_value(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let values: Vec<&String> = s.enumeration.iter().flatten().collect();
            (values.len() == 1).then(|| values[0].clone())
        }
        _ => None,
    }
}

/// `anyOf: [{type: string, enum: [...]}, {type: string}]`: the known values of an open set.
fn open_string_enum(members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
    if members.len() != 2 {
        return None;
    }
    let mut values = None;
    let mut plain = false;
    for m in members {
        let ReferenceOr::Item(s) = m else { return None };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                values = Some(st.enumeration.iter().flatten().cloned().collect());
            }
            SchemaKind::Type(Type::String(st)) if st.format.is_empty() => plain = true,
            _ => return None,
        }
    }
    if plain { values } else { None }
}

fn enum_def(
    values: Vec<String>,
    any_string: bool,
    names: &BTreeMap<String, String>,
    ptr: &str,
) -> Result<EnumDef, Error> {
    if let Some(unknown) = names.keys().find(|k| !values.contains(k)) {
        return Err(Error::new(
            format!("{ptr}/x-variant-names"),
            format!("names `{unknown}`, which is not one of the enum's values"),
        ));
    }
    let mut idents = BTreeSet::new();
    let mut out = Vec::new();
    for wire in values {
        let ident = names
            .get(&wire)
            .cloned()
            .unwrap_or_else(|| variant_name(&wire));
        if ident == "Other" || !idents.insert(ident.clone()) {
            return Err(Error::new(
                ptr,
                format!("enum value `{wire}` gives a duplicate variant name `{ident}`"),
            ));
        }
        out.push(EnumValue { wire, ident });
    }
    if out.is_empty() {
        return Err(Error::new(ptr, "an enum needs at least one value"));
    }
    Ok(EnumDef {
        values: out,
        any_string,
    })
}

/// `x-variant-names`: Rust names for some of a schema's enum values or discriminator tag
/// values, where the name made from the value would not read well (`1d` → `OneDay`).
fn variant_names(schema: &Schema, ptr: &str) -> Result<BTreeMap<String, String>, Error> {
    let Some(v) = schema.schema_data.extensions.get("x-variant-names") else {
        return Ok(BTreeMap::new());
    };
    let ptr = format!("{ptr}/x-variant-names");
    let map = v
        .as_object()
        .ok_or_else(|| Error::new(&ptr, "must map values to Rust variant names"))?;
    let mut out = BTreeMap::new();
    for (value, name) in map {
        let name = name
            .as_str()
            .filter(|n| {
                n.starts_with(|c: char| c.is_ascii_uppercase())
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .ok_or_else(|| {
                Error::new(
                    &ptr,
                    format!("the name for `{value}` must be an UpperCamelCase Rust identifier"),
                )
            })?;
        out.insert(value.clone(), name.to_string());
    }
    Ok(out)
}

/// A variant name from a payload's shape, for untagged union members without a title.
fn shape_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Integer | TypeRef::Int32 => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::JsonObject => "Object".into(),
        TypeRef::Vec(inner) => format!("{}List", shape_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", shape_name(inner)),
        TypeRef::Binary => "Binary".into(),
    }
}

fn description(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .as_ref()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
}

impl TypeBuilder<'_> {
    /// A definition made so far, by Rust name.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}
