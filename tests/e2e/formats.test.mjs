// The four formats of a chart (.png, .svg, .csv, .json) against a real
// `wrangler dev`: each with its Content-Type, exact length, HEAD, strong
// ETag, 304 and memory hit; the bodies checked against each other (the CSV
// and the SVG's <desc> say what the JSON says); theme=auto; which
// parameters change which ETag; /random.{ext}; unknown extensions, 405 and
// errors per format. One wrangler for the file.
//
// Requests ask for `Accept-Encoding: identity`: wrangler dev, like
// Cloudflare's front line, gzips image/svg+xml and application/json (not
// image/png or text/csv) for clients that accept it, and then sends no
// Content-Length.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startWrangler } from './wrangler.mjs';
import { CONTENT_TYPES as TYPES } from './content-types.mjs';

let w;
before(async () => { w = await startWrangler(); });
after(async () => { await w?.stop(); });

const get = (path, init = {}) => fetch(w.url + path, { ...init, headers: { 'Accept-Encoding': 'identity', ...init.headers } });
const bytes = async (r) => Buffer.from(await r.arrayBuffer());
const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const STRONG_ETAG = /^"r\d+-[0-9a-f]{32}"$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const FORMATS = Object.keys(TYPES);
const VALUES = 'values=1,2,2,3,9';

/** What every body must be, per format; returns something to compare across formats. */
const BODY = {
  png(buf) {
    assert.ok(buf.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
    const png = PNG.sync.read(buf);
    assert.deepEqual([png.width, png.height], [640, 480]);
    return null;
  },
  svg(buf) {
    const text = buf.toString('utf8');
    assert.ok(text.startsWith('<svg'), `starts with <svg: ${text.slice(0, 40)}`);
    assert.match(text, /^<svg[^>]* width="640" height="480"/);
    assert.match(text, /<title>Chart for "e2e-fmt"<\/title>/);
    assert.ok(text.trimEnd().endsWith('</svg>'), 'ends with </svg>');
    // Nothing that runs or loads: the SVG may be opened as a document.
    assert.doesNotMatch(text, /<script|<foreignObject|\son[a-z]+=|(?:xlink:)?href="(?!#)/i);
    return text.match(/<desc>([^<]*)<\/desc>/)?.[1];
  },
  csv(buf) {
    const text = buf.toString('utf8');
    assert.ok(text.startsWith('bin_start,bin_end,count\r\n'), `header row: ${JSON.stringify(text.slice(0, 40))}`);
    assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
    assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n]/, 'only CRLF line ends');
    const rows = text.split('\r\n').slice(1, -1).map((l) => l.split(','));
    assert.ok(rows.every((r) => r.length === 3), 'three columns');
    return rows.map(([s, e, c]) => ({ start: Number(s), end: Number(e), count: Number(c) }));
  },
  json(buf) {
    const j = JSON.parse(buf.toString('utf8'));
    // Today's keys first, the vocabulary's after (new keys may be added).
    assert.deepEqual(Object.keys(j), ['title', 'summary', 'bins', 'edges', 'series']);
    assert.equal(j.edges.length, j.bins.length + 1);
    assert.deepEqual(j.series[0].counts, j.bins.map((b) => b.count));
    assert.equal(j.title, 'Chart for "e2e-fmt"');
    assert.deepEqual(Object.keys(j.summary), ['count', 'min', 'max', 'mean', 'std_dev']);
    assert.equal(j.summary.count, 5);
    assert.deepEqual([j.summary.min, j.summary.max, j.summary.mean], [1, 9, 3.4]);
    // Population standard deviation: sqrt(41.2 / 5).
    assert.ok(Math.abs(j.summary.std_dev - Math.sqrt(41.2 / 5)) < 1e-12, String(j.summary.std_dev));
    assert.ok(j.bins.length >= 1);
    assert.equal(j.bins.reduce((s, b) => s + b.count, 0), j.summary.count, 'the bins hold every value');
    assert.equal(j.bins[0].start, 1);
    assert.equal(j.bins.at(-1).end, 9);
    for (let i = 1; i < j.bins.length; i++) assert.equal(j.bins[i].start, j.bins[i - 1].end, `bin ${i} starts where ${i - 1} ends`);
    return j;
  },
};

const seen = {}; // format -> { etag, body, parsed }

