import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { OutOfMemoryError, f16ToF32, f32ToF16, f32ToBf16, bf16ToF32 } from '@tessera/core';
import { createWasmBackend, Heap } from '../src/index.js';
import { matmulPlan, sharedTiling } from '../src/kernels/matmul.js';
import { PARALLEL_COLD_MIN_WORK, PARALLEL_MIN_WORK, useThreads } from '../src/runtime.js';
import { workersSpinning } from '../src/pool.js';
import { WORKER_SPIN_MS } from '../src/worker-source.js';

const wasm2 = createWasmBackend({ threads: 2 });
const wasm1 = createWasmBackend({ threads: 1 });
T.registerBackend('wasm-k2', () => wasm2, 0);
T.registerBackend('wasm-k1', () => wasm1, 0);
afterAll(() => { wasm1.dispose(); wasm2.dispose(); });

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 32 * 2 - 1; }
  return a;
}

/** float64 C = op(A) op(B) from row-major data. */
function refMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      c[i * n + j] = s;
    }
  return c;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe.each(['wasm-k1', 'wasm-k2'])('%s', (name) => {
  it('matmul: odd sizes, transposes, threads', async () => {
    await T.setBackend(name);
    // [130, 300, 1030] and [40, 4100, 1030] take the shared-B path on 2 threads (with short tail tiles and a
    // big tile cut where they start), the latter in two column chunks
    for (const [m, k, n] of [[1, 768, 300], [3, 5, 7], [37, 129, 65], [130, 300, 1030], [260, 64, 9], [40, 4100, 1030]] as const) {
      for (const ta of [false, true]) for (const tb of [false, true]) {
        const ad = rand(m * k, m + k), bd = rand(k * n, n + 7);
        T.tidy(() => {
          const a = ta ? T.transpose(T.tensor(ad, { shape: [k, m] }), 0, 1) : T.tensor(ad, { shape: [m, k] });
          const b = tb ? T.transpose(T.tensor(bd, { shape: [n, k] }), 0, 1) : T.tensor(bd, { shape: [k, n] });
          expectClose(T.matmul(a, b).dataSync() as Float32Array, refMatmul(ad, bd, m, k, n, ta, tb), 1e-5 * Math.max(1, k / 1000)); // f32 sums of k terms
        });
      }
    }
  });

  it('matmul: shared-B tiling covers the output in enough tiles', () => {
    for (const [M, N, K, threads] of [[1024, 1024, 1024, 2], [40, 1030, 4100, 2], [64, 512, 256, 2], [130, 1030, 300, 4], [16, 8, 9, 2]]) {
      const { nb, tm, tn, tail, tm2 } = sharedTiling(M!, N!, K!, threads!);
      expect(nb % 8 === 0 && tn % 8 === 0 && tm % 4 === 0 && tm <= 128 && tn <= nb).toBe(true);
      expect(tm2 % 4 === 0 && tm2 > 0 && tm2 <= tm && tail % tm2 === 0 && tail >= 0 && tail <= M! / 2).toBe(true);
      expect(K! * nb).toBeLessThanOrEqual(Math.max(1 << 22, K! * 64));
      expect(nb).toBeLessThanOrEqual(Math.ceil(N! / 8) * 8);
      if (K! * N! <= 1 << 22) expect(nb).toBeGreaterThanOrEqual(N!); // one chunk when it fits
      const tiles = (Math.ceil((M! - tail) / tm) + tail / tm2) * Math.ceil(nb / tn);
      if (M! * N! >= 64 * 1024) expect(tiles).toBeGreaterThanOrEqual(threads! * 4);
    }
    expect(sharedTiling(40, 1030, 4100, 2).nb).toBeLessThan(1030); // two column chunks
    expect(sharedTiling(1024, 1024, 1024, 2)).toMatchObject({ tm: 128, tn: 512, tail: 128, tm2: 32 }); // the measured best
  });

  it('matmul: batch broadcast (stride 0) and leading dims of a sliced view', async () => {
    await T.setBackend(name);
    T.tidy(() => {
      const ad = rand(3 * 40 * 50, 1), bd = rand(50 * 70, 2);
      const a = T.tensor(ad, { shape: [3, 40, 50] });
      const big = T.tensor(rand(50 * 90, 2), { shape: [50, 90] });
      const b = T.slice(big, 1, 10, 80); // leading dim 90, not 70
      const bdata = Array.from(T.contiguous(b).dataSync() as Float32Array);
      const got = T.matmul(a, b).dataSync() as Float32Array;
      for (let i = 0; i < 3; i++) {
        const want = refMatmul(ad.subarray(i * 2000, (i + 1) * 2000), Float32Array.from(bdata), 40, 50, 70, false, false);
        expectClose(got.subarray(i * 2800, (i + 1) * 2800), want, 1e-5);
      }
      void bd;
    });
  });

  it('large fused ops agree with float64 (threaded above the cut-over)', async () => {
    await T.setBackend(name);
    T.tidy(() => {
      const rows = 1100, n = 1000, xd = rand(rows * n, 5); // above the cut-over even with sleeping workers
      const x = T.tensor(xd, { shape: [rows, n] });
      const sm = T.softmax(x, -1).dataSync() as Float32Array;
      const ln = T.layerNorm(x, [n]).dataSync() as Float32Array;
      const ge = T.gelu(x).dataSync() as Float32Array;
      const erf = (v: number) => { // float64 erf (Abramowitz-Stegun 7.1.26 is too coarse: use series)
        let term = v, sum = v; const v2 = v * v;
        for (let k = 1; k < 60; k++) { term *= (2 * v2) / (2 * k + 1); sum += term; }
        return (2 / Math.sqrt(Math.PI)) * Math.exp(-v2) * sum;
      };
      for (let r = 0; r < rows; r += 37) {
        const row = Array.from(xd.subarray(r * n, (r + 1) * n));
        const mx = Math.max(...row), z = row.reduce((s, v) => s + Math.exp(v - mx), 0);
        const mean = row.reduce((s, v) => s + v, 0) / n, vr = row.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
        expectClose(sm.subarray(r * n, (r + 1) * n), row.map((v) => Math.exp(v - mx) / z), 1e-6);
        expectClose(ln.subarray(r * n, (r + 1) * n), row.map((v) => (v - mean) / Math.sqrt(vr + 1e-5)), 1e-5);
        expectClose(ge.subarray(r * n, (r + 1) * n), row.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), 1e-6);
      }
    });
  });
});

