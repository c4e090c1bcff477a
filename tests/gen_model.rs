//! The benchmark's model generator (`examples/gen_model.rs`) gives the shape pytm is measured
//! on: N units are 2N + 1 elements, 2N flows and N/10 + 2 boundaries, one data item, and the
//! model checks without diagnostics.

mod support;

#[allow(dead_code)]
#[path = "../examples/gen_model.rs"]
mod generator;

#[test]
fn the_generated_model_has_the_benchmark_shape() {
    for units in [1, 10, 25, 300] {
        let text = generator::model(units);
        let compilation = support::compile_bytes(
            &support::repo_root(),
            "bench.flow",
            text.clone().into_bytes(),
        );
        assert!(
            compilation.diagnostics.is_empty(),
            "{units}: {:?}",
            compilation.diagnostics
        );
        let model = &compilation.model;
        assert_eq!(model.elements.len(), 2 * units + 1, "{units} units");
        assert_eq!(model.flows.len(), 2 * units);
        assert_eq!(model.boundaries.len(), units.div_ceil(10) + 2);
        assert_eq!(model.data.len(), 1);
        // Every other datastore is encrypted, as in the pytm model.
        let unencrypted = text.matches("encryption none").count();
        assert_eq!(unencrypted, units / 2);
        // Already in canonical form.
        assert_eq!(
            threatflow::format::format(threatflow::span::FileId(0), &text).unwrap(),
            text
        );
    }
}
