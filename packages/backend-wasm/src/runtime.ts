import { BYTES_PER_ELEMENT, MAX_DIMS, type TensorView } from '@tessera/core';
import { Heap } from './heap.js';
import { createMemory, type Variant } from './module.js';
import { Pool } from './pool.js';

/** Kernels the pool may split across threads (signature: ...args, start, end, tid). */
export const PARALLEL = ['matmul_part', 'softmax_rows', 'layernorm_rows', 'gelu', 'cross_entropy', 'adamw', 'attention', 'attention_backward', 'reduce_rows', 'random_fill'] as const;
export type ParallelFn = (typeof PARALLEL)[number];

/** Below this many elements (or flops / 64 for matmul) a job stays on the calling thread (measured). */
export const PARALLEL_MIN_WORK = 1 << 15;
/** The same while the workers sleep (Pool.warm): a job must take ~1 ms or more to gain from waking them. */
export const PARALLEL_COLD_MIN_WORK = 1 << 20;

/**
 * Whether a row-parallel job of `work` over `total` rows (chunks of `grain`) goes to the pool;
 * `warm`: the workers still spin after the last job (Pool.warm), so waking them is cheap.
 */
export function useThreads(work: number, total: number, grain: number, warm: boolean): boolean {
  return total > grain && work >= (warm ? PARALLEL_MIN_WORK : PARALLEL_COLD_MIN_WORK);
}

const WORKER_STACK = 256 * 1024;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the module exports functions of many signatures, called by name
export type Exports = Record<string, any> & { memory?: never };

/** One instantiated module: its memory, heap, exports and (optionally) thread pool. */
export class Runtime {
  readonly exports: Exports;
  readonly heap: Heap;
  readonly pool: Pool | null;
  private bytes: Uint8Array;
  private readonly desc: number; // strided-iteration descriptor (calling thread only)
  private readonly job: number; // matmul job struct
  private scratch = 0;
  private scratchPerThread = 0;

  constructor(readonly module: WebAssembly.Module, readonly variant: Variant, readonly memory: WebAssembly.Memory, maxPages: number, readonly threads: number) {
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = inst.exports as Exports;
    this.heap = new Heap(memory, (this.exports.__heap_base as WebAssembly.Global).value as number, maxPages * 65536);
    this.bytes = new Uint8Array(memory.buffer);
    this.desc = this.heap.alloc(512);
    this.job = this.heap.alloc(256);
    if (threads > 1) {
      const ctl = this.heap.alloc(320);
      const stackTops = Array.from({ length: threads - 1 }, () => this.heap.alloc(WORKER_STACK) + WORKER_STACK);
      this.pool = new Pool(threads, { module, memory, ctl, names: PARALLEL, stackTops }, PARALLEL.map((n) => this.exports[n]));
    } else {
      this.pool = null;
    }
  }

  static create(module: WebAssembly.Module, variant: Variant, threads: number): Runtime {
    const [memory, maxPages] = createMemory(variant !== 'tessera-st.wasm', 256);
    return new Runtime(module, variant, memory, maxPages, threads);
  }

  /** A byte view of the whole memory, re-made after growth. */
  u8(): Uint8Array {
    if (this.bytes.byteLength !== this.memory.buffer.byteLength) this.bytes = new Uint8Array(this.memory.buffer);
    return this.bytes;
  }
  i32(): Int32Array { const b = this.u8(); return new Int32Array(b.buffer, 0, b.byteLength >>> 2); }
  f32(): Float32Array { const b = this.u8(); return new Float32Array(b.buffer, 0, b.byteLength >>> 2); }

  /** Byte address of a view's first element. */
  addr(v: TensorView): number {
    return (v.data as number) + v.offset * BYTES_PER_ELEMENT[v.dtype];
  }

  /** Writes the strided-iteration descriptor {nd, shape[MAX_DIMS], strides[4][MAX_DIMS]} (common.h's Desc) and returns its address. */
  writeDesc(shape: readonly number[], strides: readonly (readonly number[])[]): number {
    const m = this.i32();
    const o = this.desc >>> 2;
    m.fill(0, o, o + 1 + MAX_DIMS * 5);
    m[o] = shape.length;
    for (let d = 0; d < shape.length; d++) {
      m[o + 1 + d] = shape[d]!;
      for (let q = 0; q < strides.length; q++) m[o + 1 + MAX_DIMS + q * MAX_DIMS + d] = strides[q]![d]!;
    }
    return this.desc;
  }

  /** Small int32 table for one kernel call (the descriptor area; calling thread only). */
  ints(values: readonly number[]): number {
    this.i32().set(values, this.desc >>> 2);
    return this.desc;
  }

  /** The matmul job struct's address (fields written by the matmul kernel; the rest zeroed). */
  matmulJob(fields: readonly number[]): number {
    const m = this.i32();
    m.fill(0, this.job >>> 2, (this.job >>> 2) + 64);
    m.set(fields, this.job >>> 2);
    return this.job;
  }

  /** Per-thread scratch of at least `bytes` each: returns [base, stride]. */
  threadScratch(bytes: number): [number, number] {
    const per = Math.ceil(bytes / 64) * 64;
    if (per > this.scratchPerThread) {
      if (this.scratch) this.heap.free(this.scratch);
      this.scratch = 0;
      this.scratch = this.heap.alloc(per * this.threads);
      this.scratchPerThread = per;
    }
    return [this.scratch, this.scratchPerThread];
  }

  /** Run a row-parallel kernel: on the pool when `work` is large enough, else here. */
  parallel(fn: ParallelFn, args: readonly number[], total: number, grain: number, work: number): void {
    if (this.pool && useThreads(work, total, grain, this.pool.warm())) this.pool.run(PARALLEL.indexOf(fn), args, total, grain);
    else this.exports[fn](...args, 0, total, 0);
  }

  dispose(): void {
    this.pool?.dispose();
  }
}
