// workerd alone, without wrangler dev's proxy and DevTools session: the
// runtime Cloudflare deploys, closest to production that runs here. The
// cold-start benchmark uses it beside wrangler dev (whose inspector session,
// measured, makes a fresh isolate's first requests several times slower).
// bundle() asks wrangler for the deployable bundle (`wrangler deploy
// --dry-run --outdir`), startWorkerd() serves it from a fresh workerd with
// a generated config on 127.0.0.1 and a free port, ready once the socket
// accepts (no request reaches the Worker before the caller's own).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, freePort } from '../tests/e2e/wrangler.mjs';

const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

/** The deployable bundle in a fresh directory; `defines` as `--define`. */
export function bundle(defines = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'edgechart-bundle-'));
  execFileSync(join(root, 'node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--outdir', dir, ...Object.entries(defines).flatMap(([k, v]) => ['--define', `${k}:${v}`])],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/** Serves `dir` (from bundle()) with the given text bindings (vars). */
export async function startWorkerd(dir, { vars = {}, v8Flags = [] } = {}) {
  const port = await freePort();
  const wasm = readdirSync(dir).find((f) => f.endsWith('.wasm'));
  const q = (s) => JSON.stringify(String(s));
  const bindings = Object.entries(vars).map(([k, v]) => `(name = ${q(k)}, text = ${q(v)})`).join(', ');
  const config = join(dir, `config-${port}.capnp`);
  writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .w)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
  v8Flags = [${v8Flags.map(q).join(', ')}],
);
const w :Workerd.Worker = (
  modules = [
    (name = "entry.js", esModule = embed "entry.js"),
    (name = ${q(wasm)}, wasm = embed ${q(wasm)}),
  ],
  compatibilityDate = "2026-04-01",
  bindings = [${bindings}],
);
`);
  const bin = join(root, 'node_modules', '@cloudflare', 'workerd-linux-64', 'bin', 'workerd');
  let log = '';
  const child = spawn(bin, ['serve', config, '--verbose'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited early:\n${log}`);
    const open = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`workerd did not listen:\n${log}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null) { child.kill('SIGTERM'); await exited; }
      rmSync(config, { force: true });
    },
  };
}
