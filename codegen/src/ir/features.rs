//! Cargo features per area of the API (`x-feature`).
//!
//! A tag of the document's `tags` list, or a security scheme, may carry `x-feature: <name>`.
//! An operation belongs to the feature of its tags and of the security schemes it accepts
//! (all of them must agree); an operation with none is always compiled. A type is compiled
//! when any operation that reaches it is: with no feature when an ungated operation reaches it
//! (or none does), otherwise under any of the features of the operations that do.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use openapiv3::{OpenAPI, SecurityScheme};

use super::{Operation, TypeDef};
use crate::Error;
use crate::error::pointer_segment;

/// A Cargo feature of the generated crate, declared by `x-feature` in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The feature name (`batches`).
    pub name: String,
    /// What the first tag or scheme that names it says it covers.
    pub doc: Option<String>,
}

/// The features the document declares, in document order (tags, then security schemes), and
/// the feature of each tag and scheme that has one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Declared {
    pub features: Vec<Feature>,
    tags: BTreeMap<String, String>,
    schemes: BTreeMap<String, String>,
}

impl Declared {
    pub(crate) fn read(spec: &OpenAPI) -> Result<Declared, Error> {
        let mut out = Declared::default();
        for (i, tag) in spec.tags.iter().enumerate() {
            let ptr = format!("#/tags/{i}/x-feature");
            if let Some(name) = read_name(tag.extensions.get("x-feature"), &ptr)? {
                out.add(&name, tag.description.clone().or(Some(tag.name.clone())));
                out.tags.insert(tag.name.clone(), name);
            }
        }
        if let Some(components) = &spec.components {
            for (key, scheme) in &components.security_schemes {
                let ptr = format!(
                    "#/components/securitySchemes/{}/x-feature",
                    pointer_segment(key)
                );
                let openapiv3::ReferenceOr::Item(scheme) = scheme else {
                    continue;
                };
                let (extensions, description) = match scheme {
                    SecurityScheme::APIKey {
                        extensions,
                        description,
                        ..
                    }
                    | SecurityScheme::HTTP {
                        extensions,
                        description,
                        ..
                    }
                    | SecurityScheme::OAuth2 {
                        extensions,
                        description,
                        ..
                    }
                    | SecurityScheme::OpenIDConnect {
                        extensions,
                        description,
                        ..
                    } => (extensions, description),
                };
                if let Some(name) = read_name(extensions.get("x-feature"), &ptr)? {
                    out.add(&name, description.clone());
                    out.schemes.insert(key.clone(), name);
                }
            }
        }
        Ok(out)
    }

    fn add(&mut self, name: &str, doc: Option<String>) {
        if !self.features.iter().any(|f| f.name == name) {
            self.features.push(Feature {
                name: name.to_string(),
                doc,
            });
        }
    }

    /// The feature of an operation: that of its tags and of the schemes its security names.
    pub(crate) fn of_operation(
        &self,
        spec: &OpenAPI,
        op: &openapiv3::Operation,
        ptr: &str,
    ) -> Result<Option<String>, Error> {
        let mut found: BTreeSet<&String> = BTreeSet::new();
        for tag in &op.tags {
            found.extend(self.tags.get(tag));
        }
        let requirements = op.security.as_ref().or(spec.security.as_ref());
        for requirement in requirements.into_iter().flatten() {
            for scheme in requirement.keys() {
                found.extend(self.schemes.get(scheme));
            }
        }
        let mut found = found.into_iter();
        match (found.next(), found.next()) {
            (None, _) => Ok(None),
            (Some(one), None) => Ok(Some(one.clone())),
            (Some(a), Some(b)) => Err(Error::new(
                ptr,
                format!(
                    "the operation's tags and security schemes name two features, `{a}` and \
                     `{b}`; an operation belongs to one"
                ),
            )),
        }
    }
}

/// A feature name: lowercase letters, digits and `-`/`_`, starting with a letter.
fn read_name(value: Option<&serde_json::Value>, ptr: &str) -> Result<Option<String>, Error> {
    let Some(value) = value else {
        return Ok(None);
    };
    let name = value
        .as_str()
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
        .ok_or_else(|| {
            Error::new(
                ptr,
                "`x-feature` must be a Cargo feature name: lowercase letters, digits, `-` and `_`",
            )
        })?;
    if matches!(name, "default" | "std") {
        return Err(Error::new(
            ptr,
            format!("`{name}` cannot name an area of the API"),
        ));
    }
    Ok(Some(name.to_string()))
}

/// Sets [`TypeDef::features`]: the features of the operations that reach each type, or none
/// when an ungated operation reaches it or no operation does.
pub(crate) fn assign(types: &mut [TypeDef], ops: &[Operation]) {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    // For each type: reached by an ungated operation, and the features of gated ones.
    let mut ungated = vec![false; types.len()];
    let mut gated: Vec<BTreeSet<String>> = vec![BTreeSet::new(); types.len()];
    let mut reached = vec![false; types.len()];
    for op in ops {
        let mut seen = vec![false; types.len()];
        let mut queue: VecDeque<String> = op.referenced_types().into();
        while let Some(name) = queue.pop_front() {
            // Undefined names are reported by the module assignment.
            let Some(&i) = index.get(&name) else { continue };
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            reached[i] = true;
            match &op.feature {
                None => ungated[i] = true,
                Some(f) => {
                    gated[i].insert(f.clone());
                }
            }
            queue.extend(types[i].references());
        }
    }
    // A type no operation reaches is always compiled, and so is everything it mentions.
    let mut queue: VecDeque<usize> = (0..types.len()).filter(|&i| !reached[i]).collect();
    while let Some(i) = queue.pop_front() {
        for name in types[i].references() {
            if let Some(&j) = index.get(&name)
                && reached[j]
                && !std::mem::replace(&mut ungated[j], true)
            {
                queue.push_back(j);
            }
        }
    }
    for (i, t) in types.iter_mut().enumerate() {
        t.features = if ungated[i] || !reached[i] {
            Vec::new()
        } else {
            std::mem::take(&mut gated[i]).into_iter().collect()
        };
    }
}
