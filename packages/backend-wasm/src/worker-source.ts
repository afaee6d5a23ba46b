/**
 * The worker's script, as a string (a classic script, no imports), started with eval in Node and
 * from a Blob URL in browsers. It instantiates the module on the shared memory, gets its own stack,
 * then loops: sleep on the generation counter, join the job while it is open, take chunks until
 * none are left. No postMessage per op.
 * Control block (Int32 slots): 0 generation, 1 chunks done, 2 fn, 3 active threads, 4 total,
 * 5 chunk size, 6 nargs, 7 exit, 8 ready, 9 next chunk, 10 open, 11 joined; Float64 args from byte 64.
 * A worker that wakes late finds the job closed (the others did its share) and goes back to sleep;
 * the caller only waits for workers that joined, and it writes the next job's arguments only once
 * none has (so a joined worker never reads half-written arguments).
 */
/** How long a worker spins for the next job before it sleeps. */
export const WORKER_SPIN_MS = 0.3;

export const WORKER_SOURCE = `
const SPIN_MS = ${WORKER_SPIN_MS};
function start(d) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  inst.exports.__stack_pointer.value = d.stackTop;
  const fns = d.names.map((n) => inst.exports[n]);
  const ctl = new Int32Array(d.memory.buffer, d.ctl, 16);
  const args = new Float64Array(d.memory.buffer, d.ctl + 64, 32);
  const tid = d.tid;
  let seen = Atomics.load(ctl, 0); // before announcing: the next generation must look new
  Atomics.add(ctl, 8, 1);
  Atomics.notify(ctl, 8);
  for (;;) {
    // Spin a while before sleeping: ops come in bursts (a training step is hundreds), and waking a
    // sleeping thread took ~40 µs typically, 5 ms at worst here.
    for (let t0 = performance.now(), i = 1; Atomics.load(ctl, 0) === seen; i++) {
      if ((i & 1023) === 0 && performance.now() - t0 > SPIN_MS) break;
    }
    Atomics.wait(ctl, 0, seen);
    const gen = Atomics.load(ctl, 0);
    if (gen === seen) continue;
    seen = gen;
    if (Atomics.load(ctl, 7)) return;
    Atomics.add(ctl, 11, 1);
    if (Atomics.load(ctl, 10) === 1 && tid < ctl[3]) {
      const total = ctl[4], per = ctl[5];
      const a = [];
      for (let i = 0; i < ctl[6]; i++) a.push(args[i]);
      const f = fns[ctl[2]];
      for (let s = Atomics.add(ctl, 9, 1) * per; s < total; s = Atomics.add(ctl, 9, 1) * per) {
        f(...a, s, Math.min(total, s + per), tid);
        Atomics.add(ctl, 1, 1);
        Atomics.notify(ctl, 1);
      }
    }
    Atomics.sub(ctl, 11, 1);
  }
}
if (typeof process !== 'undefined' && process.versions && process.versions.node) {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;
