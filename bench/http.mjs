// The HTTP half of the benchmark (scripts/bench.sh runs it): latency of a
// miss, a KV hit, a Cache API hit, a hit from the isolate's memory and a 304
// through `wrangler dev`, and
// requests per second for hits at concurrency 16 (wrk) beside a static file
// of the same size served by the same wrangler dev: the ceiling for a hit.
//   node bench/http.mjs OUT.json
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWrangler, root } from '../tests/e2e/wrangler.mjs';
import { sideBySide } from './sidebyside.mjs';

const out = process.argv[2] ?? join(root, 'bench', 'out', 'http.json');
const N = Number(process.env.BENCH_HTTP_N ?? 40);
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 5);
const log = (...a) => console.error('bench:', ...a);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(url, init) {
  const t = performance.now();
  const r = await fetch(url, init);
  const body = Buffer.from(await r.arrayBuffer());
  return { ms: performance.now() - t, r, body };
}

async function sample(urls, init, expectSource) {
  const ms = [];
  for (const url of urls) {
    const { ms: t, r } = await timed(url, init);
    if (expectSource && r.headers.get('x-chart-source') !== expectSource) {
      throw new Error(`${url}: expected ${expectSource}, got ${r.status} ${r.headers.get('x-chart-source')}`);
    }
    ms.push(t);
  }
  return { median_ms: median(ms), runs: ms.length };
}

function wrk(url) {
  const text = execFileSync('wrk', ['-t2', '-c16', `-d${WRK_SECONDS}s`, '--latency', url], { encoding: 'utf8' });
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const p50 = text.match(/50%\s+([\d.]+)(us|ms|s)/);
  const scale = { us: 1e-3, ms: 1, s: 1e3 }[p50[2]];
  return { requests_per_second: rps, p50_ms: Number(p50[1]) * scale, seconds: WRK_SECONDS, connections: 16 };
}

async function main() {
  // A static file the same size as the classic chart, served from www/.
  const staticDir = join(root, 'www', '__bench');
  mkdirSync(staticDir, { recursive: true });
  execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'render', '--', '/charts/bench-hit.png', join(staticDir, 'static.png')],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

  // The goals, with the default configuration: miss, memory hit and 304
  // side by side with the static file, interleaved round by round.
  log('side by side: static file, 304, memory hit, miss of a new classic chart (100 rounds)');
  const sbsServer = await startWrangler();
  let sbs;
  try {
    sbs = await sideBySide(sbsServer.url, Number(process.env.BENCH_ROUNDS ?? 100));
  } finally {
    await sbsServer.stop();
  }

  // Every tier, so both storage tiers are used whatever the chart costs.
  const always = { KV_POLICY: 'always', CACHE_POLICY: 'always' };
  let w = await startWrangler({ vars: always });
  try {
    const u = (p) => w.url + p;
    const names = Array.from({ length: N }, (_, i) => `/charts/bench-${Date.now().toString(36)}-${i}.png`);
    log(`misses (${N} new charts, each rendered in the Worker)`);
    const miss = await sample(names.map(u), {}, 'render');

    const hitUrl = u('/charts/bench-hit.png');
    const first = await timed(hitUrl);
    const etag = first.r.headers.get('etag');
    const repeat = (url) => Array.from({ length: 5 * N }, () => url);
    log('memory hits (the same chart again and again)');
    const hit = await sample(repeat(hitUrl), {}, 'memory');
    const notModified = await sample(repeat(hitUrl), { headers: { 'If-None-Match': etag } });
    const revalidation = await timed(hitUrl, { headers: { 'If-None-Match': etag } });
    const staticUrl = u('/__bench/static.png');
    const stat = await sample(repeat(staticUrl));
    const staticBody = (await timed(staticUrl)).body;
    log(`wrk: ${WRK_SECONDS}s at 16 connections, memory hit then static file`);
    const wrkHit = wrk(hitUrl);
    const wrkStatic = wrk(staticUrl);
    await new Promise((r) => setTimeout(r, 1000)); // let waitUntil finish the stores

    // Restart with the in-memory tier off: KV survives, the Cache API of
    // wrangler dev starts empty, so the charts come from KV, then the Cache API.
    const persist = w.persist;
    await w.stop({ keepState: true });
    w = await startWrangler({ persistTo: persist, vars: { ...always, HOT_CACHE_BYTES: '0' } });
    const u2 = (p) => w.url + p;
    log('KV hits (Cache API cold)');
    const kvHit = await sample(names.map(u2), {}, 'kv');
    await new Promise((r) => setTimeout(r, 1000));
    log('Cache API hits');
    const cacheHit = await sample(names.map(u2), {}, 'cache');

    const report = {
      wrangler: execFileSync(join(root, 'node_modules', '.bin', 'wrangler'), ['--version'], { encoding: 'utf8' }).trim(),
      chart_bytes: first.body.length,
      static_bytes: staticBody.length,
      side_by_side: sbs,
      latency: { miss, kv_hit: kvHit, cache_hit: cacheHit, memory_hit: hit, not_modified_304: notModified, static_file: stat },
      not_modified: { status: revalidation.r.status, server_timing: revalidation.r.headers.get('server-timing') },
      throughput: { memory_hit: wrkHit, static_file: wrkStatic },
      ratios: {
        hit_latency_over_static: hit.median_ms / stat.median_ms,
        static_rps_over_hit_rps: wrkStatic.requests_per_second / wrkHit.requests_per_second,
      },
    };
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2));
    log(`wrote ${out}`);
  } finally {
    await w.stop();
    rmSync(staticDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
