//! The query parameters of the contract (shared/API.md), case by case:
//! what is accepted, what it means, and the 400 message for what is not.

use edgechart::spec::{
    parse, Bins, ChartSpec, Cumulative, Data, Format, MarkSpec, Mode, Norm, RouteKind, Rule, Scale,
    Theme,
};

fn named(q: &str) -> Result<ChartSpec, (String, String)> {
    parse("sales", Some(q), RouteKind::Named).map_err(|e| (e.parameter, e.message))
}

#[test]
fn defaults_are_the_classic_chart() {
    let s = named("").unwrap();
    assert_eq!(s, ChartSpec::classic("sales"));
    assert_eq!(s.data, Data::Draws { n: 1000 });
    assert_eq!(s.bins, Bins::Count(100));
    assert_eq!(s.title, "Chart for \"sales\"");
    assert_eq!(
        (s.width, s.height, s.dpr, s.theme),
        (640, 480, 1, Theme::Light)
    );
    assert_eq!(parse("sales", None, RouteKind::Named).unwrap(), s);
}

#[test]
fn accepted_values() {
    type Check = fn(&ChartSpec) -> bool;
    let cases: &[(&str, Check)] = &[
        ("n=1", |s| s.data == Data::Draws { n: 1 }),
        ("n=100000", |s| s.data == Data::Draws { n: 100_000 }),
        ("n=2.5e3", |s| s.data == Data::Draws { n: 2500 }),
        ("values=1", |s| {
            s.data == Data::Values(vec![vec![1.0]]) && s.bins == Bins::Rule(Rule::Auto)
        }),
        // Each series is kept sorted: a histogram does not depend on the order.
        ("values=-1.5,2e3,+7,.5", |s| {
            s.data == Data::Values(vec![vec![-1.5, 0.5, 7.0, 2000.0]])
        }),
        ("values=1,%202", |s| {
            s.data == Data::Values(vec![vec![1.0, 2.0]])
        }),
        ("values=3&bins=7", |s| s.bins == Bins::Count(7)),
        ("bins=1", |s| s.bins == Bins::Count(1)),
        ("bins=1000", |s| s.bins == Bins::Count(1000)),
        ("bins=auto", |s| s.bins == Bins::Rule(Rule::Auto)),
        ("title=", |s| s.title.is_empty()),
        ("title=Q3+sales+%E2%82%AC", |s| s.title == "Q3 sales €"),
        ("w=64&h=64", |s| (s.width, s.height) == (64, 64)),
        ("w=4096&h=1024", |s| (s.width, s.height) == (4096, 1024)),
        ("w=2048&h=2048", |s| s.pixel_size() == (2048, 2048)),
        ("dpr=2", |s| s.pixel_size() == (1280, 960)),
        ("dpr=3&w=682&h=682", |s| s.pixel_size() == (2046, 2046)),
        ("theme=dark", |s| s.theme == Theme::Dark),
        ("theme=light", |s| s.theme == Theme::Light),
        ("&&w=100&", |s| s.width == 100),
    ];
    for (q, check) in cases {
        let spec = named(q).unwrap_or_else(|e| panic!("?{q} rejected: {e:?}"));
        assert!(check(&spec), "?{q} gave {spec:?}");
    }
    let t = "é".repeat(200);
    assert_eq!(named(&format!("title={t}")).unwrap().title, t);
    let v = vec!["1"; 10_000].join(",");
    assert!(named(&format!("values={v}")).is_ok());
}

