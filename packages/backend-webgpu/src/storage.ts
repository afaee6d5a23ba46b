import { ArgumentError, type BackendStorage, type DataId } from '@tessera/core';
import { GpuData, type Runtime } from './runtime.js';

function asData(id: DataId): GpuData {
  if (!(id instanceof GpuData) || !id.buffer) throw new ArgumentError('webgpu storage: this DataId is not a live webgpu allocation');
  return id;
}

/** GPU buffers from the runtime's pool. No readSync: WebGPU reads back only asynchronously. */
export class WebGpuStorage implements BackendStorage {
  constructor(private readonly rt: Runtime) {}

  alloc(byteLength: number): GpuData {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
      throw new ArgumentError(`webgpu storage: cannot allocate ${byteLength} bytes; give a non-negative integer`);
    }
    return this.rt.alloc(byteLength);
  }

  free(id: DataId): void {
    this.rt.free(asData(id));
  }

  write(id: DataId, bytes: Uint8Array, byteOffset = 0): void {
    const d = asData(id);
    if (byteOffset < 0 || byteOffset + bytes.byteLength > d.byteLength) {
      throw new ArgumentError(`webgpu storage: write of ${bytes.byteLength} bytes at ${byteOffset} overruns an allocation of ${d.byteLength} bytes`);
    }
    this.rt.write(d, bytes, byteOffset);
  }

  read(id: DataId, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    try {
      const d = asData(id);
      if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > d.byteLength) {
        throw new ArgumentError(`webgpu storage: read of ${byteLength} bytes at ${byteOffset} overruns an allocation of ${d.byteLength} bytes`);
      }
      return this.rt.read(d, byteOffset, byteLength);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
