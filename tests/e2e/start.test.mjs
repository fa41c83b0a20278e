// The start work and the panic 500, against real `wrangler dev` servers.
// The start work (src/serve/warm.rs, called by src/adapters/entry.mjs at
// module start) must exist, answer its whole table, touch no storage, and
// leave the first request's bytes what they are without it. A panic (the
// test switch DATA_STORE_FAULT=panic) must get the contract's 500, and the
// next request a chart from a fresh instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWrangler } from './wrangler.mjs';

const startLine = (w) => w.log().split('\n').filter((l) => l.startsWith('{"')).map((l) => JSON.parse(l)).find((l) => l.event === 'start');

/** Every file under `dir`, with its size. */
function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p)); else out.push([p, statSync(p).size]);
  }
  return out;
}

async function get(url, headers = {}) {
  const r = await fetch(url, { headers });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

test('the start work runs once at start, answers its whole table, and stores nothing', async () => {
  const state = mkdtempSync(join(tmpdir(), 'edgechart-start-'));
  try {
    const w = await startWrangler({ persistTo: state, readyPath: '/index.html' });
    await new Promise((r) => setTimeout(r, 300));
    const line = startLine(w);
    await w.stop({ keepState: true });
    assert.ok(line, `a start line in the log:\n${w.log()}`);
    assert.ok(line.start_work.targets >= 8, JSON.stringify(line));
    assert.equal(line.start_work.answered, line.start_work.targets);
    assert.equal(line.start_work.as_expected, line.start_work.targets);
    assert.equal(line.start_work.revalidated, true);
    assert.equal(typeof line.instantiate_ms, 'number');
    assert.equal(typeof line.start_work_ms, 'number');
    assert.ok(line.pass_ms.length >= 1 && line.pass_ms.length <= 4, `1 to 4 passes: ${line.pass_ms}`);
    // Nothing was written to KV or the Cache API: no blob under the state.
    const blobs = files(state).filter(([p]) => /blobs/.test(p));
    assert.deepEqual(blobs, [], 'the start work wrote nothing');
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('the first request after the start work gives the bytes a server without it gives, and later requests the same', async () => {
  const targets = ['/charts/e2e-start.png', '/charts/e2e-start.svg?kde=1&values=1,2,2,3', '/charts/e2e-start.json', '/charts/e2e-start.png?dpr=2&bins=1000'];
  const withWork = await startWrangler({ readyPath: '/index.html' });
  const without = await startWrangler({ readyPath: '/index.html', args: ['--define', 'EDGECHART_START_WORK:false'] });
  try {
    assert.ok(startLine(withWork).start_work, 'the first server did the start work');
    assert.equal(startLine(without).start_work, null, 'the second did not');
    for (const t of targets) {
      const a = await get(withWork.url + t);
      const b = await get(without.url + t);
      const again = await get(withWork.url + t);
      assert.equal(a.status, 200, t);
      assert.equal(a.headers.get('x-chart-source'), 'render', `${t}: the first request renders (the start work kept nothing)`);
      assert.ok(a.body.equals(b.body), `${t}: the same bytes with and without the start work`);
      assert.equal(a.headers.get('etag'), b.headers.get('etag'), t);
      assert.ok(a.body.equals(again.body), `${t}: the same bytes later`);
    }
  } finally {
    await withWork.stop();
    await without.stop();
  }
});

test('a panic gets the contract\'s 500, and the next request a chart from a fresh instance', async () => {
  const w = await startWrangler({ vars: { DATA_STORE_FAULT: 'panic' } });
  try {
    const r = await get(`${w.url}/charts/d/0123456789abcdef0123456789abcdef.png`);
    assert.equal(r.status, 500);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.match(r.headers.get('vary') ?? '', /Accept/);
    assert.ok(!Number.isNaN(Date.parse(r.headers.get('date'))), 'a Date');
    assert.match(r.body.toString(), /^500 Internal Server Error: /);
    assert.equal(Number(r.headers.get('content-length') ?? r.body.length), r.body.length);
    const next = await get(`${w.url}/charts/e2e-after-panic.png`);
    assert.equal(next.status, 200);
    assert.equal(next.body.subarray(1, 4).toString(), 'PNG');
    await new Promise((res) => setTimeout(res, 300));
    assert.match(w.log(), /"event":"panic"/);
  } finally {
    await w.stop();
  }
});