#[test]
fn rejected_values_name_the_parameter_and_the_bound() {
    let long_title = "x".repeat(201);
    let too_many = vec!["1"; 10_001].join(",");
    let cases: Vec<(String, &str, &str)> = vec![
        ("n=0".into(), "n", "n must be an integer from 1 to 100000, got 0"),
        ("n=100001".into(), "n", "from 1 to 100000"),
        ("n=1.5".into(), "n", "an integer"),
        ("n=ten".into(), "n", "got 'ten'"),
        ("n=".into(), "n", "an integer"),
        ("n".into(), "n", "has no value"),
        ("n=1&n=1".into(), "n", "more than once"),
        ("values=1&n=5".into(), "n", "cannot be combined with values"),
        ("values=".into(), "values", "values item 1 is empty"),
        ("values=1,,2".into(), "values", "values item 2 is empty"),
        ("values=1,2,".into(), "values", "values item 3 is empty"),
        ("values=1,inf".into(), "values", "item 2 is not a finite decimal number: 'inf'"),
        ("values=NaN".into(), "values", "not a finite"),
        ("values=1e999".into(), "values", "not a finite"),
        ("values=0x10".into(), "values", "not a finite"),
        (format!("values={too_many}"), "values", "values has 10001 numbers; at most 10000"),
        ("bins=0".into(), "bins", "bins must be an integer from 1 to 1000"),
        ("bins=1001".into(), "bins", "from 1 to 1000"),
        ("bins=many".into(), "bins", "got 'many'"),
        (format!("title={long_title}"), "title", "title is 201 characters long; at most 200"),
        ("title=a%0Ab".into(), "title", "control character U+000A"),
        ("title=a%C2%85b".into(), "title", "control character U+0085"),
        ("title=%FF".into(), "title", "valid UTF-8"),
        ("title=%G1".into(), "title", "bad percent-escape"),
        ("w=63".into(), "w", "w must be an integer from 64 to 4096, got 63"),
        ("h=4097".into(), "h", "h must be an integer from 64 to 4096, got 4097"),
        ("w=-640".into(), "w", "from 64 to 4096"),
        ("dpr=0".into(), "dpr", "dpr must be an integer from 1 to 3, got 0"),
        ("dpr=4".into(), "dpr", "from 1 to 3"),
        ("dpr=1.5".into(), "dpr", "an integer"),
        ("w=4096&h=4096".into(), "w", "w and h give a 4096x4096 image (16777216 pixels); at most 4194304"),
        ("w=2048&h=2049".into(), "w", "at most 4194304 pixels"),
        ("dpr=3&w=683&h=683".into(), "dpr", "w, h and dpr give a 2049x2049 image"),
        ("theme=blue".into(), "theme", "theme must be light, dark or (for .svg) auto, got 'blue'"),
        ("theme=auto".into(), "theme", "theme=auto is for .svg"),
        ("colour=red".into(), "colour", "unknown parameter 'colour'; known parameters are values, n, counts, bins, binwidth, edges, range, norm, cumulative, mode, title, xlabel, ylabel, labels, xscale, yscale, marks, kde, colors, w, h, dpr, theme"),
        ("W=100".into(), "W", "unknown parameter 'W'"),
    ];
    for (q, param, needle) in cases {
        match named(&q) {
            Ok(spec) => panic!("?{} accepted: {spec:?}", &q[..q.len().min(60)]),
            Err((p, msg)) => {
                assert_eq!(p, param, "?{}: {msg}", &q[..q.len().min(60)]);
                assert!(
                    msg.contains(needle),
                    "?{}: message {msg:?} lacks {needle:?}",
                    &q[..q.len().min(60)]
                );
            }
        }
    }
}

#[test]
fn names_follow_the_contract() {
    for ok in ["a", "sales", "Q3-2026_final.v2", &"x".repeat(64), "9"] {
        assert!(parse(ok, None, RouteKind::Named).is_ok(), "{ok}");
    }
    let cases = [
        ("", "empty"),
        (".hidden", "must not start with '.'"),
        (&"x".repeat(65) as &str, "65 characters long; at most 64"),
        ("a b", "contains a space"),
        ("a%20b", "contains '%'"),
        ("a/b", "contains '/'"),
        ("é", "contains U+00E9"),
    ];
    for (name, needle) in cases {
        let e = parse(name, None, RouteKind::Named).unwrap_err();
        assert_eq!(e.parameter, "name");
        assert!(e.message.contains(needle), "{name:?}: {}", e.message);
    }
}

#[test]
fn the_random_chart_takes_no_values() {
    let e = parse("random", Some("values=1,2"), RouteKind::Random).unwrap_err();
    assert_eq!(e.parameter, "values");
    let s = parse("random", Some("n=50&theme=dark"), RouteKind::Random).unwrap();
    assert_eq!(
        (s.data, s.theme, s.title.as_str()),
        (Data::Draws { n: 50 }, Theme::Dark, "Random chart")
    );
}

