//! The generated files do not depend on how many threads make them.

#[test]
fn same_output_on_one_thread_and_several() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/anthropic.yaml");
    let text = std::fs::read_to_string(path).expect("reading spec/anthropic.yaml");
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").expect("the spec parses");
    let one = codegen::generate_with_threads(&spec, 1).expect("generates on one thread");
    for threads in [2, 64] {
        let several = codegen::generate_with_threads(&spec, threads).expect("generates");
        assert_eq!(one, several, "{threads} threads");
    }
    assert_eq!(one, codegen::generate(&spec).expect("generates"));
}
