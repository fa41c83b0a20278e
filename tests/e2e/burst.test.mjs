// 64 simultaneous requests for one new chart against a real `wrangler dev`:
// they share one render and one set of stores (one KV write), and all get
// the same bytes. KV_POLICY and CACHE_POLICY=always so that the chart is stored; the
// Worker's JSON log line per request says which answer stored what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './wrangler.mjs';

let w;
before(async () => { w = await startWrangler({ vars: { KV_POLICY: 'always', CACHE_POLICY: 'always' } }); });
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
