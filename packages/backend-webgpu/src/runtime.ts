/**
 * The GPU machinery every kernel shares: a size-bucketed buffer pool, one command encoder (and
 * compute pass) that batches many dispatches per submit, a ring of 256-byte uniform slots bound with
 * dynamic offsets (so one pipeline serves every shape), and a pipeline cache keyed by WGSL source.
 */
import { ArgumentError, BackendUnavailableError, OutOfMemoryError, TesseraError } from '@tessera/core';

/** The webgpu backend's DataId. */
export class GpuData {
  constructor(public buffer: GPUBuffer, readonly byteLength: number) {}
}

const SLOT_BYTES = 256; // minUniformBufferOffsetAlignment
const SLOT_WORDS = SLOT_BYTES / 4;
const SLOTS = 1024; // dispatches per submit, at most
const POOL_LIMIT = 512 * 2 ** 20; // bytes of free buffers kept for reuse
const DEFERRED_LIMIT = 256 * 2 ** 20; // freed-but-in-flight bytes that force a submit
const USAGE_STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST

/** Size classes 2^k·{1, 1.25, 1.5, 1.75}: ≤25% waste, few distinct buckets. */
function bucket(n: number): number {
  if (n <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(n));
  const q = p / 4;
  return Math.ceil(n / q) * q;
}

export interface Dispatch {
  /** WGSL source; the pipeline cache key. Binding 0 is the uniform slot, then inputs, then outputs. */
  code: string;
  inputs: readonly GpuData[];
  outputs: readonly GpuData[];
  /** Up to 64 u32 words (floats as their bits) for binding 0. */
  uniforms: ArrayLike<number>;
  groups: readonly [number, number?, number?];
}

export class Runtime {
  readonly queue: GPUQueue;
  private pipelines = new Map<string, GPUComputePipeline>();
  private layouts = new Map<string, [GPUBindGroupLayout, GPUPipelineLayout]>();
  private pool = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  /** Batch of the last encoded dispatch per buffer (pooled buffers outlive their GpuData): writes must not overtake it. */
  private lastUse = new WeakMap<GPUBuffer, number>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private slotData = new Uint32Array(SLOTS * SLOT_WORDS);
  private slots = 0;
  private uniformBuffer: GPUBuffer;
  /** Incremented at every submit. */
  batch = 0;
  lost: string | null = null;
  /** First asynchronous error (OOM, validation) since the last read: reported by the next read. */
  private pendingError: Error | null = null;
  readonly maxBinding: number;

  constructor(readonly device: GPUDevice) {
    this.queue = device.queue;
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.uniformBuffer = device.createBuffer({ size: SLOTS * SLOT_BYTES, usage: 0x40 | 0x8 /* UNIFORM | COPY_DST */ });
    device.lost.then((info) => {
      this.lost = `${info.reason}: ${info.message}`;
    });
    device.addEventListener?.('uncapturederror', (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      const isOom = err.constructor?.name === 'GPUOutOfMemoryError';
      this.pendingError ??= isOom
        ? new OutOfMemoryError(`webgpu: out of GPU memory (${err.message}); free tensors or use smaller shapes`)
        : new TesseraError('ERR_WEBGPU', `webgpu: the GPU rejected work (${err.message})`);
    });
  }

  private checkLost(): void {
    if (this.lost) throw new BackendUnavailableError(`webgpu: the GPU device was lost (${this.lost}); restart the backend`, 'ERR_DEVICE_LOST');
  }

  // ---- buffers ----------------------------------------------------------------------------------

  alloc(byteLength: number): GpuData {
    this.checkLost();
    const size = bucket(Math.max(4, byteLength));
    if (size > this.device.limits.maxBufferSize || size > this.maxBinding) {
      throw new OutOfMemoryError(
        `webgpu: cannot allocate ${byteLength} bytes (${(byteLength / 2 ** 20).toFixed(1)} MiB): above this device's ` +
          `buffer limit of ${this.maxBinding} bytes; use smaller tensors`,
      );
    }
    const reuse = this.pool.get(size)?.pop();
    if (reuse) {
      this.pooledBytes -= size;
      return new GpuData(reuse, byteLength);
    }
    let buffer: GPUBuffer;
    try {
      buffer = this.device.createBuffer({ size, usage: USAGE_STORAGE });
    } catch (e) {
      throw new OutOfMemoryError(`webgpu: out of memory allocating ${byteLength} bytes: ${(e as Error).message}`);
    }
    return new GpuData(buffer, byteLength);
  }

  /**
   * Buffers freed while the unsubmitted batch still uses them go back to the pool only at submit:
   * handing one out now would let a queue.writeBuffer (which runs before the batch) overtake the
   * batch's reads, forcing a submit per uploaded scalar.
   */
  private deferred: GPUBuffer[] = [];
  private deferredBytes = 0;

  free(d: GpuData): void {
    const buffer = d.buffer;
    d.buffer = undefined as unknown as GPUBuffer; // later use is a bug: make it loud
    if (this.encoder && this.lastUse.get(buffer) === this.batch) {
      this.deferred.push(buffer);
      this.deferredBytes += buffer.size;
      if (this.deferredBytes > DEFERRED_LIMIT) this.flush();
      return;
    }
    this.recycle(buffer);
  }

