// The cold-start benchmark (scripts/cold.sh runs it; not part of the tests).
//   node bench/cold.mjs [SAMPLES=5] [CHARTS, e.g. classic,costliest]
// For every chart of the table, every runtime and every variant, SAMPLES
// times: a fresh server whose Worker has not answered anything yet, then the
// first request for a new chart and WARM more requests for new charts of the
// same kind. Each request's render time is the Worker's own (`render_ms` of
// its log line: the time inside render_chart, in the runtime's 1 ms steps);
// its latency is measured here. The start log line gives the module's
// instantiation and the start work's time.
// Runtimes: `wrangler dev` (its ready check is a static file, which the
// Worker never sees) and `workerd` alone (bench/workerd.mjs: the deployable
// bundle, no dev proxy, no DevTools session; KV_POLICY and CACHE_POLICY
// `never`, as it has no KV). Variants: `start-work` is the Worker as
// deployed, `no-start-work` the same build without it (`--define
// EDGECHART_START_WORK:false`). Samples of all variants run interleaved, so
// they share the machine's state. COLD_WASM=name=path,... adds the same
// variants for other builds of the .wasm (copied over build/index_bg.wasm,
// the built one put back after).
// Prints medians and ratios; writes bench/out/cold.json.
import { writeFileSync, mkdirSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWrangler, root } from '../tests/e2e/wrangler.mjs';
import { bundle, startWorkerd } from './workerd.mjs';

const SAMPLES = Number(process.argv[2] ?? 5);
const ONLY = process.argv[3]?.split(',');
const WARM = 7;
const CHARTS = [
  ['classic', '.png', ''],
  ['costly png', '.png', '?w=1024&h=1024&dpr=2&n=20000&bins=500'],
  ['costly svg', '.svg', '?w=1600&h=1200&n=20000&bins=500'],
  ['costly csv', '.csv', '?n=20000&bins=500'],
  ['costly json', '.json', '?n=20000&bins=500'],
  ['costliest', '.png', '?w=682&h=682&dpr=3&n=100000&bins=1000'],
].filter(([c]) => !ONLY || ONLY.includes(c));
const NO_START_WORK = { EDGECHART_START_WORK: 'false' };
const log = (...a) => console.error('cold:', ...a);
const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null; };

const BUILT = join(root, 'build', 'index_bg.wasm');
const tmp = mkdtempSync(join(tmpdir(), 'edgechart-cold-'));
const saved = join(tmp, 'built.wasm');
copyFileSync(BUILT, saved);
const WASMS = [['', saved], ...(process.env.COLD_WASM ?? '').split(',').filter(Boolean).map((kv) => kv.split('='))];

// Every variant: how to start a fresh server for it.
const VARIANTS = [];
for (const [name, wasm] of WASMS) {
  copyFileSync(wasm, BUILT);
  const bundles = { on: bundle(), off: bundle(NO_START_WORK) };
  const label = (s) => `${name ? `${name} ` : ''}${s}`;
  const policy = { KV_POLICY: 'never', CACHE_POLICY: 'never' };
  VARIANTS.push(
    { runtime: 'wrangler dev', variant: label('start-work'), start: () => { copyFileSync(wasm, BUILT); return startWrangler({ readyPath: '/index.html' }); } },
    { runtime: 'wrangler dev', variant: label('no-start-work'), start: () => { copyFileSync(wasm, BUILT); return startWrangler({ readyPath: '/index.html', args: ['--define', 'EDGECHART_START_WORK:false'] }); } },
    { runtime: 'workerd', variant: label('start-work'), start: () => startWorkerd(bundles.on, { vars: policy }) },
    { runtime: 'workerd', variant: label('no-start-work'), start: () => startWorkerd(bundles.off, { vars: policy }) },
  );
  VARIANTS.bundles = [...(VARIANTS.bundles ?? []), bundles.on, bundles.off];
}
copyFileSync(saved, BUILT);

