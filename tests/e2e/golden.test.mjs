// The Worker's bytes are the native goldens: every case of tests/golden.rs
// (read from its CASES table), fetched from `wrangler dev`, equals its file
// in tests/golden/. The Worker's .wasm is built by worker-build and then
// rewritten by wasm-opt (scripts/build-worker.sh); this shows neither step
// changes a byte of what users get, in any format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWrangler, root } from './wrangler.mjs';

const source = readFileSync(join(root, 'tests', 'golden.rs'), 'utf8');
const table = source.slice(source.indexOf('const CASES'), source.indexOf('];', source.indexOf('const CASES')));
const CASES = [...table.matchAll(/\("([^"]+)",\s*"([^"]+)"\)/g)].map((m) => [m[1], m[2]]);

let w;
before(async () => { w = await startWrangler(); });
after(async () => { await w?.stop(); });

test('the golden table was read', () => {
  assert.ok(CASES.length >= 40, `${CASES.length} cases`);
});

test('every golden case, fetched from the Worker, is its golden file byte for byte', async () => {
  const wrong = [];
  for (const [name, target] of CASES) {
    const ext = target.match(/\.(png|svg|csv|json)(\?|$)/)[1];
    const r = await fetch(w.url + target, { headers: { Accept: 'image/png', 'Accept-Encoding': 'identity' } });
    const body = Buffer.from(await r.arrayBuffer());
    const golden = readFileSync(join(root, 'tests', 'golden', `${name}.${ext}`));
    if (!body.equals(golden)) wrong.push(`${name}.${ext} (${target}): ${r.status}, ${body.length} bytes, golden ${golden.length}`);
  }
  assert.deepEqual(wrong, []);
});
