//! Two versions of one type: fields and constants of a struct, variants of a union, values of
//! an enum, the target of an alias, or a change of kind.

use std::collections::{BTreeMap, BTreeSet};

use super::sides::Side;
use super::words::{self, kind_word, presence, show};
use super::{Changes, Sign};
use crate::emit::constructor;
use crate::ir::{Field, Ir, TaggedDef, TypeDef, TypeKind, TypeRef, UntaggedVariant};

/// Adds the changes from `o` to `n`, two versions of the type with the same name; `side` tells
/// whether users build values of it.
pub(super) fn diff_type(
    (old_ir, o): (&Ir, &TypeDef),
    (new_ir, n): (&Ir, &TypeDef),
    side: Side,
    out: &mut Changes,
) {
    if o.features != n.features {
        out.add(
            Sign::Changed,
            format!(
                "compiled {} → {}",
                words::features_word(&o.features),
                words::features_word(&n.features)
            ),
            // Programs without the new feature lose the type.
            !n.features.is_empty() && !n.features.iter().all(|f| o.features.contains(f)),
        );
    }
    if o.betas != n.betas {
        // Requests holding the type send a different `anthropic-beta`; no code changes.
        out.add(
            Sign::Changed,
            format!("betas [{}] → [{}]", o.betas.join(", "), n.betas.join(", ")),
            false,
        );
    }
    match (&o.kind, &n.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            diff_fields(&a.fields, &b.fields, side, out);
            let shape = |ir: &Ir, fields: &[Field]| {
                let required: Vec<(&str, &TypeRef)> = fields
                    .iter()
                    .filter(|f| !f.is_option())
                    .map(|f| (f.ident.as_str(), &f.ty))
                    .collect();
                constructor::shape(ir, &n.name, &required)
            };
            let (before, after) = (shape(old_ir, &a.fields), shape(new_ir, &b.fields));
            // A field added or removed shows there already; the constructor's line is for an
            // order or form that changed with the same required fields.
            let same_required = |x: &[Field], y: &[Field]| {
                let req = |f: &[Field]| {
                    f.iter()
                        .filter(|f| !f.is_option())
                        .map(|f| f.wire.clone())
                        .collect::<BTreeSet<_>>()
                };
                req(x) == req(y)
            };
            if before != after && same_required(&a.fields, &b.fields) {
                out.add(
                    Sign::Changed,
                    format!("constructor {before} → {after}"),
                    side.built_by_users(),
                );
            }
            let ac: BTreeMap<&str, &str> = a
                .consts
                .iter()
                .map(|c| (c.wire.as_str(), c.value.as_str()))
                .collect();
            let bc: BTreeMap<&str, &str> = b
                .consts
                .iter()
                .map(|c| (c.wire.as_str(), c.value.as_str()))
                .collect();
            for wire in ac.keys().chain(bc.keys()).collect::<BTreeSet<_>>() {
                match (ac.get(wire), bc.get(wire)) {
                    (None, Some(v)) => out.add(
                        Sign::Added,
                        format!("constant `{wire}` = \"{v}\" added"),
                        false,
                    ),
                    (Some(v), None) => out.add(
                        Sign::Removed,
                        format!("constant `{wire}` = \"{v}\" removed"),
                        false,
                    ),
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("constant `{wire}`: \"{x}\" → \"{y}\""),
                        false,
                    ),
                    _ => {}
                }
            }
        }
        (TypeKind::Tagged(a), TypeKind::Tagged(b)) => {
            if a.tag != b.tag {
                out.add(
                    Sign::Changed,
                    format!("tag property `{}` → `{}`", a.tag, b.tag),
                    true,
                );
            }
            let av: BTreeMap<&str, &str> = a
                .variants
                .iter()
                .map(|v| (v.value.as_str(), v.ty.as_str()))
                .collect();
            let bv: BTreeMap<&str, &str> = b
                .variants
                .iter()
                .map(|v| (v.value.as_str(), v.ty.as_str()))
                .collect();
            for value in av.keys().chain(bv.keys()).collect::<BTreeSet<_>>() {
                match (av.get(value), bv.get(value)) {
                    (None, Some(t)) => {
                        out.add(Sign::Added, format!("variant `{value}` ({t})"), false)
                    }
                    (Some(t), None) => {
                        out.add(Sign::Removed, format!("variant `{value}` ({t})"), true)
                    }
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("variant `{value}`: payload {x} → {y}"),
                        true,
                    ),
                    _ => {}
                }
                let ident = |u: &TaggedDef| {
                    u.variants
                        .iter()
                        .find(|v| v.value == **value)
                        .map(|v| v.ident.clone())
                };
                if let (Some(x), Some(y)) = (ident(a), ident(b))
                    && x != y
                {
                    out.add(
                        Sign::Changed,
                        format!("variant `{value}`: renamed {x} → {y}"),
                        true,
                    );
                }
            }
            if a.default != b.default {
                let d =
                    |d: &Option<String>| d.as_deref().map_or("none".into(), |d| format!("`{d}`"));
                out.add(
                    Sign::Changed,
                    format!(
                        "variant for a missing tag {} → {}",
                        d(&a.default),
                        d(&b.default)
                    ),
                    a.default.is_some(),
                );
            }
        }
        (TypeKind::Untagged(a), TypeKind::Untagged(b)) => {
            let av: BTreeMap<&str, &TypeRef> = a
                .variants
                .iter()
                .map(|v| (v.ident.as_str(), &v.ty))
                .collect();
            let bv: BTreeMap<&str, &TypeRef> = b
                .variants
                .iter()
                .map(|v| (v.ident.as_str(), &v.ty))
                .collect();
            for ident in av.keys().chain(bv.keys()).collect::<BTreeSet<_>>() {
                match (av.get(ident), bv.get(ident)) {
                    (None, Some(t)) => out.add(
                        Sign::Added,
                        format!("variant `{ident}` ({})", show(t)),
                        false,
                    ),
                    (Some(t), None) => out.add(
                        Sign::Removed,
                        format!("variant `{ident}` ({})", show(t)),
                        true,
                    ),
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("variant `{ident}`: type {} → {}", show(x), show(y)),
                        true,
                    ),
                    _ => {}
                }
            }
            let (ao, bo) = (in_both(&a.variants, &bv), in_both(&b.variants, &av));
            if ao != bo {
                out.add(
                    Sign::Changed,
                    format!(
                        "variant order {} → {} (decoding tries them in order)",
                        ao.join(", "),
                        bo.join(", ")
                    ),
                    true,
                );
            }
            let (ac, bc) = (payload_counts(&a.variants), payload_counts(&b.variants));
            for (ty, _) in ac.iter().filter(|(_, n)| **n == 1) {
                if bc.get(ty).is_some_and(|n| *n > 1) {
                    out.add(
                        Sign::Removed,
                        format!("`From<{}>` conversion (two variants now hold it)", show(ty)),
                        true,
                    );
                }
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            let av: BTreeSet<&str> = a.values.iter().map(|v| v.wire.as_str()).collect();
            let bv: BTreeSet<&str> = b.values.iter().map(|v| v.wire.as_str()).collect();
            for v in bv.difference(&av) {
                out.add(Sign::Added, format!("value `{v}`"), false);
            }
            for v in av.difference(&bv) {
                out.add(Sign::Removed, format!("value `{v}`"), true);
            }
            for x in &a.values {
                if let Some(y) = b.values.iter().find(|y| y.wire == x.wire)
                    && y.ident != x.ident
                {
                    out.add(
                        Sign::Changed,
                        format!(
                            "value `{}`: variant renamed {} → {}",
                            x.wire, x.ident, y.ident
                        ),
                        true,
                    );
                }
            }
            if a.any_string != b.any_string {
                let form = |any: bool| if any { "any string" } else { "only its values" };
                out.add(
                    Sign::Changed,
                    format!("accepts {} → {}", form(a.any_string), form(b.any_string)),
                    true,
                );
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if a != b {
                out.add(
                    Sign::Changed,
                    format!("alias of {} → {}", show(a), show(b)),
                    true,
                );
            }
        }
        (a, b) => out.add(
            Sign::Changed,
            format!("kind {} → {}", kind_word(a), kind_word(b)),
            true,
        ),
    }
}

