//! Renders one chart to stdout: `cargo run --release --example q -- EXT 'QUERY'`
//! (a tool for looking at a chart, or profiling one render).
fn main() {
    let ext = std::env::args().nth(1).unwrap_or_else(|| "png".into());
    let q = std::env::args().nth(2).unwrap_or_default();
    let format = edgechart::spec::Format::from_extension(&ext).expect("png, svg, csv or json");
    let spec =
        edgechart::spec::parse_as(format, "sales", Some(&q), edgechart::spec::RouteKind::Named)
            .unwrap_or_else(|e| panic!("{}", e.message));
    // Every shard, from www/fonts/ (scripts/fonts.sh makes them).
    let faces = edgechart::testing::all_faces();
    let (bytes, missed) = edgechart::text::with_faces(&faces, spec.lang.as_deref(), || {
        edgechart::render::render_chart(&spec).expect("renders")
    });
    assert!(missed.is_empty(), "shards missed: {missed:?}");
    use std::io::Write;
    std::io::stdout().write_all(&bytes).unwrap();
}