async function timed(url) {
  const t = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  return performance.now() - t;
}

/** One fresh server: the start line, then the first and WARM more requests. */
async function sample(v, ext, query, tag) {
  const w = await v.start();
  const names = Array.from({ length: WARM + 1 }, (_, i) => `cold-${tag}-${i}`);
  const wall = [];
  try {
    for (const name of names) wall.push(await timed(`${w.url}/charts/${name}${ext}${query}`));
    await new Promise((r) => setTimeout(r, 300)); // the log lines come after the answers
  } finally {
    await w.stop();
  }
  const lines = w.log().split('\n').map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{"')).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
  const start = lines.find((l) => l.event === 'start');
  const render = names.map((n) => lines.find((l) => l.key?.split('/')[1] === `${n}${ext}`)?.render_ms ?? null);
  if (render.some((r) => r == null)) throw new Error(`a request left no log line:\n${w.log()}`);
  return { instantiate_ms: start?.instantiate_ms ?? null, start_work_ms: start?.start_work_ms ?? null, render, wall };
}

const results = [];
let tag = 0;
try {
  for (const [chart, ext, query] of CHARTS) {
    const samples = VARIANTS.map(() => []);
    for (let s = 0; s < SAMPLES; s++) {
      for (const [i, v] of VARIANTS.entries()) samples[i].push(await sample(v, ext, query, `${tag++}`));
      log(`${chart}: sample ${s + 1}/${SAMPLES} of ${VARIANTS.length} variants`);
    }
    for (const [i, v] of VARIANTS.entries()) {
      const ss = samples[i];
      const firstRender = median(ss.map((s) => s.render[0]));
      const warmRender = median(ss.flatMap((s) => s.render.slice(1)));
      results.push({
        chart, runtime: v.runtime, variant: v.variant, target: `/charts/NAME${ext}${query}`, samples: ss.length,
        first_render_ms: firstRender,
        warm_render_ms: warmRender,
        first_over_warm: warmRender ? firstRender / warmRender : null,
        first_latency_ms: median(ss.map((s) => s.wall[0])),
        warm_latency_ms: median(ss.flatMap((s) => s.wall.slice(1))),
        instantiate_ms: median(ss.map((s) => s.instantiate_ms)),
        start_work_ms: median(ss.map((s) => s.start_work_ms)),
        raw: ss,
      });
    }
  }
} finally {
  copyFileSync(saved, BUILT);
  for (const d of [tmp, ...VARIANTS.bundles]) rmSync(d, { recursive: true, force: true });
}

const pad = (x, n) => String(x ?? '-').padStart(n);
const f1 = (x) => (x == null ? '-' : x.toFixed(1));
console.log(`\ncold starts: medians of ${SAMPLES} fresh servers per row; render = the Worker's render_ms (1 ms steps); warm = its next ${WARM} renders`);
console.log(`${'chart'.padEnd(12)} ${'runtime'.padEnd(13)} ${'variant'.padEnd(20)} ${pad('first', 6)} ${pad('warm', 5)} ${pad('ratio', 6)} ${pad('1st lat', 8)} ${pad('warm lat', 8)} ${pad('inst', 5)} ${pad('start', 6)}`);
for (const r of results) {
  console.log(`${r.chart.padEnd(12)} ${r.runtime.padEnd(13)} ${r.variant.padEnd(20)} ${pad(f1(r.first_render_ms), 6)} ${pad(f1(r.warm_render_ms), 5)} ${pad(f1(r.first_over_warm), 6)} ${pad(f1(r.first_latency_ms), 8)} ${pad(f1(r.warm_latency_ms), 8)} ${pad(r.instantiate_ms, 5)} ${pad(r.start_work_ms, 6)}`);
}
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(join(root, 'bench', 'out', 'cold.json'), JSON.stringify({ date: new Date().toISOString(), samples: SAMPLES, warm_requests: WARM, results }, null, 2));
