import { ArgumentError, OutOfMemoryError, type BackendStorage, type DataId, type DType } from '@tessera/core';

/** Raw typed-array views of one allocation, by element type (f16 / bf16 are raw Uint16 bits). */
export type RawArray = Float32Array | Int32Array | Int8Array | Uint8Array | Uint16Array;

const EMPTY = new Uint8Array(0);

/** The cpu backend's DataId: the bytes of one allocation plus lazily made typed views of them. */
export class CpuData {
  private views: Partial<Record<DType, RawArray>> = {};
  constructor(public bytes: Uint8Array) {}

  /** A typed array over the whole allocation for `dtype`; views index it with their element offset. */
  typed(dtype: DType): RawArray {
    const hit = this.views[dtype];
    if (hit) return hit;
    const { buffer, byteOffset, byteLength } = this.bytes;
    let v: RawArray;
    switch (dtype) {
      case 'float32': v = new Float32Array(buffer, byteOffset, byteLength >> 2); break;
      case 'int32': v = new Int32Array(buffer, byteOffset, byteLength >> 2); break;
      case 'float16': case 'bfloat16': v = new Uint16Array(buffer, byteOffset, byteLength >> 1); break;
      case 'int8': v = new Int8Array(buffer, byteOffset, byteLength); break;
      case 'uint8': case 'bool': v = new Uint8Array(buffer, byteOffset, byteLength); break;
    }
    this.views[dtype] = v;
    return v;
  }

  /** Drop the memory; later use reads an empty array (a bug in the caller, made loud). */
  release(): void {
    this.bytes = EMPTY;
    this.views = {};
  }
}

function asData(id: DataId): CpuData {
  if (!(id instanceof CpuData)) throw new ArgumentError('cpu storage: this DataId was not allocated by the cpu backend');
  return id;
}

/**
 * Storage over plain ArrayBuffers. Not SharedArrayBuffers even with worker threads: allocating a
 * SAB is measured 3-10x slower here (4 MiB: ≈6 ms vs ≈1-2 ms), which every op's output would pay;
 * the threaded matmul copies its operands into reused shared scratch instead (O(n²) vs O(n³)).
 */
export class CpuStorage implements BackendStorage {
  alloc(byteLength: number): CpuData {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
      throw new ArgumentError(`cpu storage: cannot allocate ${byteLength} bytes; give a non-negative integer`);
    }
    // Round up to 4 bytes so every dtype's typed view covers the whole allocation.
    const padded = (byteLength + 3) & ~3;
    try {
      return new CpuData(new Uint8Array(new ArrayBuffer(padded), 0, byteLength));
    } catch (e) {
      if (e instanceof RangeError) {
        throw new OutOfMemoryError(`cpu: out of memory allocating ${byteLength} bytes (${(byteLength / 2 ** 20).toFixed(1)} MiB); free tensors or use smaller shapes`);
      }
      throw e;
    }
  }

  free(id: DataId): void {
    asData(id).release();
  }

  write(id: DataId, bytes: Uint8Array, byteOffset = 0): void {
    const d = asData(id);
    if (byteOffset < 0 || byteOffset + bytes.byteLength > d.bytes.byteLength) {
      throw new ArgumentError(`cpu storage: write of ${bytes.byteLength} bytes at ${byteOffset} overruns an allocation of ${d.bytes.byteLength} bytes`);
    }
    d.bytes.set(bytes, byteOffset);
  }

  readSync(id: DataId, byteOffset: number, byteLength: number): Uint8Array {
    const d = asData(id);
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > d.bytes.byteLength) {
      throw new ArgumentError(`cpu storage: read of ${byteLength} bytes at ${byteOffset} overruns an allocation of ${d.bytes.byteLength} bytes`);
    }
    return d.bytes.slice(byteOffset, byteOffset + byteLength);
  }

  read(id: DataId, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    try {
      return Promise.resolve(this.readSync(id, byteOffset, byteLength));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
