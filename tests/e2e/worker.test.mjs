// End to end against a real `wrangler dev` (workerd, local KV, local Cache
// API): the contract of shared/API.md as seen by an HTTP client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startWrangler } from './wrangler.mjs';

let w;
before(async () => { w = await startWrangler(); });
after(async () => { await w?.stop(); });

const get = (path, init = {}) => fetch(w.url + path, init);
const bytes = async (r) => Buffer.from(await r.arrayBuffer());
const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

function decodePng(buf) {
  const png = PNG.sync.read(buf); // throws unless the PNG decodes completely
  return { width: png.width, height: png.height };
}

/** The last row of `RELEASES` in src/spec/identity.rs, as an HTTP date. */
function lastRelease() {
  const source = readFileSync(new URL('../../src/spec/identity.rs', import.meta.url), 'utf8');
  const rows = [...source.matchAll(/^\s*\((\d+), ([\d_]+)\),/gm)];
  assert.ok(rows.length > 0, 'RELEASES rows in identity.rs');
  const seconds = Number(rows[rows.length - 1][2].replaceAll('_', ''));
  return new Date(seconds * 1000).toUTCString();
}

test('first request renders, second is a cache hit with the same bytes and ETag', async () => {
  const path = '/charts/e2e-first.png';
  const a = await get(path);
  const aBody = await bytes(a);
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('x-chart-source'), 'render');
  assert.match(a.headers.get('server-timing'), /render;dur=/);
  assert.equal(a.headers.get('content-type'), 'image/png');
  assert.equal(a.headers.get('content-length'), String(aBody.length));
  assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(a.headers.get('etag'), /^"r\d+-[0-9a-f]{32}"$/);
  // The release of the current renderer: the last row of RELEASES.
  assert.equal(a.headers.get('last-modified'), lastRelease());
  assert.ok(a.headers.get('date'), 'Date header');
  // RFC 9110 8.8.2.1: never a Last-Modified later than the response's Date.
  assert.ok(Date.parse(a.headers.get('last-modified')) <= Date.parse(a.headers.get('date')));
  assert.deepEqual(decodePng(aBody), { width: 640, height: 480 });

  // The stores happen in waitUntil, after the response: give them a moment.
  let b, bBody;
  for (let i = 0; i < 20; i++) {
    b = await get(path);
    bBody = await bytes(b);
    if (b.headers.get('x-chart-source') !== 'render') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(b.status, 200);
  assert.ok(['memory', 'cache', 'kv'].includes(b.headers.get('x-chart-source')), b.headers.get('x-chart-source'));
  assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  assert.equal(b.headers.get('last-modified'), a.headers.get('last-modified'));
  assert.ok(bBody.equals(aBody), 'same bytes');
});

test('spelling of defaults does not change the chart', async () => {
  const a = await get('/charts/e2e-canon.png');
  const b = await get('/charts/e2e-canon.png?h=480&w=640.0&dpr=1&theme=light&n=1e3&bins=100');
  assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  assert.ok((await bytes(a)).equals(await bytes(b)));
});

