// Saturation side by side (not part of the tests): requests/s at 16
// connections (wrk) for a static file of www/ the size of the classic chart,
// a memory hit of the classic chart and its 304, in ROUNDS interleaved
// rounds of SECONDS each against one `wrangler dev`, so that the machine's
// drift touches all three alike. Medians per kind, and each over the static
// file's. Goals (issue 18): memory hit >= 0.85x, 304 >= 0.95x.
//   node bench/saturation.mjs [ROUNDS=3] [SECONDS=5]   (writes bench/out/saturation.json)
// LOG_HITS=on measures it with the hits' log lines on.
// wrk shares the machine's cores with workerd and wrangler's proxy: the
// ratios, not the absolute figures, carry over.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWrangler, root } from '../tests/e2e/wrangler.mjs';
import { makeStaticFile } from './sidebyside.mjs';

export const SATURATION_GOALS = { memory_hit: 0.85, not_modified_304: 0.95 };

/** CPU seconds so far of the server's processes: wrangler (node) and its
 * workerd processes, whose command lines name this checkout. */
function serverCpuSeconds() {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes(root) || !/workerd|wrangler/.test(cmd)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch { /* gone */ }
  }
  return total;
}

/** One wrk round: requests/s, and the server's CPU milliseconds per request
 * (what a deployment pays for; robust to wrk sharing the cores). */
function wrk(url, seconds, headers = []) {
  const args = ['-t2', '-c16', `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url];
  const cpu0 = serverCpuSeconds();
  const text = execFileSync('wrk', args, { encoding: 'utf8' });
  const cpu = serverCpuSeconds() - cpu0;
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const requests = Number(text.match(/(\d+) requests in/)[1]);
  const non2xx = Number(text.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  if (non2xx) throw new Error(`${url}: ${non2xx} answers outside 2xx and 3xx`);
  return { rps, cpu_ms_per_request: (cpu * 1000) / requests };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function saturation(baseUrl, rounds = 3, seconds = 5) {
  const hitUrl = `${baseUrl}/charts/bench-saturation.png`;
  const first = await fetch(hitUrl);
  await first.arrayBuffer();
  const etag = first.headers.get('etag');
  const again = await fetch(hitUrl);
  await again.arrayBuffer();
  if (again.headers.get('x-chart-source') !== 'memory') throw new Error(`not a memory hit: ${again.headers.get('x-chart-source')}`);
  const revalidated = await fetch(hitUrl, { headers: { 'If-None-Match': etag } });
  if (revalidated.status !== 304) throw new Error(`revalidation gave ${revalidated.status}`);
  const kinds = {
    static_file: () => wrk(`${baseUrl}/__bench/static.png`, seconds),
    memory_hit: () => wrk(hitUrl, seconds),
    not_modified_304: () => wrk(hitUrl, seconds, [`If-None-Match: ${etag}`]),
  };
  kinds.memory_hit();
  const runs = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) for (const [k, f] of Object.entries(kinds)) runs[k].push(f());
  const medians = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((r) => r.rps))]));
  const cpu = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((r) => r.cpu_ms_per_request))]));
  const over = Object.fromEntries(Object.keys(SATURATION_GOALS).map((k) => [k, medians[k] / medians.static_file]));
  return {
    rounds, seconds, connections: 16, runs, median_rps: medians, server_cpu_ms_per_request: cpu, over_static: over,
    goals: Object.fromEntries(Object.entries(SATURATION_GOALS).map(([k, g]) => [k, { goal: g, ratio: over[k], met: over[k] >= g }])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cleanup = makeStaticFile();
  const w = await startWrangler({ vars: process.env.LOG_HITS ? { LOG_HITS: process.env.LOG_HITS } : {} });
  try {
    const r = await saturation(w.url, Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 5));
    mkdirSync(join(root, 'bench', 'out'), { recursive: true });
    writeFileSync(join(root, 'bench', 'out', 'saturation.json'), JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2));
    const m = r.median_rps;
    const c = r.server_cpu_ms_per_request;
    console.log(`requests/s at 16 connections, medians of ${r.rounds} rounds of ${r.seconds} s: static ${m.static_file.toFixed(0)}, memory hit ${m.memory_hit.toFixed(0)} (${r.over_static.memory_hit.toFixed(2)}x), 304 ${m.not_modified_304.toFixed(0)} (${r.over_static.not_modified_304.toFixed(2)}x)`);
    console.log(`server CPU ms per request (wrangler and workerd): static ${c.static_file.toFixed(2)}, memory hit ${c.memory_hit.toFixed(2)}, 304 ${c.not_modified_304.toFixed(2)}`);
  } finally {
    await w.stop();
    cleanup();
  }
}