for (const ext of FORMATS) {
  test(`.${ext}: GET, HEAD, 304 and a memory hit`, async () => {
    const path = `/charts/e2e-fmt.${ext}?${VALUES}`;
    const a = await get(path);
    const body = await bytes(a);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), TYPES[ext]);
    assert.equal(a.headers.get('content-length'), String(body.length));
    assert.equal(a.headers.get('content-encoding'), null);
    assert.equal(a.headers.get('cache-control'), IMMUTABLE);
    assert.match(a.headers.get('etag'), STRONG_ETAG);
    assert.ok(a.headers.get('last-modified'));
    assert.equal(a.headers.get('x-chart-source'), 'render');
    assert.match(a.headers.get('server-timing'), /render;dur=/);
    const parsed = BODY[ext](body);
    seen[ext] = { etag: a.headers.get('etag'), body, parsed };

    // HEAD: the headers of GET, no body.
    const h = await get(path, { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal((await bytes(h)).length, 0, 'HEAD has no body');
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control']) {
      assert.equal(h.headers.get(name), a.headers.get(name), `HEAD ${name}`);
    }

    // Revalidation.
    const c = await get(path, { headers: { 'If-None-Match': a.headers.get('etag') } });
    assert.equal(c.status, 304);
    assert.equal((await bytes(c)).length, 0, '304 has no body');
    for (const name of ['etag', 'last-modified', 'cache-control']) {
      assert.equal(c.headers.get(name), a.headers.get(name), `304 ${name}`);
    }

    // The isolate's memory has it now: the same bytes and validators.
    const b = await get(path);
    const again = await bytes(b);
    assert.equal(b.status, 200);
    assert.equal(b.headers.get('x-chart-source'), 'memory');
    assert.match(b.headers.get('server-timing'), /memory;desc="hit"/);
    assert.equal(b.headers.get('etag'), a.headers.get('etag'));
    assert.equal(b.headers.get('last-modified'), a.headers.get('last-modified'));
    assert.equal(b.headers.get('content-type'), TYPES[ext]);
    assert.ok(again.equals(body), 'identical bytes');
  });
}

test('the formats agree: one ETag each, CSV rows and SVG <desc> from the same numbers', () => {
  assert.deepEqual(Object.keys(seen).sort(), [...FORMATS].sort(), 'every format test ran');
  const etags = FORMATS.map((f) => seen[f].etag);
  assert.equal(new Set(etags).size, 4, `four ETags: ${etags.join(' ')}`);
  const j = seen.json.parsed;
  assert.deepEqual(seen.csv.parsed, j.bins, 'the CSV rows are the JSON bins');
  assert.equal(seen.svg.parsed,
    `Histogram of 5 values in ${j.bins.length} bins, from 1 to 9; mean 3.4, standard deviation 2.871.`);
});

