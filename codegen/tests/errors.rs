//! Bad input is an error that names where in the document the problem is, never a panic.

fn generate(yaml: &str) -> Result<Vec<codegen::GeneratedFile>, codegen::Error> {
    let spec = codegen::parse_spec(yaml, "test.yaml")?;
    codegen::generate(&spec)
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{ApiKeyAuth: []}]\n";
const SEC: &str =
    "  securitySchemes:\n    ApiKeyAuth: {type: apiKey, in: header, name: x-api-key}\n";

fn doc(paths: &str, schemas: &str) -> String {
    format!("{HEAD}paths:\n{paths}components:\n{SEC}  schemas:\n{schemas}")
}

fn error_of(yaml: &str) -> codegen::Error {
    match generate(yaml) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(e) => e,
    }
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let e = error_of("openapi: 3.0.3\ninfo: [unclosed\n");
    assert!(e.location.starts_with("test.yaml:"), "{e}");
}

#[test]
fn unresolved_reference() {
    let e = error_of(&doc(
        "  {}\n",
        "    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Missing'}\n",
    ));
    assert_eq!(e.location, "#/components/schemas/A/properties/b");
    assert!(e.message.contains("does not resolve"), "{e}");
}

#[test]
fn required_names_unknown_property() {
    let e = error_of(&doc(
        "  {}\n",
        "    A:\n      type: object\n      required: [x]\n      properties:\n        b: {type: string}\n",
    ));
    assert_eq!(e.location, "#/components/schemas/A");
    assert!(e.message.contains("`x`"), "{e}");
}

#[test]
fn discriminator_mapping_to_variant_without_tag() {
    let schemas = "    U:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n      discriminator:\n        propertyName: type\n        mapping: {a: '#/components/schemas/A'}\n    A:\n      type: object\n      properties:\n        x: {type: string}\n";
    let e = error_of(&doc("  {}\n", schemas));
    assert_eq!(e.location, "#/components/schemas/U");
    assert!(e.message.contains("an enum containing `a`"), "{e}");
}

#[test]
fn inline_member_of_discriminated_union() {
    let schemas = "    U:\n      oneOf: [{type: object, properties: {type: {type: string, enum: [a]}}}]\n      discriminator: {propertyName: type}\n";
    let e = error_of(&doc("  {}\n", schemas));
    assert_eq!(e.location, "#/components/schemas/U/oneOf/0");
}

#[test]
fn unsupported_keywords() {
    let e = error_of(&doc(
        "  {}\n",
        "    A:\n      type: object\n      properties:\n        b: {not: {type: string}}\n",
    ));
    assert_eq!(e.location, "#/components/schemas/A/properties/b");
    let e = error_of(&doc(
        "  {}\n",
        "    A:\n      type: object\n      properties:\n        b: {allOf: [{type: string}, {type: integer}]}\n",
    ));
    assert!(e.message.contains("allOf"), "{e}");
}

#[test]
fn duplicate_enum_variant_names() {
    let e = error_of(&doc(
        "  {}\n",
        "    E:\n      type: string\n      enum: [a-b, a_b]\n",
    ));
    assert_eq!(e.location, "#/components/schemas/E");
    assert!(e.message.contains("duplicate variant"), "{e}");
}

#[test]
fn reserved_type_name() {
    let e = error_of(&doc("  {}\n", "    Result:\n      type: string\n"));
    assert!(e.message.contains("shadow"), "{e}");
}

const OP_OK: &str = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, additionalProperties: true}\n";

#[test]
fn operation_id_shape() {
    let paths = format!("  /v1/x:\n    get:\n      operationId: getX\n{OP_OK}");
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert_eq!(e.location, "#/paths/~1v1~1x/get/operationId");
}

#[test]
fn missing_operation_id() {
    let paths = format!("  /v1/x:\n    get:\n{OP_OK}");
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert_eq!(e.location, "#/paths/~1v1~1x/get");
}

#[test]
fn duplicate_operation_id() {
    let paths = format!(
        "  /v1/x:\n    get:\n      operationId: x.get\n{OP_OK}  /v1/y:\n    get:\n      operationId: x.get\n{OP_OK}"
    );
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert_eq!(e.location, "#/paths/~1v1~1y/get");
    assert!(e.message.contains("also used"), "{e}");
}

#[test]
fn path_placeholder_without_parameter() {
    let paths = format!("  /v1/x/{{id}}:\n    get:\n      operationId: x.get\n{OP_OK}");
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert!(e.message.contains("{id}"), "{e}");
}

#[test]
fn undeclared_security_scheme() {
    let paths = format!(
        "  /v1/x:\n    get:\n      operationId: x.get\n      security: [{{Other: []}}]\n{OP_OK}"
    );
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert!(e.message.contains("Other"), "{e}");
}

#[test]
fn stream_flag_without_event_stream() {
    let paths = format!(
        "  /v1/x:\n    post:\n      operationId: x.create\n      x-stream-flag: stream\n{OP_OK}"
    );
    let e = error_of(&doc(&paths, "    A: {type: string}\n"));
    assert_eq!(e.location, "#/paths/~1v1~1x/post");
}

#[test]
fn pagination_without_cursor_parameters() {
    let paths = "  /v1/x:\n    get:\n      operationId: x.list\n      x-pagination: {style: cursor, items: data}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/P'}\n";
    let schemas = "    P:\n      type: object\n      required: [data, has_more]\n      properties:\n        data: {type: array, items: {type: string}}\n        has_more: {type: boolean}\n";
    let e = error_of(&doc(paths, schemas));
    assert_eq!(e.location, "#/paths/~1v1~1x/get/x-pagination");
}

#[test]
fn unsupported_media_type() {
    let paths = "  /v1/x:\n    get:\n      operationId: x.get\n      responses:\n        '200':\n          description: ok\n          content:\n            text/html:\n              schema: {type: string}\n";
    let e = error_of(&doc(paths, "    A: {type: string}\n"));
    assert!(e.message.contains("text/html"), "{e}");
}

#[test]
fn nonstreaming_guard_needs_a_required_integer() {
    let paths = "  /v1/x:\n    post:\n      operationId: x.create\n      x-nonstreaming-guard: max_tokens\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/B'}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/B'}\n";
    let schemas =
        "    B:\n      type: object\n      properties:\n        max_tokens: {type: integer}\n";
    let e = error_of(&doc(paths, schemas));
    assert_eq!(e.location, "#/paths/~1v1~1x/post/x-nonstreaming-guard");
    assert!(e.message.contains("required integer"), "{e}");
}
