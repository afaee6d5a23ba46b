import { ArgumentError, type BackendStorage, type DataId } from '@tessera/core';
import type { Runtime } from './runtime.js';
import { nodeBuiltin } from './env.js';

/**
 * Node's uninitialised buffers: a big read-back then skips the zero-fill that `slice` does before
 * copying (every byte is overwritten at once). Measured for 4 MiB: 0.24 ms against 0.54 ms.
 */
const NodeBuffer = nodeBuiltin<{ Buffer: { allocUnsafeSlow(size: number): Uint8Array } }>('node:buffer')?.Buffer;
const UNZEROED_MIN_BYTES = 1 << 16;

/** Storage in the module's linear memory: a DataId is the byte address of a heap block. */
export class WasmStorage implements BackendStorage {
  constructor(private readonly rt: Runtime) {}

  private check(id: DataId, byteOffset: number, byteLength: number, what: string): number {
    const size = typeof id === 'number' ? this.rt.heap.sizeOf(id) : undefined;
    if (size === undefined) throw new ArgumentError('wasm storage: this DataId is not a live wasm allocation');
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > size) {
      throw new ArgumentError(`wasm storage: ${what} of ${byteLength} bytes at ${byteOffset} overruns an allocation of ${size} bytes`);
    }
    return (id as number) + byteOffset;
  }

  alloc(byteLength: number): number {
    return this.rt.heap.alloc(byteLength);
  }

  free(id: DataId): void {
    this.rt.heap.free(id as number);
  }

  write(id: DataId, bytes: Uint8Array, byteOffset = 0): void {
    this.rt.u8().set(bytes, this.check(id, byteOffset, bytes.byteLength, 'write'));
  }

  readSync(id: DataId, byteOffset: number, byteLength: number): Uint8Array {
    const at = this.check(id, byteOffset, byteLength, 'read');
    // always a copy: the memory may grow or be reused
    if (NodeBuffer && byteLength >= UNZEROED_MIN_BYTES) {
      const out = NodeBuffer.allocUnsafeSlow(byteLength); // its own ArrayBuffer (never pooled)
      out.set(this.rt.u8().subarray(at, at + byteLength));
      return new Uint8Array(out.buffer, out.byteOffset, byteLength);
    }
    return this.rt.u8().slice(at, at + byteLength);
  }

  read(id: DataId, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    try {
      return Promise.resolve(this.readSync(id, byteOffset, byteLength));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