describe('threads', () => {
  it('reports threads and splits a large matmul across workers with the same result', async () => {
    expect(wasm2.info.threads).toBe(2);
    expect(await wasm2.whenThreadsReady()).toBe(true);
    const ad = rand(256 * 256, 9), bd = rand(256 * 256, 10);
    const run = async (name: string) => {
      await T.setBackend(name);
      return T.tidy(() => T.matmul(T.tensor(ad, { shape: [256, 256] }), T.tensor(bd, { shape: [256, 256] })).dataSync());
    };
    expect(Array.from(await run('wasm-k2'))).toEqual(Array.from(await run('wasm-k1')));
  });
});

describe('allocator', () => {
  it('size classes waste at most 25% and are 64-byte aligned', () => {
    for (const n of [1, 63, 64, 65, 100, 1000, 4097, 1e6, 3e8]) {
      const c = Heap.classOf(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c % 64).toBe(0);
      if (n > 256) expect(c / n).toBeLessThanOrEqual(1.25);
    }
  });

  it('reuses freed blocks, grows the memory on demand, keeps live bytes flat', () => {
    const { heap } = wasm1.rt;
    const p = heap.alloc(1000);
    heap.free(p);
    expect(heap.alloc(990)).toBe(p); // same class -> same block
    heap.free(p);
    const before = wasm1.rt.memory.buffer.byteLength;
    const big = heap.alloc(before * 2);
    expect(wasm1.rt.memory.buffer.byteLength).toBeGreaterThan(before);
    wasm1.storage.write(big, new Uint8Array([1, 2, 3]), before * 2 - 3); // views re-made after growth
    expect(Array.from(wasm1.storage.readSync(big, before * 2 - 3, 3))).toEqual([1, 2, 3]);
    heap.free(big);
    const cycle = (i: number) => { const a = heap.alloc(4096 + (i % 7)); const b = heap.alloc(100); heap.free(a); heap.free(b); };
    cycle(0); cycle(1); // first use of each size class reserves it
    const live = heap.liveBytes, reserved = heap.reservedBytes;
    for (let i = 0; i < 1000; i++) cycle(i);
    expect(heap.liveBytes).toBe(live);
    expect(heap.reservedBytes).toBe(reserved);
  });

  it('throws OutOfMemoryError naming the size at the 4 GiB limit', () => {
    let err: unknown;
    try { wasm1.storage.alloc(5 * 2 ** 30); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect((err as OutOfMemoryError).code).toBe('ERR_OUT_OF_MEMORY');
    expect((err as Error).message).toContain(String(5 * 2 ** 30));
  });

  it('1000 training steps (attention + MLP, backward, AdamW) keep live bytes and tensors flat', async () => {
    await T.setBackend('wasm-k2');
    const param = (shape: number[], seed: number) => {
      const p = T.keep(T.randn(shape, { seed }).mul(0.3));
      p.requiresGrad = true;
      return p;
    };
    const params = [param([16, 48], 1), param([16, 32], 2), param([32, 4], 3)];
    const moments = params.map((p) => ({ m: T.keep(T.zerosLike(p)), v: T.keep(T.zerosLike(p)) }));
    const x = T.keep(T.randn([4, 8, 16], { seed: 9 }));
    const y = T.keep(T.randint(0, 4, [32], { seed: 10 }));
    const losses: number[] = [];
    const step = (i: number) => T.tidy(() => {
      const [wqkv, w1, w2] = params;
      const [q, k, v] = T.chunk(T.matmul(x, wqkv!), 3, -1);
      const h = T.scaledDotProductAttention(q!, k!, v!, { isCausal: true }).add(x);
      const logits = T.matmul(T.matmul(h, w1!).relu(), w2!).reshape([32, 4]);
      const loss = T.crossEntropy(logits, y);
      loss.backward();
      params.forEach((p, j) => {
        const r = T.adamwUpdate(p, p.grad!, moments[j]!.m, moments[j]!.v, { lr: 0.01, weightDecay: 0.01, step: i });
        p.assign(r.param); moments[j]!.m.assign(r.m); moments[j]!.v.assign(r.v);
        p.grad = null;
      });
      if (i === 1 || i === 1000) losses.push(loss.item());
    });
    step(1);
    const live = wasm2.rt.heap.liveBytes, tensors = T.memory().numTensors;
    for (let i = 2; i <= 1000; i++) step(i);
    expect(wasm2.rt.heap.liveBytes).toBe(live);
    expect(T.memory().numTensors).toBe(tensors);
    expect(losses[1]).toBeLessThan(losses[0]! * 0.5); // it did train
    for (const t of [...params, ...moments.flatMap((m) => [m.m, m.v]), x, y]) t.dispose();
  }, 60_000);
});

describe('thread pool', () => {
  it('thread pool: back-to-back jobs, with pauses that let workers sleep and wake late, match one thread bit for bit', async () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const on = (name: string, f: () => Float32Array) => { T.setBackend(name); return f(); };
    for (let it = 0; it < 60; it++) {
      // above the cut-over even when the workers sleep (so each job wakes them): gelu 4n >= 2^20, matmul >= 2^25 MACs
      const n = 270_000 + Math.floor(next() * 200_000), m = 1600 + Math.floor(next() * 90);
      const xd = rand(n, it), ad = rand(m * 300, it + 1), bd = rand(300 * 70, it + 2);
      const run = () => T.tidy(() => {
        const g = T.gelu(T.tensor(xd)).dataSync() as Float32Array;
        const c = T.matmul(T.tensor(ad, { shape: [m, 300] }), T.tensor(bd, { shape: [300, 70] })).dataSync() as Float32Array;
        return Float32Array.from([...g.subarray(0, 64), ...g.subarray(n - 64), ...c]);
      });
      const one = on('wasm-k1', run), two = on('wasm-k2', run);
      expect(Buffer.compare(new Uint8Array(two.buffer), new Uint8Array(one.buffer))).toBe(0); // bit for bit (toEqual is slow here)
      if (next() < 0.3) await new Promise((r) => setTimeout(r, 1 + Math.floor(next() * 3)));
    }
  }, 60_000);
});