#[test]
fn every_format_takes_the_same_parameters() {
    use edgechart::spec::{parse_as, Format};
    let q = "values=1,2,2&bins=3&title=x&w=300&h=200&dpr=2&theme=dark";
    for f in Format::ALL {
        let s = parse_as(f, "sales", Some(q), RouteKind::Named).unwrap();
        assert_eq!(
            (s.format, s.width, s.dpr, s.theme),
            (f, 300, 2, Theme::Dark)
        );
        let e = parse_as(f, "sales", Some("bins=0"), RouteKind::Named).unwrap_err();
        assert_eq!(e.parameter, "bins", "{f:?}");
    }
    // theme=auto: the SVG follows the viewer; data has no colours; a PNG
    // must be told.
    for (f, ok) in [
        (Format::Svg, true),
        (Format::Csv, true),
        (Format::Json, true),
        (Format::Png, false),
    ] {
        let r = parse_as(f, "sales", Some("theme=auto"), RouteKind::Named);
        assert_eq!(r.is_ok(), ok, "{f:?}: {r:?}");
    }
}

#[test]
fn routes_pick_the_format_by_extension() {
    use edgechart::serve::flow::{route, Route};
    use edgechart::spec::Format;
    let cases = [
        ("/charts/sales.png", Route::Chart("sales", Format::Png)),
        ("/charts/sales.svg", Route::Chart("sales", Format::Svg)),
        ("/charts/sales.csv", Route::Chart("sales", Format::Csv)),
        ("/charts/sales.json", Route::Chart("sales", Format::Json)),
        ("/charts/v1.2.json", Route::Chart("v1.2", Format::Json)),
        ("/charts/.png", Route::Chart("", Format::Png)),
        ("/random.svg", Route::Random(Format::Svg)),
        ("/random.json", Route::Random(Format::Json)),
        ("/charts/sales.gif", Route::UnknownFormat),
        ("/charts/sales.PNG", Route::UnknownFormat),
        ("/charts/sales.", Route::UnknownFormat),
        ("/random.webp", Route::UnknownFormat),
        ("/charts/sales", Route::NotFound),
        ("/charts.d/x", Route::NotFound),
        ("/random", Route::NotFound),
        ("/randoms.png", Route::NotFound),
        ("/chart/sales.png", Route::NotFound),
        ("/index.html", Route::NotFound),
    ];
    for (path, want) in cases {
        assert_eq!(route(path), want, "{path}");
    }
}

/// The vocabulary of matplotlib, numpy and Vega-Lite (API.md, "The
/// histogram as people draw it"): what each parameter means once parsed.
#[test]
fn the_vocabulary_parses_to_its_meaning() {
    type Check = fn(&ChartSpec) -> bool;
    let cases: &[(&str, Check)] = &[
        ("values=1,2|3,4,5", |s| {
            s.data == Data::Values(vec![vec![1.0, 2.0], vec![3.0, 4.0, 5.0]])
                && s.mode == Mode::Overlay
        }),
        ("values=1|2&labels=before|after", |s| {
            s.labels == ["before", "after"]
        }),
        ("counts=3,5,9&edges=0,1,2,5", |s| {
            s.data
                == Data::Counts {
                    counts: vec![vec![3.0, 5.0, 9.0]],
                    edges: vec![0.0, 1.0, 2.0, 5.0],
                }
        }),
        ("counts=1,2|3,4&edges=0,1,2", |s| s.data.series_count() == 2),
        ("values=1,2&bins=fd", |s| s.bins == Bins::Rule(Rule::Fd)),
        ("values=1,2&bins=doane", |s| {
            s.bins == Bins::Rule(Rule::Doane)
        }),
        ("values=1,2&binwidth=0.5", |s| s.bins == Bins::Width(0.5)),
        ("values=1,2&edges=0,1.5,10", |s| {
            s.bins == Bins::Edges(vec![0.0, 1.5, 10.0])
        }),
        ("values=1,2&range=0,10", |s| s.range == Some((0.0, 10.0))),
        ("norm=density", |s| s.norm == Norm::Density),
        ("norm=percent&cumulative=-1", |s| {
            s.norm == Norm::Percent && s.cumulative == Cumulative::Backward
        }),
        ("cumulative=0", |s| s.cumulative == Cumulative::No),
        ("values=1|2&mode=stack", |s| s.mode == Mode::Stack),
        ("values=1|2&mode=side", |s| s.mode == Mode::Side),
        ("mode=step", |s| s.mode == Mode::Step),
        ("xlabel=kg&ylabel=people", |s| {
            s.xlabel == "kg" && s.ylabel == "people"
        }),
        ("values=1,10,100&xscale=log", |s| s.xscale == Scale::Log),
        ("yscale=log", |s| s.yscale == Scale::Log),
        ("marks=mean,median,p5,p99,2.5", |s| {
            s.marks
                == [
                    MarkSpec::Mean,
                    MarkSpec::Median,
                    MarkSpec::Percentile(5),
                    MarkSpec::Percentile(99),
                    MarkSpec::Value(2.5),
                ]
        }),
        ("kde=1", |s| s.kde),
        ("values=1,2&edges=0,1,2&norm=density&kde=1", |s| s.kde),
        ("values=1|2&colors=ff0000,00FF00", |s| {
            s.colors == [[255, 0, 0], [0, 255, 0]]
        }),
        ("binwidth=0.05", |s| s.bins == Bins::Width(0.05)),
    ];
    for (q, check) in cases {
        let spec = named(q).unwrap_or_else(|e| panic!("?{q} rejected: {e:?}"));
        assert!(check(&spec), "?{q} gave {spec:?}");
    }
    let eight = ["1"; 8].join("|");
    assert!(named(&format!("values={eight}")).is_ok());
}

