// Latency side by side, in one run: rounds of a static file of www/ about
// the chart's size, a 304, a memory hit and a miss of a new classic chart,
// one after the other on one keep-alive connection, so that the machine's
// drift touches all four alike. Medians over the rounds, and each median
// over the static file's: the goals are miss <= 1.5x, memory hit <= 1.1x,
// 304 <= 1.0x. Used by bench/http.mjs; alone:
//   node bench/sidebyside.mjs [ROUNDS]     (starts its own wrangler dev)
import { Agent, request } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startWrangler, root } from '../tests/e2e/wrangler.mjs';

export const GOALS = { miss: 1.5, memory_hit: 1.1, not_modified_304: 1.0 };

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET on the shared connection; resolves with ms, status, headers. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = request(url, { agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Writes www/__bench/static.png, a file of about the classic chart's size. */
export function makeStaticFile() {
  const dir = join(root, 'www', '__bench');
  mkdirSync(dir, { recursive: true });
  execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'render', '--', '/charts/bench-static.png', join(dir, 'static.png')],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return () => rmSync(dir, { recursive: true, force: true });
}

export async function sideBySide(baseUrl, rounds = 60) {
  const hitUrl = `${baseUrl}/charts/bench-sbs-hit.png`;
  const first = await get(hitUrl);
  const etag = first.headers.etag;
  const kinds = {
    static_file: () => get(`${baseUrl}/__bench/static.png`),
    not_modified_304: () => get(hitUrl, { 'If-None-Match': etag }),
    memory_hit: () => get(hitUrl),
    miss: (i) => get(`${baseUrl}/charts/bench-sbs-${Date.now().toString(36)}-${i}.png`),
  };
  const want = { static_file: [200], not_modified_304: [304], memory_hit: [200], miss: [200] };
  for (let i = 0; i < 10; i++) for (const f of Object.values(kinds)) await f(`warm-${i}`);
  const ms = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [k, f] of Object.entries(kinds)) {
      const r = await f(i);
      if (!want[k].includes(r.status)) throw new Error(`${k}: status ${r.status}`);
      if (k === 'memory_hit' && r.headers['x-chart-source'] !== 'memory') throw new Error(`memory hit from ${r.headers['x-chart-source']}`);
      if (k === 'miss' && r.headers['x-chart-source'] !== 'render') throw new Error(`miss from ${r.headers['x-chart-source']}`);
      ms[k].push(r.ms);
    }
  }
  const medians = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  const ratios = Object.fromEntries(Object.keys(GOALS).map((k) => [k, medians[k] / medians.static_file]));
  return {
    rounds,
    median_ms: medians,
    over_static: ratios,
    goals: Object.fromEntries(Object.entries(GOALS).map(([k, g]) => [k, { goal: g, ratio: ratios[k], met: ratios[k] <= g }])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2] ?? 60);
  const cleanup = makeStaticFile();
  const w = await startWrangler();
  try {
    console.log(JSON.stringify(await sideBySide(w.url, rounds), null, 2));
  } finally {
    await w.stop();
    cleanup();
    agent.destroy();
  }
}
