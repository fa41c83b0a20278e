// Data beyond a URL against a real `wrangler dev` (workerd, local KV): post
// a data set, chart it in every format, revalidate; a failing store; 64
// concurrent posts; signed posts; the CORS preflight; unknown ids; and the
// JavaScript client of www/post-data.mjs as written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startWrangler } from './wrangler.mjs';
import { postData } from '../../www/post-data.mjs';

const bytes = async (r) => Buffer.from(await r.arrayBuffer());
// The runtime compresses text answers for clients that accept it (and then
// drops Content-Length): ask for the bytes as the Worker sent them.
const IDENTITY = { headers: { 'accept-encoding': 'identity' } };
const FORMATS = ['png', 'svg', 'csv', 'json'];

describe('a data store that works', () => {
  let w;
  before(async () => { w = await startWrangler(); });
  after(async () => { await w?.stop(); });
  const post = (body, type = 'text/csv', init = {}) =>
    fetch(`${w.url}/data`, { method: 'POST', headers: { 'content-type': type }, body, ...init });

  test('post once, chart in every format, revalidate with 304', async () => {
    const r = await post('before,after\r\n0.1,2.5\r\n0.2,\r\n0.3,1\r\n');
    const answer = await r.json();
    assert.equal(r.status, 201, JSON.stringify(answer));
    assert.match(answer.id, /^[0-9a-f]{32}$/);
    assert.equal(r.headers.get('location'), `/charts/d/${answer.id}.png`);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(answer.labels, ['before', 'after']);
    for (const f of FORMATS) {
      assert.equal(answer.urls[f], `/charts/d/${answer.id}.${f}`);
      const c = await fetch(w.url + answer.urls[f], IDENTITY);
      const body = await bytes(c);
      assert.equal(c.status, 200, `${f}: ${body}`);
      assert.equal(c.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(c.headers.get('content-length'), String(body.length));
      const etag = c.headers.get('etag');
      const again = await fetch(w.url + answer.urls[f], { headers: { ...IDENTITY.headers, 'if-none-match': etag } });
      assert.equal(again.status, 304, f);
      assert.equal(again.headers.get('etag'), etag);
    }
    const png = PNG.sync.read(await bytes(await fetch(w.url + answer.urls.png)));
    assert.deepEqual([png.width, png.height], [640, 480]);
    // The same data as JSON and in another order: the same id.
    const json = await post(JSON.stringify({ series: [
      { label: 'before', values: [0.3, 0.1, 0.2] }, { label: 'after', values: [1, 2.5] }] }), 'application/json');
    assert.equal(json.status, 201);
    assert.equal((await json.json()).id, answer.id);
  });

  test('a stored chart is the chart of the same values by URL', async () => {
    const values = '0.1,0.2,0.30000000000000004,7,7,-2.5';
    const { id } = await (await post(values.replaceAll(',', ' '), 'text/plain')).json();
    for (const f of FORMATS) {
      const q = 'title=T&bins=4&marks=mean,median&kde=1&norm=density';
      const stored = await bytes(await fetch(`${w.url}/charts/d/${id}.${f}?${q}`));
      const byUrl = await bytes(await fetch(`${w.url}/charts/u.${f}?values=${values}&${q}`));
      assert.ok(stored.equals(byUrl), `${f}: the bytes differ`);
    }
  });

  test('unknown ids are 404 no-store; data parameters are 400', async () => {
    const r = await fetch(`${w.url}/charts/d/${'0'.repeat(32)}.png`);
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const { id } = await (await post('1 2 3', 'text/plain')).json();
    const bad = await fetch(`${w.url}/charts/d/${id}.png?values=1,2`);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-chart-error'), 'values');
  });

  test('wrong types are 415, oversized data 413, other methods 405', async () => {
    const t = await post('1,2', 'image/png');
    assert.equal(t.status, 415);
    assert.match(await t.text(), /text\/csv, application\/json or text\/plain/);
    const many = Array.from({ length: 25_001 }, (_, i) => i % 97).join(' ');
    const m = await post(many, 'text/plain');
    assert.equal(m.status, 413);
    assert.match(await m.text(), /at most 25000/);
    const g = await fetch(`${w.url}/data`);
    assert.equal(g.status, 405);
    assert.equal(g.headers.get('allow'), 'POST');
  });

  test('the CORS preflight lets another origin post', async () => {
    const r = await fetch(`${w.url}/data`, { method: 'OPTIONS', headers: {
      origin: 'https://elsewhere.example', 'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.match(r.headers.get('access-control-allow-methods'), /POST/);
    assert.match(r.headers.get('access-control-allow-headers'), /Content-Type/i);
  });

  test('64 concurrent posts of one data set: 64 answers of 201, one id', async () => {
    const body = 'x\n' + Array.from({ length: 500 }, (_, i) => (i * 0.1).toFixed(1)).join('\n');
    const answers = await Promise.all(Array.from({ length: 64 }, () => post(body)));
    const ids = new Set();
    for (const a of answers) {
      assert.equal(a.status, 201);
      ids.add((await a.json()).id);
    }
    assert.equal(ids.size, 1);
  });

  test('the largest accepted data set posts and charts', async () => {
    const body = Array.from({ length: 25_000 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.05 * (i % 3)).join(',');
    const r = await post(body, 'text/plain');
    assert.equal(r.status, 201, await r.clone().text());
    const { id, numbers } = await r.json();
    assert.equal(numbers, 25_000);
    for (const f of FORMATS) {
      const c = await fetch(`${w.url}/charts/d/${id}.${f}?kde=1&marks=mean,p99`);
      assert.equal(c.status, 200, f);
      await c.arrayBuffer();
    }
  });

  test('the JavaScript client posts and returns absolute URLs', async () => {
    const { id, urls } = await postData(w.url, 'ms\n12\n7.5\n3\n');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(urls.png, `${w.url}/charts/d/${id}.png`);
    assert.equal((await fetch(urls.svg)).status, 200);
    const again = await postData(w.url, { series: [{ label: 'ms', values: [3, 7.5, 12] }] });
    assert.equal(again.id, id);
    await assert.rejects(postData(w.url, 'ms\nabc\n'), /400/);
  });
});

describe('a data store that fails', () => {
  let w;
  before(async () => { w = await startWrangler({ vars: { DATA_STORE_FAULT: 'put' } }); });
  after(async () => { await w?.stop(); });

  test('a POST whose store fails answers 503 and charts nothing', async () => {
    const r = await fetch(`${w.url}/data`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '5 6 7' });
    assert.equal(r.status, 503);
    assert.ok(r.headers.get('retry-after'));
    assert.equal(r.headers.get('cache-control'), 'no-store');
    // The id the data would have had is charted by no one.
    const ok = await startWrangler();
    try {
      const { id } = await postData(ok.url, '5 6 7', { contentType: 'text/plain' });
      const c = await fetch(`${w.url}/charts/d/${id}.png`);
      assert.equal(c.status, 404);
    } finally {
      await ok.stop();
    }
  });
});

describe('signed posts', () => {
  let w;
  before(async () => { w = await startWrangler({ vars: { CHART_SIGNING_KEYS: 'k-one,k-two' } }); });
  after(async () => { await w?.stop(); });

  test('an unsigned POST is 403; a signed one gets signed URLs', async () => {
    const r = await fetch(`${w.url}/data`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '1 2 3' });
    assert.equal(r.status, 403);
    const { urls } = await postData(w.url, '1 2 3', { key: 'k-two', contentType: 'text/plain' });
    assert.match(urls.png, /\?sig=/);
    assert.equal((await fetch(urls.png)).status, 200);
    assert.equal((await fetch(urls.png.split('?')[0])).status, 403);
    await assert.rejects(postData(w.url, '1 2 3', { key: 'wrong', contentType: 'text/plain' }), /403/);
  });
});
