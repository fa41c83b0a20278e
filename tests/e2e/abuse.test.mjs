// Abuse protection against a real `wrangler dev`: signed URLs (started with
// CHART_SIGNING_KEYS in its environment) and the render budget (the
// [[ratelimits]] binding, which wrangler dev emulates, turned on with
// RENDER_BUDGET=on). The signers are the README's JavaScript function and
// the `sign` example binary that `cargo test` builds.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startWrangler, root } from './wrangler.mjs';
import { signTarget } from './sign.mjs';

const K1 = 'key-one';
const K2 = 'key-two';
const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

/** The example binary's signature for `target` under `key`. */
function signWithExample(key, target) {
  const bin = join(root, 'target', 'release', 'examples', 'sign');
  if (!existsSync(bin)) throw new Error(`${bin} missing: cargo test --release builds it`);
  return execFileSync(bin, [target, key], { encoding: 'utf8' }).trim();
}

describe('signed URLs', () => {
  let w;
  before(async () => {
    w = await startWrangler({ vars: { CHART_SIGNING_KEYS: `${K1},${K2}` } });
  });
  after(async () => { await w?.stop(); });
  const get = async (path, init = {}) => {
    const r = await fetch(w.url + path, init);
    return { r, body: Buffer.from(await r.arrayBuffer()) };
  };
  const target = '/charts/e2e-signed.png?w=320&h=200';

  test('both signers agree, and a URL signed with either key is served with the same ETag', async () => {
    const js1 = await signTarget(K1, target);
    assert.equal(signWithExample(K1, target), js1);
    const a = await get(js1);
    const b = await get(await signTarget(K2, target));
    assert.equal(a.r.status, 200);
    assert.equal(b.r.status, 200);
    assert.equal(a.r.headers.get('etag'), b.r.headers.get('etag'));
    assert.ok(a.body.equals(b.body));
    const png = PNG.sync.read(a.body);
    assert.deepEqual([png.width, png.height], [320, 200]);
  });

  test('unsigned, tampered, wrong key, misplaced, truncated: 403 that says which', async () => {
    const s1 = await signTarget(K1, target);
    const cases = [
      [target, 'missing'],
      [s1.replace('e2e-signed', 'e2e-signeD'), 'does not match'],
      [s1.replace('w=320', 'w=330'), 'does not match'],
      [await signTarget('key-three', target), 'does not match'],
      [`${s1}&dpr=2`, 'last query parameter'],
      [s1.slice(0, -4), 'malformed'],
      ['/random.png', 'missing'],
    ];
    for (const [path, needle] of cases) {
      const { r, body } = await get(path);
      assert.equal(r.status, 403, path);
      assert.equal(r.headers.get('cache-control'), 'no-store', path);
      assert.equal(r.headers.get('x-chart-error'), 'sig', path);
      assert.ok(body.toString().includes(needle), `${path}: ${body}`);
      assert.ok(!body.toString().includes(K1) && !body.toString().includes(K2));
    }
  });

  test('/random.png signed; a signed revalidation is a 304; the error image for an <img>', async () => {
    const rnd = await get(await signTarget(K2, '/random.png?n=50'));
    assert.equal(rnd.r.status, 200);
    assert.equal(rnd.r.headers.get('cache-control'), 'no-store');
    const s1 = await signTarget(K1, target);
    const first = await get(s1);
    const again = await fetch(w.url + s1, { headers: { 'If-None-Match': first.r.headers.get('etag') } });
    assert.equal(again.status, 304);
    const unsignedReval = await fetch(w.url + target, { headers: { 'If-None-Match': first.r.headers.get('etag') } });
    assert.equal(unsignedReval.status, 403, 'verification comes before the 304');
    const img = await get(target, { headers: { Accept: IMG_ACCEPT } });
    assert.equal(img.r.status, 403);
    assert.equal(img.r.headers.get('content-type'), 'image/png');
    PNG.sync.read(img.body);
  });

  test('static files need no signature', async () => {
    const r = await fetch(`${w.url}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/html/);
  });
});

describe('the render budget', () => {
  let w;
  before(async () => { w = await startWrangler({ vars: { RENDER_BUDGET: 'on' } }); });
  after(async () => { await w?.stop(); });

  test('a client over its render budget gets 429 with Retry-After; its hits still get 200', async () => {
    // The binding allows 100 renders a minute (wrangler.toml); the start-up
    // check rendered one. Render new charts until the budget says no.
    let refused = null;
    let rendered = 0;
    for (let i = 0; i < 140 && !refused; i++) {
      const r = await fetch(`${w.url}/charts/budget-${i}.png?w=64&h=64`);
      await r.arrayBuffer();
      if (r.status === 429) refused = r;
      else { assert.equal(r.status, 200); rendered++; }
    }
    assert.ok(refused, 'no 429 after 140 renders');
    // At most 100 a window; the limiter's windows are fixed, so one that
    // ends during the loop lets up to a second window's worth through.
    assert.ok(rendered >= 90 && rendered <= 200, `rendered ${rendered} before the 429`);
    assert.equal(refused.headers.get('retry-after'), '60');
    assert.equal(refused.headers.get('cache-control'), 'no-store');
    const hit = await fetch(`${w.url}/charts/budget-0.png?w=64&h=64`);
    assert.equal(hit.status, 200);
    assert.notEqual(hit.headers.get('x-chart-source'), 'render');
    const rnd = await fetch(`${w.url}/random.png`);
    assert.equal(rnd.status, 429, '/random.png renders, so it counts');
    const reval = await fetch(`${w.url}/charts/budget-0.png?w=64&h=64`, { headers: { 'If-None-Match': hit.headers.get('etag') } });
    assert.equal(reval.status, 304);
  });
});
