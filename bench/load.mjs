// The load command (scripts/load.sh runs it; not part of the tests): a mixed
// load against `wrangler dev` that checks every answer, then a soak that
// watches the workerd process's memory.
//   node bench/load.mjs [REQUESTS=10000] [CONCURRENCY=64] [SOAK_SECONDS=300]
// Mix: hits over a Zipf of 200 chart names, new charts, 304 revalidations,
// bad input, /random and a static file; charts in every format (PNG 55%,
// SVG 25%, CSV 10%, JSON 10%). Checks: no 5xx, no connection error, every
// 200 chart of its format's Content-Type and whole (a PNG of the requested
// size, an SVG of the requested size that closes, a CSV and a JSON whose
// counts sum to the 1000 values), one byte string per URL, every error
// no-store (and a 429 only with Retry-After). Prints requests/s and p50/p99
// per class and the count per format; writes bench/out/load.json.
import { Agent, request } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startWrangler, root } from '../tests/e2e/wrangler.mjs';
import { CONTENT_TYPES } from '../tests/e2e/content-types.mjs';
import { makeStaticFile } from './sidebyside.mjs';

const REQUESTS = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const SOAK_SECONDS = Number(process.argv[4] ?? 300);
const log = (...a) => console.error('load:', ...a);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url, headers = {}) {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const req = request(url, { agent, headers, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

/** A Zipf(1.1) draw over 1..n, from a seeded generator. */
function zipfSampler(n, s, rand) {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b);
  const cdf = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  return () => { const u = rand(); let i = cdf.findIndex((c) => c >= u); return (i < 0 ? n : i + 1); };
}

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

const RUN = Date.now().toString(36);

const FORMATS = [['png', 0.55], ['svg', 0.25], ['csv', 0.10], ['json', 0.10]];

function pickFormat(rand) {
  let u = rand();
  for (const [f, share] of FORMATS) if ((u -= share) < 0) return f;
  return 'png';
}

/** The next request of the mix: [class, path, headers, expected chart]. */
function mix(rand, zipf, etags, i) {
  const u = rand();
  const f = pickFormat(rand);
  if (u < 0.45) { const k = zipf(); return ['hit', `/charts/zipf-${k}.${f}?w=320&h=200`, {}, { f, size: [320, 200] }]; }
  if (u < 0.60) return ['new', `/charts/new-${RUN}-${i}.${f}?w=200&h=150`, {}, { f, size: [200, 150] }];
  if (u < 0.75 && etags.size) {
    const [path, etag] = [...etags][Math.floor(rand() * etags.size)];
    return ['304', path, { 'If-None-Match': etag }, null];
  }
  if (u < 0.82) return ['bad', `/charts/bad.${f}?w=${99999 + i}`, {}, null];
  if (u < 0.90) return ['random', `/random.${f}?w=160&h=120`, {}, { f, size: [160, 120] }];
  return ['static', '/__bench/static.png', {}, null];
}

/** What is wrong with a 200 chart answer, or null: its Content-Type and
 * whether it is whole (n=1000 is the default data of every URL here). */
function chartProblem(r, { f, size }) {
  const type = r.headers['content-type'] ?? '';
  if (type !== CONTENT_TYPES[f]) return `Content-Type ${type} for .${f}`;
  const text = () => r.body.toString('utf8');
  const sum = (counts) => counts.reduce((a, b) => a + b, 0);
  try {
    if (f === 'png') {
      const png = PNG.sync.read(r.body);
      if (png.width !== size[0] || png.height !== size[1]) return `${png.width}x${png.height}`;
    } else if (f === 'svg') {
      const t = text();
      if (!t.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" width="${size[0]}" height="${size[1]}"`)) return `SVG starts ${t.slice(0, 80)}`;
      if (!t.trimEnd().endsWith('</svg>')) return 'SVG does not close';
    } else if (f === 'csv') {
      const rows = text().split('\r\n').filter(Boolean);
      if (rows[0] !== 'bin_start,bin_end,count') return `CSV header ${rows[0]}`;
      const n = sum(rows.slice(1).map((row) => Number(row.split(',')[2])));
      if (n !== 1000) return `CSV counts sum to ${n}`;
    } else {
      const j = JSON.parse(text());
      const n = sum(j.bins.map((b) => b.count));
      if (n !== 1000 || j.summary.count !== 1000) return `JSON counts ${n}, summary ${j.summary.count}`;
    }
  } catch (e) { return `not a ${f} (${e.message})`; }
  return null;
}

function pct(xs, p) { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; }

async function run(baseUrl, total, concurrency, seed, { deadline = Infinity } = {}) {
  const rand = rng(seed);
  const zipf = zipfSampler(200, 1.1, rand);
  const etags = new Map();
  const bodies = new Map();
  const stats = {};
  const problems = [];
  const formats = {};
  let next = 0;
  const started = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= total || performance.now() > deadline) return;
      const [cls, path, headers, chart] = mix(rand, zipf, etags, i);
      const r = await get(baseUrl + path, headers);
      const st = (stats[cls] ??= { n: 0, ms: [], statuses: {} });
      st.n++;
      const ext = path.match(/\.(png|svg|csv|json)(\?|$)/)?.[1] ?? 'other';
      formats[ext] = (formats[ext] ?? 0) + 1;
      if (r.error) { problems.push(`${cls} ${path}: connection error ${r.error}`); continue; }
      st.ms.push(r.ms);
      st.statuses[r.status] = (st.statuses[r.status] ?? 0) + 1;
      if (r.status >= 500) problems.push(`${cls} ${path}: ${r.status}`);
      if (r.status >= 400 && r.headers['cache-control'] !== 'no-store') problems.push(`${cls} ${path}: ${r.status} without no-store`);
      if (r.status === 429 && !r.headers['retry-after']) problems.push(`${cls} ${path}: 429 without Retry-After`);
      if (r.status === 200 && chart) {
        const p = chartProblem(r, chart);
        if (p) problems.push(`${path}: ${p}`);
      }
      if (r.status === 200 && cls !== 'random' && cls !== 'static') {
        const h = createHash('sha256').update(r.body).digest('hex');
        if (bodies.has(path) && bodies.get(path) !== h) problems.push(`${path}: two different byte strings`);
        bodies.set(path, h);
        if (r.headers.etag) etags.set(path, r.headers.etag);
      }
      if (cls === '304' && r.status !== 304) problems.push(`${path}: revalidation gave ${r.status}`);
      if (cls === 'bad' && r.status !== 400) problems.push(`${path}: bad input gave ${r.status}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const done = Object.values(stats).reduce((a, s) => a + s.n, 0);
  const classes = Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, {
    requests: s.n, statuses: s.statuses, p50_ms: pct(s.ms, 0.5), p99_ms: pct(s.ms, 0.99),
  }]));
  return { requests: done, concurrency, seconds, requests_per_second: done / seconds, classes, formats, problems: problems.slice(0, 50), problem_count: problems.length };
}

/** Resident memory of the workerd processes wrangler dev started (KiB). */
function workerdRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('workerd') || !cmd.includes(root)) continue;
      const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      if (rss) total += Number(rss[1]);
    } catch { /* gone */ }
  }
  return total;
}

function printRun(title, r) {
  console.log(`\n${title}: ${r.requests} requests at concurrency ${r.concurrency} in ${r.seconds.toFixed(1)} s, ${r.requests_per_second.toFixed(0)} requests/s, ${r.problem_count} problems`);
  console.log(`${'class'.padEnd(8)} ${'requests'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  statuses`);
  for (const [k, c] of Object.entries(r.classes)) {
    console.log(`${k.padEnd(8)} ${String(c.requests).padStart(8)} ${c.p50_ms.toFixed(1).padStart(8)} ${c.p99_ms.toFixed(1).padStart(8)}  ${JSON.stringify(c.statuses)}`);
  }
  console.log(`requests per format (the static file is 'other'): ${JSON.stringify(r.formats)}`);
  for (const p of r.problems.slice(0, 10)) console.log(`  problem: ${p}`);
}

const cleanup = makeStaticFile();
const w = await startWrangler({ vars: { RENDER_BUDGET: process.env.LOAD_RENDER_BUDGET ?? 'off' } });
let failed = false;
try {
  log(`${REQUESTS} requests at concurrency ${CONCURRENCY}`);
  const load = await run(w.url, REQUESTS, CONCURRENCY, 42);
  printRun('load', load);
  failed ||= load.problem_count > 0;

  let soak = null;
  if (SOAK_SECONDS > 0) {
    log(`soak: ${SOAK_SECONDS} s at concurrency 16, workerd memory every 30 s`);
    const samples = [{ t: 0, rss_kib: workerdRss() }];
    const t0 = performance.now();
    const timer = setInterval(() => samples.push({ t: Math.round((performance.now() - t0) / 1000), rss_kib: workerdRss() }), 30_000);
    const r = await run(w.url, Infinity, 16, 7, { deadline: t0 + SOAK_SECONDS * 1000 });
    clearInterval(timer);
    samples.push({ t: Math.round((performance.now() - t0) / 1000), rss_kib: workerdRss() });
    const half = samples.filter((s) => s.t >= SOAK_SECONDS / 2);
    const growthSecondHalf = half.at(-1).rss_kib - half[0].rss_kib;
    soak = { ...r, memory: samples, second_half_growth_kib: growthSecondHalf };
    printRun('soak', r);
    console.log(`workerd memory (MiB): ${samples.map((s) => `${s.t}s ${(s.rss_kib / 1024).toFixed(0)}`).join(', ')}`);
    console.log(`growth over the second half: ${(growthSecondHalf / 1024).toFixed(1)} MiB`);
    failed ||= r.problem_count > 0;
  }
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'load.json'), JSON.stringify({ date: new Date().toISOString(), load, soak }, null, 2));
} finally {
  await w.stop();
  cleanup();
  agent.destroy();
}
process.exit(failed ? 1 : 0);