test('theme=auto: an SVG with both palettes; a 400 for PNG; ignored by CSV and JSON', async () => {
  const auto = await get('/charts/e2e-auto.svg?theme=auto');
  const svg = (await bytes(auto)).toString('utf8');
  assert.equal(auto.status, 200);
  assert.equal(auto.headers.get('content-type'), TYPES.svg);
  assert.match(auto.headers.get('etag'), STRONG_ETAG);
  assert.match(svg, /@media\s*\(prefers-color-scheme:\s*dark\)/);
  assert.match(svg, /#ffffff/i, 'the light background');
  assert.match(svg, /#16191e/i, 'the dark background');
  const light = await get('/charts/e2e-auto.svg');
  const dark = await get('/charts/e2e-auto.svg?theme=dark');
  const lightSvg = (await bytes(light)).toString('utf8');
  await dark.arrayBuffer();
  assert.doesNotMatch(lightSvg, /prefers-color-scheme/);
  assert.equal(new Set([auto, light, dark].map((r) => r.headers.get('etag'))).size, 3);

  for (const path of ['/charts/e2e-auto.png?theme=auto', '/charts/e2e-auto.png?theme=auto&w=300']) {
    const png = await get(path);
    const text = await png.text();
    assert.equal(png.status, 400, path);
    assert.equal(png.headers.get('x-chart-error'), 'theme', path);
    assert.equal(png.headers.get('cache-control'), 'no-store', path);
    assert.equal(png.headers.get('etag'), null, path);
    assert.match(png.headers.get('content-type'), /^text\/plain/, path);
    assert.match(text, /^400 /, path);
    assert.match(text, /svg/i, `${path}: the message points to SVG: ${text}`);
  }
  // Inside an <img>, the error is a picture.
  const img = await get('/charts/e2e-auto.png?theme=auto', { headers: { Accept: IMG_ACCEPT } });
  assert.equal(img.status, 400);
  assert.equal(img.headers.get('content-type'), 'image/png');
  PNG.sync.read(await bytes(img));

  for (const ext of ['csv', 'json']) {
    const plain = await get(`/charts/e2e-auto.${ext}`);
    const withAuto = await get(`/charts/e2e-auto.${ext}?theme=auto`);
    assert.equal(withAuto.status, 200, ext);
    assert.equal(withAuto.headers.get('etag'), plain.headers.get('etag'), `${ext}: theme=auto is ignored`);
    assert.ok((await bytes(withAuto)).equals(await bytes(plain)), ext);
  }
});

test('w, h, dpr, theme: part of the PNG and SVG identity, not of the CSV and JSON', async () => {
  const etag = async (path) => {
    const r = await get(path, { method: 'HEAD' });
    assert.equal(r.status, 200, path);
    return r.headers.get('etag');
  };
  for (const ext of FORMATS) {
    const base = await etag(`/charts/e2e-size.${ext}`);
    for (const q of ['w=300', 'h=300', 'dpr=2', 'theme=dark']) {
      const other = await etag(`/charts/e2e-size.${ext}?${q}`);
      if (ext === 'csv' || ext === 'json') assert.equal(other, base, `${ext}?${q} keeps the ETag`);
      else assert.notEqual(other, base, `${ext}?${q} changes the ETag`);
    }
    // The data parameters change every format.
    assert.notEqual(await etag(`/charts/e2e-size.${ext}?bins=10`), base, `${ext}?bins=10`);
    assert.notEqual(await etag(`/charts/e2e-size-2.${ext}`), base, `${ext}: another name`);
  }
  // CSV and JSON still check the parameters they ignore.
  const bad = await get('/charts/e2e-size.csv?w=300&dpr=7');
  await bad.arrayBuffer();
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('x-chart-error'), 'dpr');
  // An SVG is drawn in CSS pixels whatever the dpr; its viewBox is the PNG's pixels.
  const svg = (await bytes(await get('/charts/e2e-size.svg?w=300&h=200&dpr=2'))).toString('utf8');
  assert.match(svg, /^<svg[^>]* width="300" height="200" viewBox="0 0 600 400"/);
  const png = PNG.sync.read(await bytes(await get('/charts/e2e-size.png?w=300&h=200&dpr=2')));
  assert.deepEqual([png.width, png.height], [600, 400]);
});

test('/random.{png,svg,csv,json}: fresh each time, never stored, no validators', async () => {
  for (const ext of FORMATS) {
    const r = await get(`/random.${ext}`);
    const body = await bytes(r);
    assert.equal(r.status, 200, ext);
    assert.equal(r.headers.get('content-type'), TYPES[ext], ext);
    assert.equal(r.headers.get('content-length'), String(body.length), ext);
    assert.equal(r.headers.get('cache-control'), 'no-store', ext);
    assert.equal(r.headers.get('etag'), null, ext);
    assert.equal(r.headers.get('last-modified'), null, ext);
    assert.equal(r.headers.get('x-chart-source'), 'render', ext);
    if (ext === 'png') {
      const png = PNG.sync.read(body);
      assert.deepEqual([png.width, png.height], [640, 480]);
    }
    if (ext === 'svg') assert.match(body.toString('utf8'), /^<svg[\s\S]*<title>[^<]*<\/title>\s*<desc>Histogram of 1000 values in 100 bins,/);
    if (ext === 'csv') assert.ok(body.toString('utf8').startsWith('bin_start,bin_end,count\r\n'));
    if (ext === 'json') {
      const j = JSON.parse(body.toString('utf8'));
      assert.equal(j.summary.count, 1000);
      assert.equal(j.bins.reduce((s, b) => s + b.count, 0), 1000);
    }
  }
  const a = await bytes(await get('/random.csv'));
  const b = await bytes(await get('/random.csv'));
  assert.ok(!a.equals(b), 'two random CSVs differ');
  const c = await get('/random.json', { headers: { 'If-None-Match': '*' } });
  assert.equal(c.status, 200, 'no validators, so no 304');
  await c.arrayBuffer();
});

test('an unknown extension is a 404 that lists the formats', async () => {
  for (const path of ['/charts/a.gif', '/random.webp', '/charts/a.jpeg?w=300', '/charts/a.SVG', '/random.txt']) {
    const r = await get(path);
    const text = await r.text();
    assert.equal(r.status, 404, path);
    assert.equal(r.headers.get('cache-control'), 'no-store', path);
    assert.equal(r.headers.get('etag'), null, path);
    assert.match(r.headers.get('content-type'), /^text\/plain/, path);
    assert.equal(text.trim(), '404 Not Found: no such format; a chart is .png, .svg, .csv or .json', path);
    const h = await get(path, { method: 'HEAD' });
    assert.equal(h.status, 404, `HEAD ${path}`);
    assert.equal((await bytes(h)).length, 0);
  }
  // For an <img>, the 404 is a picture too.
  const img = await get('/charts/a.gif', { headers: { Accept: IMG_ACCEPT } });
  assert.equal(img.status, 404);
  assert.equal(img.headers.get('content-type'), 'image/png');
  PNG.sync.read(await bytes(img));
});

test('405 for other methods, in every format', async () => {
  for (const path of [...FORMATS.map((f) => `/charts/a.${f}`), '/random.svg', '/random.json']) {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await get(path, { method, body: method === 'DELETE' ? undefined : 'x' });
      await r.arrayBuffer();
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.get('allow'), 'GET, HEAD', `${method} ${path}`);
      assert.equal(r.headers.get('cache-control'), 'no-store', `${method} ${path}`);
    }
  }
});

