/**
 * Loads the native addons built by `npm run build` (native/cuda via cmake-js) from this package's
 * build/Release, relative to this module (works from src/ under vitest and from dist/).
 * Native errors carry `code`; `tesseraError` turns them into typed TesseraErrors.
 */
import { createRequire } from 'node:module';
import { BackendUnavailableError, OutOfMemoryError, TesseraError } from '@tessera/core';

export type Ptr = number;

/** The functions both addons export (see native/cuda/src/addon.cpp). */
export interface CudaAddon {
  readonly flavor: 'cuda' | 'cuda-sim';
  init(): { description: string; simulated: boolean };
  alloc(bytes: number): Ptr;
  free(p: Ptr): void;
  write(p: Ptr, bytes: Uint8Array, byteOffset: number): void;
  readSync(p: Ptr, byteOffset: number, byteLength: number): Uint8Array;
  read(p: Ptr, byteOffset: number, byteLength: number): Promise<Uint8Array>;
  copyBytes(dst: Ptr, src: Ptr, bytes: number): void;
  synchronize(): void;
  memoryStats(): { allocatedBytes: number; reservedBytes: number; peakBytes: number; liveBlocks: number };
  emptyCache(): void;
  setMemoryLimit(bytes: number): void;
  gemmInfo(): string;
  setCublas(on: boolean): void;
  unary(op: number, dtype: number, x: Ptr, y: Ptr, shape: number[], sx: number[], sy: number[]): void;
  binary(op: number, dtype: number, a: Ptr, b: Ptr, y: Ptr, shape: number[], sa: number[], sb: number[], sy: number[]): void;
  where(condSize: number, esize: number, c: Ptr, a: Ptr, b: Ptr, y: Ptr, shape: number[], sc: number[], sa: number[], sb: number[]): void;
  cast(from: number, to: number, x: Ptr, y: Ptr, shape: number[], sx: number[], sy: number[]): void;
  copy(esize: number, x: Ptr, y: Ptr, shape: number[], sx: number[], sy: number[]): void;
  reduce(op: number, dtype: number, x: Ptr, y: Ptr, outer: number, n: number): void;
  softmax(dtype: number, log: boolean, x: Ptr, y: Ptr, outer: number, n: number): void;
  layerNorm(dtype: number, x: Ptr, w: Ptr, b: Ptr, y: Ptr, outer: number, n: number, eps: number): void;
  rmsNorm(dtype: number, x: Ptr, w: Ptr, y: Ptr, outer: number, n: number, eps: number): void;
  crossEntropy(dtype: number, logits: Ptr, target: Ptr, loss: Ptr, rows: number, c: number, ignoreIndex: number, smoothing: number): void;
  indexSelect(esize: number, x: Ptr, idx: Ptr, y: Ptr, outer: number, d: number, inner: number, n: number): void;
  gather(esize: number, x: Ptr, idx: Ptr, y: Ptr, outer: number, d: number, inner: number, n: number): void;
  scatterAdd(dtype: number, base: Ptr, idx: Ptr, src: Ptr, y: Ptr, outer: number, d: number, inner: number, n: number): void;
  random(dist: number, k0: number, k1: number, offset: number, low: number, range: number, y: Ptr, n: number): void;
  adamw(p: Ptr, g: Ptr, m: Ptr, v: Ptr, p2: Ptr, m2: Ptr, v2: Ptr, n: number,
    lr: number, b1: number, b2: number, eps: number, wd: number, bc1: number, bc2: number): void;
  matmul(dtype: number, batch: number, M: number, N: number, K: number, a: Ptr, sab: number, sam: number, sak: number,
    b: Ptr, sbb: number, sbk: number, sbn: number, c: Ptr): 'cublas' | 'tessera';
  attention(dtype: number, B: number, tq: number, tk: number, d: number, dv: number,
    q: Ptr, sqb: number, sqt: number, sqd: number, k: Ptr, skb: number, skt: number, skd: number,
    v: Ptr, svb: number, svt: number, svd: number, mask: Ptr, maskDtype: number, smb: number, smq: number, smk: number,
    o: Ptr, scale: number, causal: boolean): void;
  /** float32 only; dq / dk / dv contiguous. */
  attentionBackward(B: number, tq: number, tk: number, d: number, dvDim: number,
    q: Ptr, sqb: number, sqt: number, sqd: number, k: Ptr, skb: number, skt: number, skd: number,
    v: Ptr, svb: number, svt: number, svd: number, mask: Ptr, maskDtype: number, smb: number, smq: number, smk: number,
    dout: Ptr, sob: number, sot: number, sod: number, dq: Ptr, dk: Ptr, dv: Ptr, scale: number, causal: boolean): void;
}

export type Flavor = 'cuda' | 'cuda-sim';
const FILES: Record<Flavor, string> = { cuda: 'tessera_cuda.node', 'cuda-sim': 'tessera_cuda_sim.node' };

/** A native error (with `code`) as a TesseraError subclass; other values pass through. */
export function tesseraError(e: unknown): unknown {
  if (e instanceof TesseraError || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  const cudaError = (e as { cudaError?: string }).cudaError;
  let out: TesseraError;
  if (code === 'ERR_NO_CUDA_DEVICE') out = new BackendUnavailableError(e.message, 'ERR_NO_CUDA_DEVICE');
  else if (code === 'ERR_OUT_OF_MEMORY') out = new OutOfMemoryError(e.message);
  else if (code === 'ERR_CUDA') out = new TesseraError('ERR_CUDA', e.message);
  else return e;
  if (cudaError) (out as { cudaError?: string }).cudaError = cudaError;
  const bytes = (e as { bytes?: number }).bytes;
  if (bytes !== undefined) (out as { bytes?: number }).bytes = bytes;
  (out as { cause?: unknown }).cause = e;
  return out;
}

const loaded = new Map<Flavor, CudaAddon>();

/** The addon of one flavour, every function wrapped so native errors arrive typed. */
export function loadAddon(flavor: Flavor): CudaAddon {
  const have = loaded.get(flavor);
  if (have) return have;
  const require = createRequire(import.meta.url);
  const path = `../build/Release/${FILES[flavor]}`;
  let raw: Record<string, unknown>;
  try {
    raw = require(path) as Record<string, unknown>;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const hint = flavor === 'cuda'
      ? 'build it with `npm run build -w @tessera/backend-cuda` on a machine with nvcc (CUDA toolkit)'
      : 'build it with `npm run build -w @tessera/backend-cuda` (needs cmake and a C++17 compiler)';
    const code = flavor === 'cuda' ? 'ERR_NO_CUDA_DEVICE' : 'ERR_BACKEND_UNAVAILABLE';
    throw new BackendUnavailableError(`${flavor}: the native addon ${FILES[flavor]} cannot be loaded (${why}); ${hint}`, code);
  }
  const wrapped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'function') { wrapped[k] = v; continue; }
    const f = v as (...a: unknown[]) => unknown;
    wrapped[k] = (...args: unknown[]) => {
      try {
        const r = f(...args);
        if (r instanceof Promise) return r.catch((e: unknown) => { throw tesseraError(e); });
        return r;
      } catch (e) {
        throw tesseraError(e);
      }
    };
  }
  const addon = wrapped as unknown as CudaAddon;
  loaded.set(flavor, addon);
  return addon;
}