/// A combination that makes no sense is a 400 naming both parameters; a
/// bound broken is a 400 naming the parameter and the bound.
#[test]
fn the_vocabulary_rejects_what_makes_no_sense() {
    let nine = ["1"; 9].join("|");
    let edges_1002 = (0..1002)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let cases: Vec<(String, &str, &[&str])> = vec![
        (format!("values={nine}"), "values", &["9 series; at most 8"]),
        ("values=1|".into(), "values", &["series 2 item 1 is empty"]),
        (
            "values=1|2&labels=a".into(),
            "labels",
            &["1 names for 2 series"],
        ),
        (
            format!("values=1&labels={}", "x".repeat(61)),
            "labels",
            &["at most 60"],
        ),
        ("counts=1,2".into(), "counts", &["needs edges"]),
        (
            "counts=1,2&edges=0,1".into(),
            "counts",
            &["2 numbers but edges make 1 bins"],
        ),
        ("counts=1,-2&edges=0,1,2".into(), "counts", &["negative"]),
        (
            "counts=1&edges=0,1&values=3".into(),
            "counts",
            &["counts", "values"],
        ),
        (
            "counts=1&edges=0,1&bins=3".into(),
            "counts",
            &["counts", "bins"],
        ),
        (
            "counts=1&edges=0,1&range=0,1".into(),
            "counts",
            &["counts", "range"],
        ),
        ("counts=1&edges=0,1&kde=1".into(), "kde", &["kde", "counts"]),
        (
            "values=1&edges=0,2&bins=3".into(),
            "edges",
            &["edges", "bins"],
        ),
        (
            "values=1&edges=0,2&binwidth=1".into(),
            "edges",
            &["edges", "binwidth"],
        ),
        (
            "values=1&edges=0,2&range=0,1".into(),
            "edges",
            &["edges", "range"],
        ),
        (
            "values=1&binwidth=1&bins=3".into(),
            "binwidth",
            &["binwidth", "bins"],
        ),
        ("values=1&edges=2,1".into(), "edges", &["must increase"]),
        ("values=1&edges=1".into(), "edges", &["2 to 1001"]),
        (
            format!("values=1&edges={edges_1002}"),
            "edges",
            &["1002 numbers", "2 to 1001"],
        ),
        (
            "values=0,1&binwidth=0.0001".into(),
            "binwidth",
            &["10000 bins", "at most 1000"],
        ),
        ("values=1&binwidth=0".into(), "binwidth", &["positive"]),
        ("values=1&binwidth=-1".into(), "binwidth", &["positive"]),
        (
            "values=1e300&binwidth=1e-300".into(),
            "binwidth",
            &["too fine"],
        ),
        ("binwidth=0.01".into(), "binwidth", &["2880 bins"]),
        ("values=1&range=2,1".into(), "range", &["lo < hi"]),
        ("values=1&range=1".into(), "range", &["two numbers"]),
        ("values=1&range=0,inf".into(), "range", &["not a finite"]),
        (
            "norm=pdf".into(),
            "norm",
            &["count, percent, probability, density", "'pdf'"],
        ),
        ("cumulative=2".into(), "cumulative", &["1, -1 or 0"]),
        ("mode=stack".into(), "mode", &["several series", "1 series"]),
        ("values=1|2&mode=bar".into(), "mode", &["one series"]),
        (
            "mode=pie".into(),
            "mode",
            &["bar, overlay, stack, side, step"],
        ),
        (
            format!("xlabel={}", "x".repeat(101)),
            "xlabel",
            &["at most 100"],
        ),
        ("ylabel=a%0Ab".into(), "ylabel", &["control character"]),
        ("xscale=log".into(), "xscale", &["xscale", "n", "> 0"]),
        ("values=1,0&xscale=log".into(), "values", &["item 2", "> 0"]),
        ("values=1,2&xscale=log&range=0,3".into(), "range", &["> 0"]),
        ("xscale=ln".into(), "xscale", &["linear, log"]),
        ("yscale=sqrt".into(), "yscale", &["linear, log"]),
        (
            "marks=mean,mean,mean,mean,mean,mean,mean,mean,mean".into(),
            "marks",
            &["9 items; at most 8"],
        ),
        ("marks=p0".into(), "marks", &["p1 to p99"]),
        ("marks=p100".into(), "marks", &["p1 to p99"]),
        (
            "marks=mode".into(),
            "marks",
            &["mean, median, pNN or a number"],
        ),
        ("marks=2e300".into(), "marks", &["-1e300 to 1e300"]),
        ("values=1,2&xscale=log&marks=-1".into(), "marks", &["> 0"]),
        ("kde=yes".into(), "kde", &["1 or 0"]),
        ("kde=1&cumulative=1".into(), "kde", &["kde", "cumulative"]),
        (
            "values=1,2&edges=0,1,5&kde=1".into(),
            "kde",
            &["kde", "edges", "norm=density"],
        ),
        (
            "values=1|2&colors=ff0000".into(),
            "colors",
            &["1 colours for 2 series"],
        ),
        ("colors=%23ff0000".into(), "colors", &["6 hex digits"]),
        ("colors=gg0000".into(), "colors", &["6 hex digits"]),
    ];
    for (q, param, needles) in cases {
        match named(&q) {
            Ok(spec) => panic!("?{} accepted: {spec:?}", &q[..q.len().min(60)]),
            Err((p, msg)) => {
                assert_eq!(p, param, "?{}: {msg}", &q[..q.len().min(60)]);
                for needle in needles {
                    assert!(
                        msg.contains(needle),
                        "?{}: message {msg:?} lacks {needle:?}",
                        &q[..q.len().min(60)]
                    );
                }
            }
        }
    }
}

