// Every kind of answer through an HTTP linter: mnot's httplint (the linter
// behind REDbot, pinned in scripts/setup.sh, installed into .venv-lint)
// reads each response exactly as wrangler dev sent it. No note may be BAD;
// a WARN must be one this project chose, listed below with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startWrangler, root } from './wrangler.mjs';
import { rawRequest } from './raw.mjs';

const HTTPLINT = join(root, '.venv-lint', 'bin', 'httplint');
const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

// Warnings that follow from the contract (shared/API.md), not from mistakes.
const ACCEPTED_WARNINGS = [
  // The contract's Cache-Control for charts; `public` also covers
  // authenticated requests on shared caches, which signed URLs may look like.
  /Cache-Control: public is probably not necessary/,
  // What any 400 says about itself.
  /The server didn't understand the request/,
];

let w;
before(async () => { w = await startWrangler(); });
after(async () => { await w?.stop(); });

function lint(raw) {
  const out = execFileSync(HTTPLINT, ['--now'], { input: raw }).toString();
  return [...out.matchAll(/^\* \[(\w+)\] (.*)$/gm)].map(([, level, text]) => ({ level, text }));
}

const CASES = [
  ['a miss (rendered)', 'GET /charts/lint.png?w=300&h=200'],
  ['a memory hit', 'GET /charts/lint.png?w=300&h=200'],
  ['a 304 (If-None-Match)', 'GET /charts/lint.png?w=300&h=200\nIf-None-Match: *'],
  ['a 304 (If-Modified-Since)', 'GET /charts/lint.png?w=300&h=200\nIf-Modified-Since: Sat, 01 Jan 2050 00:00:00 GMT'],
  ['a 400 as text', 'GET /charts/lint.png?w=99999'],
  ['a 400 as an image', `GET /charts/lint.png?w=99999\nAccept: ${IMG_ACCEPT}`],
  ['a 404', 'GET /nowhere/at/all'],
  ['a 405', 'DELETE /charts/lint.png'],
  ['/random.png', 'GET /random.png?w=200&h=150'],
  // The other formats, and the errors they brought.
  ['an SVG', 'GET /charts/lint.svg?w=300&h=200&theme=auto'],
  ['a CSV', 'GET /charts/lint.csv?values=1,2,2,3'],
  ['a JSON', 'GET /charts/lint.json?values=1,2,2,3'],
  ['a 304 for a JSON', 'GET /charts/lint.json?values=1,2,2,3\nIf-None-Match: *'],
  ['/random.json', 'GET /random.json'],
  ['a 404 for an unknown format', 'GET /charts/lint.gif'],
  ['a 400 for theme=auto on a PNG', 'GET /charts/lint.png?theme=auto'],
  // Served by wrangler dev's asset server, not the Worker: it sends no Date
  // (Cloudflare's front line adds one in production).
  ['a static file (not the Worker)', 'GET /', [/doesn't have a Date header/]],
];
// A response to HEAD is not linted: alone, its Content-Length promises a
// body that is not there (tests/e2e/worker.test.mjs checks HEAD).

for (const [name, request, alsoAccepted = []] of CASES) {
  test(`httplint: ${name}`, async () => {
    const [line, ...headers] = request.split('\n');
    const r = await rawRequest(w.port, [`${line} HTTP/1.1`, ...headers].join('\n'));
    const notes = lint(r.raw);
    assert.ok(notes.length > 0, `httplint said nothing about ${name}`);
    const bad = notes.filter((n) => n.level === 'BAD');
    const accepted = [...ACCEPTED_WARNINGS, ...alsoAccepted];
    const warn = notes.filter((n) => n.level === 'WARN' && !accepted.some((re) => re.test(n.text)));
    assert.deepEqual([...bad, ...warn], [], `${name} (status ${r.status}):\n${notes.map((n) => `[${n.level}] ${n.text}`).join('\n')}`);
  });
}