describe('thread cut-over', () => {
  const generation = () => Atomics.load((wasm2.rt.pool as unknown as { ctl: Int32Array }).ctl, 0);
  const mm = (m: number, k: number, n: number) => {
    const a = T.tensor(rand(m * k, m), { shape: [m, k] }), b = T.tensor(rand(k * n, n), { shape: [k, n] });
    return () => T.tidy(() => T.matmul(a, b).dataSync());
  };

  // The decisions are pure functions of (job size, worker state); the pool's clock is injected, so
  // nothing here depends on how fast real threads run (a busy machine once failed a timing version).
  it('sleeping workers are woken only for jobs worth ~1 ms; spinning ones take smaller jobs (pure decisions)', () => {
    expect(workersSpinning(100, 100 - WORKER_SPIN_MS / 2)).toBe(true);
    expect(workersSpinning(100, 100 - 2 * WORKER_SPIN_MS)).toBe(false);
    expect(workersSpinning(100, -Infinity)).toBe(false); // no job yet: asleep
    const mid = (PARALLEL_MIN_WORK + PARALLEL_COLD_MIN_WORK) / 2;
    expect(useThreads(mid, 1000, 1, true)).toBe(true);
    expect(useThreads(mid, 1000, 1, false)).toBe(false);
    expect(useThreads(PARALLEL_COLD_MIN_WORK, 1000, 1, false)).toBe(true);
    expect(useThreads(PARALLEL_MIN_WORK - 1, 1000, 1, true)).toBe(false);
    expect(useThreads(PARALLEL_COLD_MIN_WORK, 64, 64, false)).toBe(false); // one chunk: nothing to split
    // matmul: 256³ = 2^24 MACs goes to spinning workers only; 1024 x 256 x 256 = 2^26 wakes sleeping ones
    expect(matmulPlan(1, 256, 256, 256, 2, true)).toEqual({ mode: 3, threads: 2 });
    expect(matmulPlan(1, 256, 256, 256, 2, false)).toEqual({ mode: 0, threads: 1 });
    expect(matmulPlan(1, 1024, 256, 256, 2, false)).toEqual({ mode: 3, threads: 2 });
    expect(matmulPlan(1, 1024, 256, 256, 1, true).threads).toBe(1);
    expect(matmulPlan(1, 2, 4096, 4096, 2, true)).toEqual({ mode: 1, threads: 2 }); // skinny: split N once large
    expect(matmulPlan(1, 1, 768, 768, 2, true).threads).toBe(1); // skinny and small: one thread
  });

  it('a job wakes the pool exactly when the injected clock says the workers spin', async () => {
    await T.setBackend('wasm-k2');
    expect(await wasm2.whenThreadsReady()).toBe(true);
    const pool = wasm2.rt.pool!;
    let now = 1000;
    pool.clock = () => now;
    try {
      const small = mm(256, 256, 256), big = mm(1024, 256, 256);
      let g = generation();
      big(); // wakes sleeping workers and records its end at `now`
      expect(generation()).toBe(g + 1);
      now += WORKER_SPIN_MS * 10; // long after: asleep
      g = generation();
      const want = small();
      expect(generation()).toBe(g); // ran on the calling thread
      big();
      now += WORKER_SPIN_MS / 10; // right after a job: still spinning
      g = generation();
      const got = small();
      expect(generation()).toBe(g + 1); // went to the workers
      expect(Array.from(got)).toEqual(Array.from(want)); // same result either way
    } finally {
      pool.clock = () => performance.now();
    }
  });
});

