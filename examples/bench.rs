//! The Rust half of the benchmark (scripts/bench.sh runs it): native render
//! stages, the same renders inside wasmtime (time, fuel, cold start), PNG
//! sizes and the Worker's .wasm size. Medians over repeated runs; writes
//! JSON to the path given as the first argument.
//!
//!   cargo run --release --example bench -- bench/out/rust.json

use std::time::Instant;

use edgechart::chart::layout::layout;
use edgechart::chart::theme::{Colors, Inks};
use edgechart::chart::{self, data};
use edgechart::encode::deflate;
use edgechart::encode::png::{encode_png, line_len, scanlines};
use edgechart::raster::canvas::paint;
use edgechart::render::render_chart;
use edgechart::spec::{parse_as, ChartSpec, Format, RouteKind};
use serde_json::json;

#[path = "../tests/support/wasm_host.rs"]
mod wasm_host;
use wasm_host::{compiled, linker, Harness};

const CLASSIC: &str = "/charts/sales.png";

fn specs() -> Vec<(&'static str, String)> {
    let values: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "{:.1}",
                50.0 + ((i * 37 % 101) as f64 - 50.0) * (i % 7) as f64 / 7.0
            )
        })
        .collect();
    vec![
        ("classic", CLASSIC.to_string()),
        (
            "user values (1000)",
            format!("/charts/v.png?values={}", values.join(",")),
        ),
        ("dark", "/charts/sales.png?theme=dark".into()),
        ("dpr=2", "/charts/sales.png?dpr=2".into()),
        ("largest 2048x2048", "/charts/big.png?w=2048&h=2048".into()),
        (
            "largest 4096x1024, n=100000, bins=1000",
            "/charts/wide.png?w=4096&h=1024&n=100000&bins=1000".into(),
        ),
        ("classic SVG", "/charts/sales.svg".into()),
        (
            "classic SVG, theme=auto",
            "/charts/sales.svg?theme=auto".into(),
        ),
        ("classic CSV", "/charts/sales.csv".into()),
        ("classic JSON", "/charts/sales.json".into()),
    ]
}

