// Text in every script against real `wrangler dev`: the shards come from the
// static assets (www/fonts/, through the ASSETS binding), and a shard that
// fails to load (the test switch FONT_FAULT=once) gives placeholders,
// `no-store` and the fault header, and the next request the real chart.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWrangler, root } from './wrangler.mjs';

const thai = '/charts/e2e-thai.png?title=' + encodeURIComponent('สวัสดี ชาวโลก');
const tokyo = '/charts/e2e-tokyo.svg?lang=ja&title=' + encodeURIComponent('東京の気温');

describe('text from the shards', () => {
  let w;
  before(async () => { w = await startWrangler(); });
  after(async () => { await w?.stop(); });

  test('a shard is a static file, content-hashed and immutable', async () => {
    const lock = readFileSync(join(root, 'fonts', 'shards.lock'), 'utf8').trim().split('\n');
    const thaiRow = lock.map((l) => l.split(/\s+/)).find((f) => f[2].includes('/thai.'));
    assert.ok(thaiRow, 'thai is in fonts/shards.lock');
    const r = await fetch(`${w.url}/${thaiRow[2].replace(/^www\//, '')}`);
    assert.equal(r.status, 200);
    assert.equal(Number(thaiRow[1]), (await r.arrayBuffer()).byteLength);
  });

  test('a Thai title and a Japanese SVG are drawn, cached and revalidated', async () => {
    for (const target of [thai, tokyo]) {
      const r = await fetch(`${w.url}${target}`);
      assert.equal(r.status, 200, target);
      assert.equal(r.headers.get('x-chart-fault'), null, target);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const etag = r.headers.get('etag');
      assert.ok(etag, target);
      const body = Buffer.from(await r.arrayBuffer());
      if (target.includes('.svg')) {
        // Glyphs of a shard are named by its digest, so two charts inlined
        // in one page never clash.
        assert.match(body.toString(), /<path id="ec[0-9a-f]{8}-\d+"/);
      }
      const again = await fetch(`${w.url}${target}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      await again.arrayBuffer();
    }
  });
});

describe('a shard that fails to load', () => {
  let w;
  before(async () => { w = await startWrangler({ vars: { FONT_FAULT: 'once' } }); });
  after(async () => { await w?.stop(); });

  test('gives placeholders and no-store, then the next request the chart', async () => {
    const first = await fetch(`${w.url}${thai}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal(first.headers.get('x-chart-fault'), 'font:thai');
    assert.equal(first.headers.get('etag'), null);
    const degraded = Buffer.from(await first.arrayBuffer());
    const next = await fetch(`${w.url}${thai}`);
    assert.equal(next.status, 200);
    assert.equal(next.headers.get('x-chart-fault'), null);
    assert.equal(next.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const good = Buffer.from(await next.arrayBuffer());
    assert.notDeepEqual(good, degraded, 'the placeholders were kept');
    // And it stays good: a memory hit now.
    const third = await fetch(`${w.url}${thai}`);
    assert.equal(third.headers.get('x-chart-source'), 'memory');
    assert.deepEqual(Buffer.from(await third.arrayBuffer()), good);
    // The fault's log line is written after the response (wait_until):
    // give wrangler a moment to pass it on.
    for (let i = 0; i < 50 && !/"event":"font".*"shard":"thai"/.test(w.log()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(w.log(), /"event":"font".*"shard":"thai"/);
  });
});
