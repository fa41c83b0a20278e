// Merges bench/out/{rust,http,matplotlib}.json into bench.json and prints a table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2] ?? 'bench/out';
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const rust = read('rust.json'), http = read('http.json'), mpl = read('matplotlib.json');
const classic = rust.renders[0];
const svg = rust.renders.find((r) => r.spec === 'classic SVG');
const ratios = {
  matplotlib_over_native: mpl.median_ms / classic.native_ms,
  matplotlib_over_wasm: mpl.median_ms / classic.wasm_ms,
  memory_hit_latency_over_static: http.ratios.hit_latency_over_static,
};
// Issue 5's goals, each checked against this run's figures.
const largest = Math.max(...rust.renders.filter((r) => r.spec.startsWith('largest')).map((r) => r.wasm_ms));
const goals = [
  ['classic chart in wasm <= 2 ms', `${classic.wasm_ms.toFixed(3)} ms`, classic.wasm_ms <= 2],
  ['largest chart in wasm <= 10 ms', `${largest.toFixed(3)} ms`, largest <= 10],
  ['>= 50x faster than matplotlib (wasm)', `${ratios.matplotlib_over_wasm.toFixed(0)}x`, ratios.matplotlib_over_wasm >= 50],
  ['classic PNG <= 4 KB', `${classic.body_bytes} bytes`, classic.body_bytes <= 4096],
  ['Worker .wasm <= 330 KB gzipped', `${rust.worker_wasm.gzip_bytes} bytes`, rust.worker_wasm.gzip_bytes <= 330 * 1000],
  // Issue 12's goals for the SVG.
  ['classic SVG <= 8 KB', `${svg.body_bytes} bytes`, svg.body_bytes <= 8 * 1024],
  ['classic SVG in wasm < 0.5 ms', `${svg.wasm_ms.toFixed(3)} ms`, svg.wasm_ms < 0.5],
  ['classic fuel <= 25 M', `${(classic.fuel / 1e6).toFixed(1)} M`, classic.fuel <= 25e6],
  ...Object.entries(http.side_by_side.goals).map(([k, g]) => [
    `${k.replace(/_/g, ' ')} <= ${g.goal}x static (side by side)`, `${g.ratio.toFixed(2)}x`, g.met]),
  ['304 before any lookup', `${http.not_modified.status}, ${http.not_modified.server_timing}`,
    http.not_modified.status === 304 && /revalidate/.test(http.not_modified.server_timing ?? '')],
].map(([goal, measured, met]) => ({ goal, measured, met }));
writeFileSync(join(dir, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), rust, http, matplotlib: mpl, ratios, goals }, null, 2));
const f = (x, d = 2) => Number(x).toFixed(d);
console.log(`machine: ${rust.machine.cpu}, ${rust.machine.cores} cores`);
console.log('spec                                      native ms  wasm ms      fuel      bytes');
for (const r of rust.renders) console.log(`${r.spec.padEnd(42)}${f(r.native_ms, 3).padStart(9)}${f(r.wasm_ms, 3).padStart(9)}${String(r.fuel).padStart(10)}${String(r.body_bytes).padStart(11)}`);
const s = rust.native_classic_ms;
console.log(`classic native stages ms: data ${f(s.data_and_binning, 3)}, layout ${f(s.layout, 3)}, paint ${f(s.paint, 3)}, png ${f(s.png_encoding, 3)}`);
const cc = rust.classic_compression;
console.log(`classic image data (${cc.scanline_bytes} bytes unpacked): ours ${cc.ours.zlib_bytes} bytes in ${f(cc.ours.ms, 3)} ms, miniz level 9 ${cc.miniz_level_9.zlib_bytes} bytes in ${f(cc.miniz_level_9.ms, 3)} ms`);
console.log(`wasmtime: compile ${f(rust.wasmtime.module_compile_ms, 0)} ms, instantiate ${f(rust.wasmtime.instantiate_ms, 3)} ms`);
console.log(`worker .wasm: ${rust.worker_wasm.raw_bytes} bytes, ${rust.worker_wasm.gzip_bytes} gzipped`);
const l = http.latency;
console.log(`wrangler dev median ms: miss ${f(l.miss.median_ms)}, kv ${f(l.kv_hit.median_ms)}, cache api ${f(l.cache_hit.median_ms)}, memory ${f(l.memory_hit.median_ms)}, 304 ${f(l.not_modified_304.median_ms)}, static ${f(l.static_file.median_ms)}`);
const sb = http.side_by_side.median_ms;
console.log(`side by side, ${http.side_by_side.rounds} rounds, median ms: static ${f(sb.static_file)}, 304 ${f(sb.not_modified_304)}, memory hit ${f(sb.memory_hit)}, miss ${f(sb.miss)}`);
console.log(`rps at 16 connections: memory hit ${f(http.throughput.memory_hit.requests_per_second, 0)}, static ${f(http.throughput.static_file.requests_per_second, 0)}`);
console.log(`matplotlib ${mpl.matplotlib}: ${f(mpl.median_ms)} ms per chart; ours ${f(ratios.matplotlib_over_native, 0)}x faster native, ${f(ratios.matplotlib_over_wasm, 0)}x in wasm`);
console.log('goals:');
for (const g of goals) console.log(`  ${g.met ? 'met   ' : 'MISSED'} ${g.goal.padEnd(40)} ${g.measured}`);