test('errors name the parameter in every format, as text or as an image', async () => {
  const cases = [
    ['/charts/a.svg?bins=0', 'bins', /bins must be an integer from 1 to 1000, got 0/],
    ['/charts/a.json?w=99999', 'w', /w must be an integer from 64 to 4096, got 99999/],
    ['/charts/a.csv?values=1,nan', 'values', /values item 2 is not a finite decimal number/],
    ['/charts/a.png?n=0', 'n', /n must be an integer from 1 to 100000, got 0/],
    ['/charts/a.svg?colour=red', 'colour', /unknown parameter 'colour'/],
    ['/random.svg?values=1', 'values', /values is not accepted/],
    ['/random.json?values=1', 'values', /values is not accepted/],
  ];
  for (const [path, param, re] of cases) {
    const r = await get(path);
    const text = await r.text();
    assert.equal(r.status, 400, path);
    assert.match(text, re, path);
    assert.match(text, /^400 Bad Request: /, path);
    assert.equal(r.headers.get('cache-control'), 'no-store', path);
    assert.equal(r.headers.get('vary'), 'Accept, Accept-Encoding', path);
    assert.match(r.headers.get('content-type'), /^text\/plain/, path);
    assert.equal(r.headers.get('etag'), null, path);
    assert.equal(r.headers.get('x-chart-error'), param, path);

    // An <img src=...svg> that fails shows the error picture (a PNG).
    const img = await get(path, { headers: { Accept: IMG_ACCEPT } });
    assert.equal(img.status, 400, path);
    assert.equal(img.headers.get('content-type'), 'image/png', path);
    PNG.sync.read(await bytes(img));
  }
});

// A PNG the parser's estimate lets through but whose faded fills, counted
// once laid out (8 overlaid series of uniform data: bars that fill the
// plot, 8 layers deep), are over the CPU budget: the Worker answers the
// parser's 400 before painting, and stores nothing; the same chart with
// outlines only (`mode=step`) is drawn.
test('paint work over the budget is a 400 after layout; mode=step is drawn', async () => {
  let state = 0x2545f491n;
  const next = () => {
    state = (state * 1103515245n + 12345n) % 2147483648n;
    return (Number(state) / 2147483648 * 100).toFixed(3);
  };
  const series = Array.from({ length: 8 }, () => Array.from({ length: 250 }, next).join(','));
  const path = `/charts/e2e-paint.png?values=${series.join('|')}&bins=100&w=1600&h=1200`;
  const r = await get(path);
  const text = (await bytes(r)).toString('utf8');
  assert.equal(r.status, 400, text.slice(0, 200));
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('etag'), null);
  assert.match(text, /fit a request's CPU budget: use a smaller w, h or dpr, fewer series, or mode=step or mode=stack/);
  const again = await get(path);
  assert.equal(again.status, 400, 'not stored: refused again');
  await again.arrayBuffer();
  const step = await get(`${path}&mode=step`);
  assert.equal(step.status, 200);
  const png = PNG.sync.read(await bytes(step));
  assert.deepEqual([png.width, png.height], [1600, 1200]);
});
