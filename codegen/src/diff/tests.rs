//! Unit tests of the comparison on small documents; whole fixture pairs are compared through
//! `cargo xtask diff` by `xtask/tests/diff.rs`.

use super::sides::sides;
use super::*;

/// A document with one operation taking `In` and returning `Out`, plus `schemas` (YAML
/// lines indented by four spaces).
fn ir(schemas: &str) -> Ir {
    build(&document(schemas))
}

/// The text of the document [`ir`] reads.
fn document(schemas: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: unit, version: "1"}}
security: [{{ApiKeyAuth: []}}]
paths:
  /v1/things:
    post:
      operationId: things.create
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/In'}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Out'}}
components:
  securitySchemes:
    ApiKeyAuth: {{type: apiKey, in: header, name: x-api-key}}
  schemas:
    In:
      type: object
      properties:
        x: {{type: string}}
        stream: {{type: boolean}}
    Out:
      type: object
      properties:
        y: {{type: string}}
{schemas}"#
    )
}

fn build(text: &str) -> Ir {
    let spec = crate::parse_spec(text, "unit").expect("parses");
    Ir::build(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn lines(old: &Ir, new: &Ir) -> String {
    compare(old, new).render()
}

#[test]
fn nothing_changed() {
    let a = ir("");
    let report = compare(&a, &a);
    assert_eq!(report, Report::default());
    assert_eq!(report.render(), "no changes\n");
}

#[test]
fn toggles_that_keep_the_rust_type_are_not_breaking() {
    let old = ir(
        "    Free:\n      type: object\n      required: [a]\n      properties:\n        a: {type: string, nullable: true}\n        b: {type: string}\n",
    );
    let new = ir(
        "    Free:\n      type: object\n      properties:\n        a: {type: string, nullable: true}\n        b: {type: string, nullable: true, default: x}\n",
    );
    assert_eq!(
        lines(&old, &new),
        "struct Free (unreferenced)\n\
         \x20 ~ field `a`: required, nullable → optional, nullable\n\
         \x20 ~ field `b`: optional → optional, nullable\n\
         \x20 ~ field `b`: default none → \"x\"\n\
         3 changes, 0 breaking\n"
    );
}

#[test]
fn a_new_required_field_in_an_unreferenced_type_is_breaking() {
    let old = ir("    Free:\n      type: object\n      properties:\n        a: {type: string}\n");
    let new = ir(
        "    Free:\n      type: object\n      required: [b]\n      properties:\n        a: {type: string}\n        b: {type: string}\n",
    );
    let report = compare(&old, &new);
    assert_eq!(report.breaking_count(), 1);
    assert_eq!(report.sections[0].title, "struct Free (unreferenced)");
}

#[test]
fn untagged_unions_reordered_or_losing_a_conversion() {
    let old = ir(
        "    U:\n      oneOf:\n        - {type: string, title: text}\n        - {type: integer, title: count}\n",
    );
    let new = ir(
        "    U:\n      oneOf:\n        - {type: integer, title: count}\n        - {type: string, title: text}\n        - {type: string, title: name}\n",
    );
    assert_eq!(
        lines(&old, &new),
        "union U (unreferenced)\n\
         \x20 + variant `Name` (String)\n\
         \x20 ~ variant order Text, Count → Count, Text (decoding tries them in order)  [BREAKING]\n\
         \x20 - `From<String>` conversion (two variants now hold it)  [BREAKING]\n\
         3 changes, 2 breaking\n"
    );
}

#[test]
fn discriminator_default_added_is_safe_removed_is_not() {
    let union = |default: &str| {
        format!(
            "    U:\n      oneOf:\n        - $ref: '#/components/schemas/A'\n      discriminator:\n        propertyName: type\n        mapping:\n          a: '#/components/schemas/A'\n{default}    A:\n      type: object\n      properties:\n        type: {{type: string, enum: [a]}}\n"
        )
    };
    let without = ir(&union(""));
    let with = ir(&union("      x-discriminator-default: a\n"));
    let added = compare(&without, &with);
    assert_eq!(
        added.render(),
        "union U (unreferenced)\n  ~ variant for a missing tag none → `a`\n1 change, 0 breaking\n"
    );
    assert_eq!(compare(&with, &without).breaking_count(), 1);
}

#[test]
fn streaming_added_is_safe_removed_is_not() {
    let plain = ir("");
    let text = document("")
        .replace(
            "      requestBody:",
            "      x-stream-flag: stream\n      requestBody:",
        )
        .replace(
            "              schema: {$ref: '#/components/schemas/Out'}\n",
            "              schema: {$ref: '#/components/schemas/Out'}\n            text/event-stream:\n              schema: {$ref: '#/components/schemas/Out'}\n",
        );
    let streaming = build(&text);
    assert_eq!(
        lines(&plain, &streaming),
        "operation things.create (POST /v1/things)\n\
         \x20 + streaming added (`create_stream`, events Out)\n\
         1 change, 0 breaking\n"
    );
    assert_eq!(compare(&streaming, &plain).breaking_count(), 1);
}

#[test]
fn sides_follow_references_from_both_ends() {
    let ir = ir("    Shared:\n      type: object\n      properties:\n        z: {type: string}\n");
    let s = sides(&ir);
    assert_eq!(s["In"].label(), "request");
    assert_eq!(s["Out"].label(), "response");
    assert!(!s.contains_key("Shared"));
}

#[test]
fn credentials_widened_are_safe_narrowed_are_not() {
    let admin = |security: &str| {
        let text = document("")
            .replace(
                "      requestBody:",
                &format!("      security: {security}\n      requestBody:"),
            )
            .replace(
                "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}\n",
                "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}\n    \
                 AdminKeyAuth: {type: apiKey, in: header, name: x-api-key}\n    \
                 AdminOAuth: {type: http, scheme: bearer}\n",
            );
        build(&text)
    };
    let key = admin("[{AdminKeyAuth: []}]");
    let either = admin("[{AdminKeyAuth: []}, {AdminOAuth: []}]");
    let token = admin("[{AdminOAuth: []}]");
    assert_eq!(
        lines(&key, &either),
        "operation things.create (POST /v1/things, admin client)\n\
         \x20 ~ credentials: only the key → the key or an OAuth token\n\
         1 change, 0 breaking\n"
    );
    assert_eq!(compare(&either, &key).breaking_count(), 1);
    assert_eq!(compare(&key, &token).breaking_count(), 1);
}

#[test]
fn an_added_operation_says_what_it_accepts_and_how_it_pages() {
    let before = ir("");
    let text = document("")
        .replace(
            "      requestBody:",
            "      security: [{AdminOAuth: []}]\n      requestBody:",
        )
        .replace(
            "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}\n",
            "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}\n    \
             AdminOAuth: {type: http, scheme: bearer}\n",
        );
    let after = build(&text);
    let report = lines(&before, &after);
    assert!(
        report.contains(
            "operation things.create (POST /v1/things, admin client)\n  + added (accepts only an OAuth token)\n"
        ),
        "{report}"
    );
}

/// The document of [`ir`] with its operation tagged `Things`, a tag that declares the feature
/// `things`.
fn gated_document() -> String {
    document("")
        .replace(
            "      operationId: things.create\n",
            "      operationId: things.create\n      tags: [Things]\n",
        )
        .replace(
            "paths:\n",
            "tags:\n  - name: Things\n    x-feature: things\npaths:\n",
        )
}

#[test]
fn gating_an_area_behind_a_feature_is_breaking_ungating_is_not() {
    let (plain, gated) = (document(""), gated_document());
    let (old, new) = (build(&plain), build(&gated));
    assert_eq!(new.features.len(), 1);
    assert_eq!(new.features[0].name, "things");
    let report = compare(&old, &new);
    let text = report.render();
    assert!(
        text.contains("operation things.create")
            && text.contains("compiled always → with `things`  [BREAKING]"),
        "{text}"
    );
    // The body and response types are reached only by the gated operation.
    assert!(
        text.contains("struct In (request)") && text.contains("struct Out"),
        "{text}"
    );
    assert_eq!(report.breaking_count(), report.change_count(), "{text}");
    let back = compare(&new, &old);
    assert_eq!(back.breaking_count(), 0, "{}", back.render());
    assert_eq!(back.change_count(), 3, "{}", back.render());
}

#[test]
fn an_operation_cannot_belong_to_two_features() {
    let text = gated_document().replace(
        "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}",
        "    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key, x-feature: keyed}",
    );
    let spec = crate::parse_spec(&text, "unit").expect("parses");
    let err = Ir::build(&spec).expect_err("two features").to_string();
    assert!(err.contains("`keyed`") && err.contains("`things`"), "{err}");
}