  private recycle(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.pooledBytes + size > POOL_LIMIT) {
      // Destroying is deferred by WebGPU until queued work using it is done.
      buffer.destroy();
    } else {
      let list = this.pool.get(size);
      if (!list) this.pool.set(size, (list = []));
      list.push(buffer);
      this.pooledBytes += size;
    }
  }

  write(d: GpuData, bytes: Uint8Array, byteOffset: number): void {
    this.checkLost();
    // queue.writeBuffer runs before any not-yet-submitted dispatch: submit those that use `d` first.
    if (this.encoder && this.lastUse.get(d.buffer) === this.batch) this.flush();
    let src = bytes;
    // SharedArrayBuffer only exists in cross-origin-isolated pages; Dawn rejects views of one.
    const shared = typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
    if (bytes.byteLength % 4 || shared || bytes.byteOffset % 4) {
      src = new Uint8Array((bytes.byteLength + 3) & ~3);
      src.set(bytes);
    }
    if (byteOffset % 4 || byteOffset + src.byteLength > d.buffer.size) {
      throw new ArgumentError(`webgpu storage.write: ${bytes.byteLength} bytes at byte offset ${byteOffset} do not fit the ${d.buffer.size}-byte allocation at a 4-byte-aligned offset`);
    }
    this.queue.writeBuffer(d.buffer, byteOffset, src.buffer, src.byteOffset, src.byteLength);
  }

  async read(d: GpuData, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    this.checkLost();
    if (byteLength === 0) return new Uint8Array(0);
    const start = byteOffset & ~3, end = (byteOffset + byteLength + 3) & ~3;
    const staging = this.device.createBuffer({ size: end - start, usage: 0x1 | 0x8 /* MAP_READ | COPY_DST */ });
    this.endPass();
    this.encoderNow().copyBufferToBuffer(d.buffer, start, staging, 0, end - start);
    this.flush();
    try {
      await staging.mapAsync(0x1 /* GPUMapMode.READ */);
    } catch (e) {
      this.checkLost();
      throw this.takeError() ?? e;
    }
    const out = new Uint8Array(staging.getMappedRange()).slice(byteOffset - start, byteOffset - start + byteLength);
    staging.unmap();
    staging.destroy();
    const err = this.takeError();
    if (err) throw err;
    return out;
  }

  private takeError(): Error | null {
    const e = this.pendingError;
    this.pendingError = null;
    return e;
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  private layoutFor(nIn: number, nOut: number): [GPUBindGroupLayout, GPUPipelineLayout] {
    const key = `${nIn}/${nOut}`;
    let hit = this.layouts.get(key);
    if (hit) return hit;
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: 4 /* COMPUTE */, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: SLOT_BYTES } },
    ];
    for (let i = 0; i < nIn + nOut; i++) {
      entries.push({ binding: i + 1, visibility: 4, buffer: { type: i < nIn ? 'read-only-storage' : 'storage' } });
    }
    const bgl = this.device.createBindGroupLayout({ entries });
    hit = [bgl, this.device.createPipelineLayout({ bindGroupLayouts: [bgl] })];
    this.layouts.set(key, hit);
    return hit;
  }

  private pipeline(code: string, nIn: number, nOut: number): GPUComputePipeline {
    const key = `${nIn}/${nOut}\n${code}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({ layout: this.layoutFor(nIn, nOut)[1], compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private encoderNow(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  run(d: Dispatch): void {
    this.checkLost();
    const [gx, gy = 1, gz = 1] = d.groups;
    if (gx === 0 || gy === 0 || gz === 0) return;
    if (this.slots === SLOTS) this.flush();
    const pipeline = this.pipeline(d.code, d.inputs.length, d.outputs.length);
    const slot = this.slots++;
    const base = slot * SLOT_WORDS;
    this.slotData.fill(0, base, base + SLOT_WORDS);
    for (let i = 0; i < d.uniforms.length; i++) this.slotData[base + i] = d.uniforms[i]!;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.uniformBuffer, size: SLOT_BYTES } }];
    let b = 1;
    for (const x of d.inputs) entries.push({ binding: b++, resource: { buffer: x.buffer } });
    for (const x of d.outputs) entries.push({ binding: b++, resource: { buffer: x.buffer } });
    const group = this.device.createBindGroup({ layout: this.layoutFor(d.inputs.length, d.outputs.length)[0], entries });
    for (const x of d.inputs) this.lastUse.set(x.buffer, this.batch);
    for (const x of d.outputs) this.lastUse.set(x.buffer, this.batch);
    const pass = (this.pass ??= this.encoderNow().beginComputePass());
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group, [slot * SLOT_BYTES]);
    pass.dispatchWorkgroups(gx, gy, gz);
  }

  /** Submit everything encoded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.slots) this.queue.writeBuffer(this.uniformBuffer, 0, this.slotData.buffer, 0, this.slots * SLOT_BYTES);
    this.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slots = 0;
    this.batch++;
    const done = this.deferred;
    this.deferred = [];
    this.deferredBytes = 0;
    for (const b of done) this.recycle(b);
  }

  async sync(): Promise<void> {
    this.flush();
    await this.queue.onSubmittedWorkDone();
    const err = this.takeError();
    if (err) throw err;
  }

  dispose(): void {
    this.flush();
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.device.destroy();
  }
}