/// The demo page's builder reads the parameter table from
/// `www/params.json`; it must be the table this build parses with.
/// Regenerate with `EDGECHART_BLESS=1 cargo test --release --test params`.
#[test]
fn the_demo_page_has_this_builds_parameter_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/params.json");
    let table = edgechart::spec::params::table_json();
    if std::env::var_os("EDGECHART_BLESS").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == table,
        "www/params.json is not this build's parameter table: run with EDGECHART_BLESS=1"
    );
    for p in edgechart::spec::params::PARAMS {
        assert!(on_disk.contains(&format!("\"name\": \"{}\"", p.name)));
    }
}

/// The cost bound refuses nothing renderer 8 drew: its costliest accepted
/// requests (tests/wasm_harness.rs) still parse, in every format, but two.
/// Renderer 8 drew 200 traditional Han characters as placeholders; renderer
/// 10 draws them from a 7.6 MB CJK slice whose first load (about 38 million
/// fuel, counted by the bound) takes those two at dpr 3 with the most draws
/// or values over the budget as pictures: the PNG (and one SVG) are refused
/// with the bound's 400, their CSV and JSON (no text drawn) still served.
#[test]
fn the_cost_bound_keeps_every_older_chart() {
    let values: Vec<String> = (0..10_000)
        .map(|i| format!("{}", (i * 7919 % 10007) as f64 / 10.0))
        .collect();
    let values = values.join(",");
    let cjk = "%E6%BC%A2".repeat(200);
    let queries = [
        "w=2048&h=2048".to_string(),
        "w=4096&h=1024&n=100000&bins=1000&theme=dark".to_string(),
        "w=2048&h=2048&n=100000&bins=1000".to_string(),
        "w=682&h=682&dpr=3".to_string(),
        "w=1365&h=341&dpr=3&n=100000&bins=1000".to_string(),
        format!("w=682&h=682&dpr=3&n=100000&bins=1000&title={cjk}"),
        format!("w=2048&h=2048&values={values}"),
        format!("w=682&h=682&dpr=3&bins=1000&values={values}&title={cjk}"),
    ];
    for (k, q) in queries.iter().enumerate() {
        for f in edgechart::spec::Format::ALL {
            let r = edgechart::spec::parse_as(f, "l", Some(q), RouteKind::Named);
            if (k == 5 || k == 7) && f.is_picture() {
                // Refused, or (the SVG of fewer pixels) still within it.
                if let Err(e) = r {
                    assert!(e.message.contains("CPU budget"), "{}", e.message);
                }
                continue;
            }
            assert!(r.is_ok(), "{f:?} ?{}: {:?}", &q[..q.len().min(60)], r.err());
        }
    }
}

