// The Worker's entry (wrangler.toml `main`): the module worker-build makes
// (build/index.js, the Rust Worker), with two things only JavaScript can do.
//
// 1. The start work, once per isolate at module start: the Rust start
//    work (src/serve/warm.rs) answers a table of requests through the
//    whole flow, in a few passes, so V8 compiles and optimizes that code
//    during startup, not inside the first client's request. It touches no
//    storage and no entropy. The build-time define
//    EDGECHART_START_WORK=false leaves it out (the cold-start benchmark's
//    baseline: `wrangler dev --define EDGECHART_START_WORK:false`), and
//    EDGECHART_START_PASSES sets the most passes (4).
// 2. The contract's 500 on a panic: wasm32 aborts on a panic, and the
//    module can then answer nothing. A panic inside a task (a promise's
//    callback) traps where no caller sees it, and the request would hang;
//    the Rust panic hook calls __edgechartOnPanic first, which answers every
//    request in flight with the core's own 500 (fetched from Rust at start).
//    worker-build's glue then re-instantiates the module for the next one.
import './clock.mjs';
import Worker from '../../build/index.js';

const instantiated = Date.now();
const api = Worker.prototype;
const startWork = typeof EDGECHART_START_WORK === 'undefined' || EDGECHART_START_WORK !== false;
// Passes of the start work: the first compiles (V8's baseline tier) and
// makes the hot functions hot; V8 optimizes them on background threads,
// which takes longer than a pass, so later passes give it the time and pick
// the optimized code up. Measured in workerd: passes of 88, 52, 28 and 20
// ms, after which the costliest chart's first render took 15 ms against 10
// to 15 warm (with one pass, 33 against 18; bench/cold.mjs has the medians).
// A pass no faster than 90% of the one before means V8 is done: stop. (A
// clock that stands still reads 0: all passes run.)
const maxPasses = typeof EDGECHART_START_PASSES === 'undefined' ? 4 : EDGECHART_START_PASSES;
const passMs = [];
let report = null;
for (let i = 0; startWork && i < maxPasses; i++) {
  const t = Date.now();
  report = JSON.parse(api.start_work());
  const ms = Date.now() - t;
  const previous = passMs.at(-1);
  passMs.push(ms);
  if (ms > 0 && previous > 0 && ms >= 0.9 * previous) break;
}
const started = Date.now();
console.log(JSON.stringify({
  event: 'start',
  instantiate_ms: instantiated - globalThis.__edgechartModuleStart,
  start_work_ms: startWork ? started - instantiated : null,
  start_work: report,
  pass_ms: passMs,
}));
const panic = JSON.parse(api.panic_answer());

/** The contract's 500, with the Date of now (the module cannot be asked). */
function panicResponse() {
  const headers = new Headers(panic.headers);
  headers.set('Date', new Date().toUTCString());
  return new Response(panic.body, { status: 500, headers });
}

/** The requests in flight: a panic ends them all (they share the instance). */
const inFlight = new Set();

globalThis.__edgechartOnPanic = (message) => {
  // worker-build's glue re-instantiates the module on the next call when this is set.
  if (globalThis.__worker_init_state) globalThis.__worker_init_state.criticalError = true;
  console.error(JSON.stringify({ event: 'panic', message, requests_in_flight: inFlight.size }));
  for (const answer of inFlight) answer(panicResponse());
  inFlight.clear();
};

export default class Edgechart extends Worker {
  async fetch(request) {
    let answer;
    const panicked = new Promise((resolve) => { answer = resolve; });
    inFlight.add(answer);
    try {
      return await Promise.race([super.fetch(request), panicked]);
    } catch (e) {
      // A trap that reached this call (not through the hook): the same 500.
      if (e instanceof WebAssembly.RuntimeError && globalThis.__worker_init_state) {
        globalThis.__worker_init_state.criticalError = true;
      }
      console.error(JSON.stringify({ event: 'panic', error: String(e), url: request.url }));
      return panicResponse();
    } finally {
      inFlight.delete(answer);
    }
  }
}
// Not RPC methods of this Worker: they are for this module, at start.
Edgechart.prototype.start_work = undefined;
Edgechart.prototype.panic_answer = undefined;
