import type { BackendStorage, DataId } from '@tessera/core';
import type { CudaAddon, Ptr } from './addon.js';

/**
 * Device memory through the addon's caching allocator. A DataId is the device address (a number).
 * Writes are staged and copied asynchronously on the backend's one stream; `read` waits for the
 * queued work off the main thread; `readSync` blocks.
 */
export class CudaStorage implements BackendStorage {
  constructor(private readonly native: CudaAddon) {}

  alloc(byteLength: number): DataId {
    return this.native.alloc(byteLength);
  }

  free(id: DataId): void {
    this.native.free(id as Ptr);
  }

  write(id: DataId, bytes: Uint8Array, byteOffset = 0): void {
    if (bytes.byteLength) this.native.write(id as Ptr, bytes, byteOffset);
  }

  read(id: DataId, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    return this.native.read(id as Ptr, byteOffset, byteLength);
  }

  readSync(id: DataId, byteOffset: number, byteLength: number): Uint8Array {
    return this.native.readSync(id as Ptr, byteOffset, byteLength);
  }
}