/// The names of the variants that `other` also has, in order.
fn in_both<'a>(variants: &'a [UntaggedVariant], other: &BTreeMap<&str, &TypeRef>) -> Vec<&'a str> {
    variants
        .iter()
        .map(|v| v.ident.as_str())
        .filter(|i| other.contains_key(i))
        .collect()
}

/// How many variants hold each payload type (a `From` conversion exists for those held once).
fn payload_counts(variants: &[UntaggedVariant]) -> BTreeMap<&TypeRef, usize> {
    let mut count = BTreeMap::new();
    for v in variants {
        *count.entry(&v.ty).or_default() += 1;
    }
    count
}

fn diff_fields(old: &[Field], new: &[Field], side: Side, out: &mut Changes) {
    let o: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
    let n: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire.as_str(), f)).collect();
    for wire in o.keys().chain(n.keys()).collect::<BTreeSet<_>>() {
        match (o.get(wire), n.get(wire)) {
            (None, Some(f)) => out.add(
                Sign::Added,
                format!("field `{wire}` added ({}, {})", presence(f), show(&f.ty)),
                !f.is_option() && side.built_by_users(),
            ),
            (Some(f), None) => out.add(
                Sign::Removed,
                format!("field `{wire}` removed ({})", presence(f)),
                true,
            ),
            (Some(a), Some(b)) => {
                if a.ty != b.ty {
                    out.add(
                        Sign::Changed,
                        format!("field `{wire}`: type {} → {}", show(&a.ty), show(&b.ty)),
                        true,
                    );
                }
                if presence(a) != presence(b) {
                    let rust = if a.is_option() == b.is_option() {
                        String::new()
                    } else if b.is_option() {
                        " (T → Option<T>)".into()
                    } else {
                        " (Option<T> → T)".into()
                    };
                    out.add(
                        Sign::Changed,
                        format!("field `{wire}`: {} → {}{rust}", presence(a), presence(b)),
                        a.is_option() != b.is_option(),
                    );
                }
                if a.default != b.default {
                    let d = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
                    out.add(
                        Sign::Changed,
                        format!(
                            "field `{wire}`: default {} → {}",
                            d(&a.default),
                            d(&b.default)
                        ),
                        false,
                    );
                }
            }
            (None, None) => unreachable!("the wire name comes from one of the maps"),
        }
    }
}
