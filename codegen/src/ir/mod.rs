//! The intermediate representation: what the document means for Rust, with every name decided.

mod betas;
mod features;
mod graph;
mod operation;
mod schema;

use std::collections::BTreeMap;

use crate::Error;

pub use features::Feature;
pub use graph::Module;
pub use operation::{
    Auth, Body, Client, HttpMethod, Operation, PageStyle, Pagination, Param, ParamLocation,
    Response,
};

/// Everything the emitter needs.
#[derive(Clone, Debug)]
pub struct Ir {
    /// Every Rust type, in document order (component schemas first, then the types made for
    /// inline schemas and operation parameters, each after its parent).
    pub types: Vec<TypeDef>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Every file of `types/`, in order of its first type, with what put its types there.
    pub modules: Vec<Module>,
    /// The types whose values may hold a value of a schema with `x-anthropic-beta` (see
    /// [`Ir::carries_betas`]).
    pub beta_carriers: std::collections::BTreeSet<String>,
    /// The Cargo features that gate areas of the API (`x-feature`), in document order.
    pub features: Vec<Feature>,
}

/// A Rust type to generate.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Documentation from the description.
    pub doc: Option<String>,
    /// Which file of `types/` it goes into (a module name).
    pub module: String,
    /// The module asked for with `x-group`, if any.
    pub group: Option<String>,
    /// Where in the document it comes from.
    pub origin: String,
    /// What it is.
    pub kind: TypeKind,
    /// Betas a request needs when its body holds a value of this type (`x-anthropic-beta` on
    /// the schema).
    pub betas: Vec<String>,
    /// The Cargo features under which it is compiled (any of them); empty: always compiled.
    pub features: Vec<String>,
}

impl TypeDef {
    /// The named types this definition mentions.
    pub fn references(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| f.ty.named(&mut out)),
            TypeKind::Tagged(u) => out.extend(u.variants.iter().map(|v| v.ty.clone())),
            TypeKind::Untagged(u) => u.variants.iter().for_each(|v| v.ty.named(&mut out)),
            TypeKind::Enum(_) => {}
            TypeKind::Alias(ty) => ty.named(&mut out),
            TypeKind::Params(p) => p.params.iter().for_each(|p| p.ty.named(&mut out)),
        }
        out
    }
}

/// The shapes a generated type can take.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object with known properties (plus a map that keeps unknown ones).
    Struct(StructDef),
    /// A union tagged on a property (`discriminator`).
    Tagged(TaggedDef),
    /// A union told apart by the JSON shape (`oneOf` without discriminator).
    Untagged(UntaggedDef),
    /// An open string enum.
    Enum(EnumDef),
    /// A named schema that is only another type (`pub type X = Y;`).
    Alias(TypeRef),
    /// The parameters of an operation that are not path parameters or a JSON body: query and
    /// header parameters and multipart form fields. Not serde; read by the generated method.
    Params(ParamsDef),
}

/// A struct.
#[derive(Clone, Debug)]
pub struct StructDef {
    /// The properties, in document order.
    pub fields: Vec<Field>,
    /// Required properties with a single allowed value (`type: text`): not fields, written on
    /// output. (An optional one is a field, so that its absence is kept.)
    pub consts: Vec<ConstField>,
}

/// One property of a struct.
#[derive(Clone, Debug)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name (without `r#`).
    pub ident: String,
    /// Its type, before `Option` is applied.
    pub ty: TypeRef,
    /// In `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// The spec's `default`, as JSON text: a required property that is missing decodes to it.
    pub default: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A property fixed to one value.
#[derive(Clone, Debug)]
pub struct ConstField {
    /// The property name on the wire.
    pub wire: String,
    /// The only value.
    pub value: String,
}

/// A discriminated union.
#[derive(Clone, Debug)]
pub struct TaggedDef {
    /// The tag property (`type`).
    pub tag: String,
    /// The variants, in mapping order.
    pub variants: Vec<TaggedVariant>,
    /// The tag value to assume when the property is missing (`x-discriminator-default`).
    pub default: Option<String>,
}

/// One variant of a discriminated union.
#[derive(Clone, Debug)]
pub struct TaggedVariant {
    /// The tag value.
    pub value: String,
    /// The Rust variant name.
    pub ident: String,
    /// The Rust type of its payload (a struct).
    pub ty: String,
}

/// A union without a tag.
#[derive(Clone, Debug)]
pub struct UntaggedDef {
    /// The variants, in document order.
    pub variants: Vec<UntaggedVariant>,
}

/// One variant of an untagged union.
#[derive(Clone, Debug)]
pub struct UntaggedVariant {
    /// The Rust variant name.
    pub ident: String,
    /// Its payload.
    pub ty: TypeRef,
}

/// An open string enum.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The known values, in document order.
    pub values: Vec<EnumValue>,
    /// Whether the spec accepts any other string too (`anyOf: [{enum: […]}, {type: string}]`,
    /// as for model ids), rather than naming the allowed values (`enum: […]`).
    pub any_string: bool,
}

/// One known value of an enum.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub ident: String,
}

/// The non-body parameters of an operation, as a struct.
#[derive(Clone, Debug)]
pub struct ParamsDef {
    /// Query and header parameters and multipart fields, in document order.
    pub params: Vec<Param>,
}

/// A reference to a type, as used in a field or argument.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A generated type.
    Named(String),
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `i32` (`format: int32`).
    Int32,
    /// `f64`.
    Number,
    /// `bool`.
    Bool,
    /// `chrono::DateTime<Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// Any JSON value.
    Json,
    /// A JSON object with any members.
    JsonObject,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A file to upload (multipart) or bytes.
    Binary,
}

impl TypeRef {
    /// The named types this reference mentions.
    pub fn named(&self, out: &mut Vec<String>) {
        match self {
            TypeRef::Named(n) => out.push(n.clone()),
            TypeRef::Vec(t) | TypeRef::Map(t) => t.named(out),
            _ => {}
        }
    }
}

impl Ir {
    /// Reads the document.
    pub fn build(spec: &openapiv3::OpenAPI) -> Result<Ir, Error> {
        let mut types = schema::TypeBuilder::new(spec);
        types.define_components()?;
        let declared = features::Declared::read(spec)?;
        let operations = operation::build_operations(spec, &mut types, &declared)?;
        let mut types = types.finish()?;
        let modules = graph::assign_modules(&mut types, &operations)?;
        features::assign(&mut types, &operations);
        let beta_carriers = betas::carriers(&types);
        let ir = Ir {
            types,
            operations,
            modules,
            beta_carriers,
            features: declared.features,
        };
        ir.check_names()?;
        Ok(ir)
    }

    /// Whether a value of the type `ty` may hold a value of a schema that needs betas, so a
    /// request body of that type must be walked for them.
    pub fn carries_betas(&self, ty: &TypeRef) -> bool {
        let mut named = Vec::new();
        ty.named(&mut named);
        named.iter().any(|n| self.beta_carriers.contains(n))
    }

    /// Looks up a type by Rust name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    fn check_names(&self) -> Result<(), Error> {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for t in &self.types {
            if crate::names::is_reserved_type_name(&t.name) {
                return Err(Error::new(
                    &t.origin,
                    format!(
                        "the Rust name `{}` would shadow a standard type; rename the schema",
                        t.name
                    ),
                ));
            }
            if let Some(first) = seen.insert(&t.name, &t.origin) {
                return Err(Error::new(
                    &t.origin,
                    format!("the Rust name `{}` is also used for {first}", t.name),
                ));
            }
        }
        Ok(())
    }
}
