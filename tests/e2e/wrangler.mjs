// Starts `wrangler dev` for a test: 127.0.0.1, a free port, a fresh local
// KV/cache directory; waits until it answers; stops it (and its workerd)
// afterwards. The Worker must already be built (scripts/test.sh does it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts wrangler dev; `persistTo` reuses a state directory (KV; the Cache
 * API does not survive a restart), `vars` overrides wrangler.toml [vars].
 * `readyPath` is what is fetched until it answers: by default a chart (so
 * the Worker itself answers); the cold-start benchmark asks for a static
 * file instead, which the Worker never sees, so its isolate stays cold.
 * `args` are more `wrangler dev` arguments (`--define`, for example). */
export async function startWrangler({ persistTo, vars = {}, timeoutMs = 120_000, readyPath = '/charts/ready-check.png?w=64&h=64', args = [] } = {}) {
  const port = await freePort();
  const inspector = await freePort();
  const persist = persistTo ?? mkdtempSync(join(tmpdir(), 'edgechart-state-'));
  let log = '';
  const child = spawn(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
      '--persist-to', persist, '--show-interactive-dev-session=false',
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]), ...args],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    },
  );
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const r = await fetch(`${url}${readyPath}`);
      await r.arrayBuffer();
      // 403: signing is on, and the Worker answered all the same.
      if (r.status === 200 || r.status === 403) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      process.kill(-child.pid, 'SIGKILL');
      throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    inspector,
    persist,
    log: () => log,
    async stop({ keepState = false } = {}) {
      if (child.exitCode === null) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!keepState && !persistTo) rmSync(persist, { recursive: true, force: true });
    },
  };
}
