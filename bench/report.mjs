// Merges bench/out/{rust,http,matplotlib}.json into bench.json and prints a table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2] ?? 'bench/out';
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const rust = read('rust.json'), http = read('http.json'), mpl = read('matplotlib.json');
const classic = rust.renders[0];
const ratios = {
  matplotlib_over_native: mpl.median_ms / classic.native_ms,
  matplotlib_over_wasm: mpl.median_ms / classic.wasm_ms,
  memory_hit_latency_over_static: http.ratios.hit_latency_over_static,
};
writeFileSync(join(dir, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), rust, http, matplotlib: mpl, ratios }, null, 2));
const f = (x, d = 2) => Number(x).toFixed(d);
console.log(`machine: ${rust.machine.cpu}, ${rust.machine.cores} cores`);
console.log('spec                                      native ms  wasm ms      fuel  png bytes');
for (const r of rust.renders) console.log(`${r.spec.padEnd(42)}${f(r.native_ms, 3).padStart(9)}${f(r.wasm_ms, 3).padStart(9)}${String(r.fuel).padStart(10)}${String(r.png_bytes).padStart(11)}`);
const s = rust.native_classic_ms;
console.log(`classic native stages ms: data ${f(s.data_and_binning, 3)}, drawing ${f(s.drawing, 3)}, text ${f(s.text, 3)}, png ${f(s.png_encoding, 3)}`);
console.log(`wasmtime: compile ${f(rust.wasmtime.module_compile_ms, 0)} ms, instantiate ${f(rust.wasmtime.instantiate_ms, 3)} ms`);
console.log(`worker .wasm: ${rust.worker_wasm.raw_bytes} bytes, ${rust.worker_wasm.gzip_bytes} gzipped`);
const l = http.latency;
console.log(`wrangler dev median ms: miss ${f(l.miss.median_ms)}, kv ${f(l.kv_hit.median_ms)}, cache api ${f(l.edge_hit.median_ms)}, memory ${f(l.memory_hit.median_ms)}, 304 ${f(l.not_modified_304.median_ms)}, static ${f(l.static_file.median_ms)}`);
console.log(`rps at 16 connections: memory hit ${f(http.throughput.memory_hit.requests_per_second, 0)}, static ${f(http.throughput.static_file.requests_per_second, 0)}`);
console.log(`matplotlib ${mpl.matplotlib}: ${f(mpl.median_ms)} ms per chart; ours ${f(ratios.matplotlib_over_native, 0)}x faster native, ${f(ratios.matplotlib_over_wasm, 0)}x in wasm`);