test('tiers: memory, then KV after a restart, then the Cache API', async () => {
  const path = '/charts/e2e-kv.png?theme=dark&dpr=2';
  const first = await get(path);
  const body = await bytes(first);
  assert.equal(first.headers.get('x-chart-source'), 'render');
  // The isolate's memory serves it now; no storage I/O.
  const again = await get(path);
  assert.equal(again.headers.get('x-chart-source'), 'memory');
  assert.match(again.headers.get('server-timing'), /memory;desc="hit"/);
  assert.ok((await bytes(again)).equals(body));

  // Let waitUntil finish the stores, then restart wrangler: KV survives, a
  // new isolate has empty memory, and wrangler dev's Cache API starts empty
  // (a cold data centre). The in-memory tier is off this time, to reach the
  // Cache API afterwards.
  await new Promise((r) => setTimeout(r, 1500));
  const persist = w.persist;
  await w.stop({ keepState: true });
  w = await startWrangler({ persistTo: persist, vars: { HOT_CACHE_BYTES: '0' } });
  const fromKv = await get(path);
  assert.equal(fromKv.headers.get('x-chart-source'), 'kv');
  assert.match(fromKv.headers.get('server-timing'), /cache;desc="miss", kv;desc="hit"/);
  assert.ok((await bytes(fromKv)).equals(body));
  // The KV hit refilled the Cache API in waitUntil.
  let fromEdge;
  for (let i = 0; i < 30; i++) {
    fromEdge = await get(path);
    if (fromEdge.headers.get('x-chart-source') === 'cache') break;
    await fromEdge.arrayBuffer();
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(fromEdge.headers.get('x-chart-source'), 'cache');
  assert.ok((await bytes(fromEdge)).equals(body));
});

test('revalidation: 304 for If-None-Match and for If-Modified-Since', async () => {
  const path = '/charts/e2e-304.png?w=320&h=200';
  const r = await get(path);
  await r.arrayBuffer();
  const etag = r.headers.get('etag');
  const lm = r.headers.get('last-modified');
  for (const headers of [
    { 'If-None-Match': etag },
    { 'If-None-Match': `"nope", W/${etag}` },
    { 'If-None-Match': '*' },
    { 'If-Modified-Since': lm },
    { 'If-Modified-Since': 'Mon, 01 Jan 2035 00:00:00 GMT' },
  ]) {
    const c = await get(path, { headers });
    const body = await bytes(c);
    assert.equal(c.status, 304, JSON.stringify(headers));
    assert.equal(body.length, 0);
    assert.equal(c.headers.get('etag'), etag);
    assert.equal(c.headers.get('last-modified'), lm);
    assert.equal(c.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
  for (const headers of [
    { 'If-None-Match': '"other"' },
    { 'If-None-Match': '"other"', 'If-Modified-Since': lm },
    { 'If-Modified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
  ]) {
    const c = await get(path, { headers });
    await c.arrayBuffer();
    assert.equal(c.status, 200, JSON.stringify(headers));
  }
});

test('HEAD gives the headers of GET and no body', async () => {
  const path = '/charts/e2e-head.png?dpr=3&w=200&h=100';
  const h = await get(path, { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal((await bytes(h)).length, 0);
  const g = await get(path);
  const body = await bytes(g);
  assert.equal(h.headers.get('content-length'), String(body.length));
  assert.equal(h.headers.get('etag'), g.headers.get('etag'));
  assert.deepEqual(decodePng(body), { width: 600, height: 300 });
});

test('requested pixel sizes', async () => {
  for (const [q, size] of [
    ['w=64&h=64', [64, 64]],
    ['w=800&h=300&dpr=2', [1600, 600]],
    ['w=2048&h=2048', [2048, 2048]],
    ['values=1,2,2,3,3,3,4&theme=dark', [640, 480]],
  ]) {
    const r = await get(`/charts/e2e-size.png?${q}`);
    assert.equal(r.status, 200, q);
    assert.deepEqual(Object.values(decodePng(await bytes(r))), size, q);
  }
});

test('errors: status, no-store, Vary, the parameter and bound, text or image', async () => {
  const cases = [
    ['/charts/e2e.png?w=5000', 400, /w must be an integer from 64 to 4096, got 5000/],
    ['/charts/e2e.png?w=4096&h=4096', 400, /at most 4194304 pixels/],
    ['/charts/e2e.png?values=1,nan', 400, /values item 2 is not a finite decimal number/],
    ['/charts/e2e.png?n=5&n=6', 400, /parameter 'n' is given more than once/],
    ['/charts/e2e.png?colour=red', 400, /unknown parameter 'colour'/],
    ['/charts/.e2e.png', 400, /must not start with '\.'/],
    ['/charts/e2e.png?title=' + 'x'.repeat(201), 400, /at most 200/],
    ['/random.png?values=1', 400, /values is not accepted on \/random \(its data is random\)/],
    ['/nope', 404, /no such route/],
    ['/charts/e2e.gif', 404, /no such format; a chart is \.png, \.svg, \.csv or \.json/],
    ['/random.webp', 404, /no such format/],
  ];
  for (const [path, status, re] of cases) {
    const r = await get(path);
    const text = await r.text();
    assert.equal(r.status, status, path);
    assert.match(text, re, path);
    assert.equal(r.headers.get('cache-control'), 'no-store', path);
    assert.equal(r.headers.get('vary'), 'Accept, Accept-Encoding', path);
    assert.match(r.headers.get('content-type'), /^text\/plain/, path);
    assert.equal(r.headers.get('etag'), null);

    const img = await get(path, { headers: { Accept: IMG_ACCEPT } });
    assert.equal(img.status, status, path);
    assert.equal(img.headers.get('content-type'), 'image/png', path);
    const { width, height } = decodePng(await bytes(img));
    assert.ok(width >= 160 && height >= 20, `${path}: ${width}x${height}`);
  }
  const m = await get('/charts/e2e.png', { method: 'POST', body: 'x' });
  assert.equal(m.status, 405);
  assert.equal(m.headers.get('allow'), 'GET, HEAD');
  assert.equal(m.headers.get('cache-control'), 'no-store');
  await m.arrayBuffer();
});

test('/random.png is fresh every time and never stored', async () => {
  const a = await get('/random.png');
  const b = await get('/random.png');
  const [ab, bb] = [await bytes(a), await bytes(b)];
  for (const r of [a, b]) {
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('etag'), null);
    assert.equal(r.headers.get('last-modified'), null);
    assert.equal(r.headers.get('x-chart-source'), 'render');
  }
  assert.ok(!ab.equals(bb), 'two random charts differ');
  assert.deepEqual(decodePng(ab), { width: 640, height: 480 });
  const c = await get('/random.png', { headers: { 'If-None-Match': '*' } });
  assert.equal(c.status, 200, 'no validators, so no 304');
  await c.arrayBuffer();
});

test('the demo page is served as a static asset', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(await r.text(), /<img/);
});