fn spec_of(target: &str) -> ChartSpec {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (name, ext) = path
        .trim_start_matches("/charts/")
        .rsplit_once('.')
        .unwrap();
    let format = Format::from_extension(ext).expect("a format");
    parse_as(format, name, Some(query), RouteKind::Named).expect("valid spec")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median milliseconds of `f` over `reps` runs (after one warm-up).
fn time_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn reps_for(spec: &ChartSpec) -> usize {
    let px = spec.pixel_size().0 as usize * spec.pixel_size().1 as usize;
    if px > 1_000_000 {
        15
    } else {
        150
    }
}

fn main() {
    let out_path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench/out/rust.json".into());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    eprintln!("bench: {cpu}, {cores} cores");

    // Native stages of the classic chart.
    let spec = spec_of(CLASSIC);
    let seed = data::seed_for_name(&spec.name);
    let model = chart::model(&spec, seed, edgechart::chart::model::Reads::of(spec.format));
    let scene = layout(&model, &spec).unwrap();
    let inks = Inks::new(Colors::Light, &[], 1);
    let canvas = paint(&scene, &inks);
    let reps = 300;
    let t_data = time_ms(reps, || {
        std::hint::black_box(chart::model(
            &spec,
            seed,
            edgechart::chart::model::Reads::of(spec.format),
        ));
    });
    let t_layout = time_ms(reps, || {
        std::hint::black_box(layout(&model, &spec).unwrap());
    });
    let t_paint = time_ms(reps, || {
        std::hint::black_box(paint(&scene, &inks));
    });
    let t_encode = time_ms(reps, || {
        std::hint::black_box(encode_png(&canvas).unwrap());
    });
    // The PNG compressor against miniz (zlib's algorithm) at its best level,
    // on the same scanlines: what the bytes would be with a general encoder.
    let width = canvas.width as usize;
    let lines = scanlines(&canvas.pixels, width);
    let mut ours_bytes = 0;
    let t_ours = time_ms(reps, || {
        ours_bytes = deflate::zlib(&lines, line_len(width)).len();
    });
    let mut miniz_bytes = 0;
    let t_miniz = time_ms(20, || {
        miniz_bytes = miniz_oxide::deflate::compress_to_vec_zlib(&lines, 9).len();
    });
    let t_total = time_ms(reps, || {
        std::hint::black_box(render_chart(&spec).unwrap());
    });
    eprintln!("bench: native classic {t_total:.3} ms");

    // Inside wasmtime: cold start, then renders on a warm instance with
    // empty storage and memory tier (every request renders).
    let c = compiled();
    let bytes = std::fs::read(wasm_host::module_path()).unwrap();
    let compile_ms = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(wasmtime::Module::new(&c.engine, &bytes).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    );
    let l = linker();
    let instantiate_ms = median(
        (0..20)
            .map(|_| {
                let mut store = wasmtime::Store::new(&c.engine, wasm_host::HostState::default());
                store.set_fuel(u64::MAX / 2).unwrap();
                let t = Instant::now();
                std::hint::black_box(l.instantiate(&mut store, &c.module).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    );

    let mut rows = Vec::new();
    for (label, target) in specs() {
        let spec = spec_of(&target);
        let reps = reps_for(&spec);
        let native_ms = time_ms(reps, || {
            std::hint::black_box(render_chart(&spec).unwrap());
        });
        let mut h = Harness::new();
        let mut fuel = 0;
        let mut body_bytes = 0;
        let wasm_ms = time_ms(reps, || {
            h.host().tiers = Default::default();
            h.clear_hot();
            let r = h.get(&target);
            assert_eq!(r.status, 200, "{label}");
            assert_eq!(r.header("X-Chart-Source"), Some("render"));
            body_bytes = r.body.len();
            fuel = h.last_fuel;
        });
        eprintln!("bench: {label}: native {native_ms:.3} ms, wasm {wasm_ms:.3} ms, {fuel} fuel, {body_bytes} bytes");
        rows.push(json!({
            "spec": label, "url": if target.len() > 120 { format!("{}...", &target[..120]) } else { target.clone() },
            "pixels": [spec.pixel_size().0, spec.pixel_size().1],
            "native_ms": native_ms, "wasm_ms": wasm_ms, "wasm_over_native": wasm_ms / native_ms,
            "fuel": fuel, "body_bytes": body_bytes, "runs": reps,
        }));
    }

    let worker_wasm = std::path::Path::new("build/index_bg.wasm");
    let (raw, gz) = match std::fs::read(worker_wasm) {
        Ok(b) => {
            let gz = std::process::Command::new("sh")
                .args(["-c", "gzip -9 -c build/index_bg.wasm | wc -c"])
                .output()
                .ok()
                .and_then(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .trim()
                        .parse::<u64>()
                        .ok()
                });
            (Some(b.len() as u64), gz)
        }
        Err(_) => (None, None),
    };

    let report = json!({
        "machine": { "cpu": cpu, "cores": cores },
        "native_classic_ms": { "data_and_binning": t_data, "layout": t_layout, "paint": t_paint, "png_encoding": t_encode, "total": t_total },
        "wasmtime": { "module_compile_ms": compile_ms, "instantiate_ms": instantiate_ms, "module_bytes": bytes.len() },
        "classic_compression": {
            "scanline_bytes": lines.len(),
            "ours": { "zlib_bytes": ours_bytes, "ms": t_ours },
            "miniz_level_9": { "zlib_bytes": miniz_bytes, "ms": t_miniz },
        },
        "renders": rows,
        "worker_wasm": { "path": "build/index_bg.wasm", "raw_bytes": raw, "gzip_bytes": gz },
    });
    if let Some(dir) = std::path::Path::new(&out_path).parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&out_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    eprintln!("bench: wrote {out_path}");
}