describe('float16 / bfloat16 conversion', () => {
  it('cast rounds to nearest even like core, both ways, incl. specials and subnormals', async () => {
    await T.setBackend('wasm-k1');
    const vals = [0, -0, 1, -1, 65504, 65520, 1e-8, 6e-8, 3e-5, 0.1, 1 / 3, 1e10, -1e-40, Infinity, -Infinity, NaN, ...rand(2000, 4).map((v) => v * 1000)];
    const x = T.tensor(Float32Array.from(vals));
    const h = T.cast(x, 'float16'), b = T.cast(x, 'bfloat16');
    const hv = h.dataSync() as Uint16Array, bv = b.dataSync() as Uint16Array; // raw bits
    expect(Array.from(hv)).toEqual(vals.map((v) => f32ToF16(v)));
    expect(Array.from(bv)).toEqual(vals.map((v) => f32ToBf16(v)));
    const back = T.cast(h, 'float32').dataSync() as Float32Array, backB = T.cast(b, 'float32').dataSync() as Float32Array;
    vals.forEach((v, i) => {
      expect(Object.is(back[i], f16ToF32(f32ToF16(v))) || Number.isNaN(v)).toBe(true);
      expect(Object.is(backB[i], bf16ToF32(f32ToBf16(v))) || Number.isNaN(v)).toBe(true);
    });
  });
});