/// A chart the parser's estimate lets through but whose paint work, once
/// laid out, is over the budget (8 series of uniform data overlaid: faded
/// bars that fill the plot 8 layers deep) is refused by the flow before a
/// pixel is painted, with the parser's 400 naming `w`, and nothing is
/// stored; the same chart in `step` mode (outlines, no faded fills) and at
/// a quarter of the size are drawn.
#[test]
fn paint_work_over_the_budget_is_refused_after_layout() {
    use edgechart::serve::flow::handle;
    use edgechart::serve::http::Request;
    use edgechart::serve::store::HotCache;
    use edgechart::testing::{block_on, FixedHost, MemoryStore};
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let values: Vec<String> = (0..8)
        .map(|_| {
            (0..250)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    format!(
                        "{:.3}",
                        100.0 * ((state >> 11) as f64 / (1u64 << 53) as f64)
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let values = values.join("|");
    let get = |q: &str| {
        let (hot, cache, kv) = (
            HotCache::new(1 << 20),
            MemoryStore::default(),
            MemoryStore::default(),
        );
        let target = format!("/charts/u.png?values={values}&bins=100&{q}");
        let out = block_on(handle(
            &Request::get(&target),
            &hot,
            &cache,
            &kv,
            &FixedHost([7; 32]),
        ));
        let (_, query) = target.split_once('?').unwrap();
        let parsed =
            edgechart::spec::parse_with_cost(Format::Png, "u", Some(query), RouteKind::Named);
        (out, parsed)
    };
    let (out, parsed) = get("w=1600&h=1200");
    let (spec, spent) = parsed.expect("the parser's estimate is within the budget");
    assert!(spent <= edgechart::spec::cost::FUEL_MAX, "{spent}");
    let full =
        edgechart::render::budgeted_cost(&spec, edgechart::chart::data::seed_for_name("u"), spent);
    assert!(full > edgechart::spec::cost::FUEL_MAX, "{full}");
    assert_eq!(out.response.status, 400);
    assert!(out.write_back.is_none());
    let body = String::from_utf8_lossy(&out.response.body);
    assert!(body.contains("fit a request's CPU budget"), "{body}");
    assert!(body.contains("smaller w, h or dpr"), "{body}");
    // Faded fills are what costs: the message says how to draw without.
    assert!(body.contains("mode=step or mode=stack"), "{body}");
    assert_eq!(out.response.get("Cache-Control"), Some("no-store"));
    assert!(out.response.get("ETag").is_none());
    for q in ["w=1600&h=1200&mode=step", "w=800&h=600"] {
        let (out, _) = get(q);
        assert_eq!(out.response.status, 200, "{q}");
        assert!(out.write_back.is_some(), "{q}");
    }
}
