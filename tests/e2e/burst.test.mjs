// 64 simultaneous requests for one new chart against a real `wrangler dev`:
// they share one render and one set of stores (one KV write), and all get
// the same bytes. KV_POLICY and CACHE_POLICY=always so that the chart is stored; the
// Worker's JSON log line per request says which answer stored what
// (LOG_HITS=on, so the memory hits log too). A second server with the default
// LOG_HITS=off shows that hits and 304s then log nothing, and all else does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './wrangler.mjs';
import { CONTENT_TYPES } from './content-types.mjs';

let w;
before(async () => { w = await startWrangler({ vars: { KV_POLICY: 'always', CACHE_POLICY: 'always', LOG_HITS: 'on' } }); });
after(async () => { await w?.stop(); });

const records = () => w.log().split('\n').filter((l) => l.startsWith('{"')).map((l) => JSON.parse(l));

test('64 simultaneous requests for one new chart: one render, one KV write, the same bytes', async () => {
  const path = '/charts/e2e-burst.png?w=480&h=320&n=20000&bins=200';
  const answers = await Promise.all(Array.from({ length: 64 }, async () => {
    const r = await fetch(w.url + path);
    return { status: r.status, source: r.headers.get('x-chart-source'), etag: r.headers.get('etag'), body: Buffer.from(await r.arrayBuffer()) };
  }));
  assert.ok(answers.every((a) => a.status === 200));
  const sources = answers.map((a) => a.source);
  assert.equal(sources.filter((s) => s === 'render').length, 1, sources.join(','));
  assert.ok(answers.every((a) => a.body.equals(answers[0].body) && a.etag === answers[0].etag));
  // Give waitUntil's stores a moment, then read the log records.
  await new Promise((r) => setTimeout(r, 500));
  const key = records().find((rec) => rec.source === 'render' && /^r\d+\/e2e-burst\.png\//.test(rec.key ?? ''))?.key;
  assert.ok(key, 'a log record for the render');
  const mine = records().filter((rec) => rec.key === key);
  assert.equal(mine.length, 64, 'one JSON log line per request');
  assert.deepEqual(mine.filter((rec) => rec.stores).map((rec) => rec.stores), ['cache+kv'], 'one set of stores');
});

test('the log line of a request is JSON a user can query', async () => {
  const r = await fetch(`${w.url}/charts/e2e-log.png?w=99999`);
  await r.arrayBuffer();
  await new Promise((res) => setTimeout(res, 200));
  const rec = records().find((x) => x.error === 'w');
  assert.ok(rec, 'a record for the 400');
  assert.equal(rec.status, 400);
  assert.equal(rec.route, 'chart');
  assert.equal(rec.method, 'GET');
});

test('64 simultaneous requests for one new chart in four formats: one render and one set of stores per format, never one format for another', async () => {
  const exts = Object.keys(CONTENT_TYPES);
  const answers = await Promise.all(Array.from({ length: 64 }, async (_, i) => {
    const ext = exts[i % 4];
    const r = await fetch(`${w.url}/charts/e2e-burst4.${ext}?w=320&h=240&n=5000`);
    return { ext, status: r.status, type: r.headers.get('content-type'), source: r.headers.get('x-chart-source'), etag: r.headers.get('etag'), body: Buffer.from(await r.arrayBuffer()) };
  }));
  for (const ext of exts) {
    const mine = answers.filter((a) => a.ext === ext);
    assert.equal(mine.length, 16);
    assert.ok(mine.every((a) => a.status === 200 && a.type === CONTENT_TYPES[ext]), ext);
    assert.equal(mine.filter((a) => a.source === 'render').length, 1, `${ext}: ${mine.map((a) => a.source)}`);
    assert.ok(mine.every((a) => a.body.equals(mine[0].body) && a.etag === mine[0].etag), ext);
  }
  assert.equal(new Set(answers.map((a) => a.etag)).size, 4, 'an ETag per format');
  const [png, svg, csv, json] = exts.map((ext) => answers.find((a) => a.ext === ext).body);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.match(svg.toString(), /^<svg /);
  assert.match(csv.toString(), /^bin_start,bin_end,count\r\n/);
  assert.equal(JSON.parse(json.toString()).summary.count, 5000);

  await new Promise((r) => setTimeout(r, 500));
  for (const ext of exts) {
    const re = new RegExp(`^r\\d+/e2e-burst4\\.${ext}/`);
    const mine = records().filter((rec) => re.test(rec.key ?? ''));
    assert.equal(mine.length, 16, `${ext}: one log line per request`);
    assert.deepEqual(mine.filter((rec) => rec.stores).map((rec) => rec.stores), ['cache+kv'], `${ext}: one set of stores`);
  }
});

test('by default (LOG_HITS=off) a memory hit and a 304 write no log line; a render, an error and a store hit do', async () => {
  const q = await startWrangler();
  try {
    const url = `${q.url}/charts/e2e-quiet.png`;
    const first = await fetch(url);
    await first.arrayBuffer();
    const hit = await fetch(url);
    await hit.arrayBuffer();
    assert.equal(hit.headers.get('x-chart-source'), 'memory');
    const revalidated = await fetch(url, { headers: { 'If-None-Match': first.headers.get('etag') } });
    assert.equal(revalidated.status, 304);
    const bad = await fetch(`${q.url}/charts/e2e-quiet.png?w=1`);
    await bad.arrayBuffer();
    await new Promise((r) => setTimeout(r, 500));
    const mine = q.log().split('\n').filter((l) => l.startsWith('{"')).map((l) => JSON.parse(l))
      .filter((rec) => rec.route === 'chart' && (rec.key ?? '').includes('/e2e-quiet.png/') || rec.error === 'w');
    assert.deepEqual(mine.map((rec) => [rec.status, rec.source]), [[200, 'render'], [400, null]]);
  } finally {
    await q.stop();
  }
});
