import { ArgumentError, OutOfMemoryError } from '@tessera/core';

const PAGE = 65536;
const ALIGN = 64; // a cache line: SIMD loads never straddle, threads never share a line across blocks

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * The allocator over linear memory: blocks are rounded up to size classes (4 per power of two,
 * so at most 25% waste), freed blocks go to their class's free list and are reused first, and
 * new blocks come from a bump pointer that grows the memory on demand. Block metadata lives in
 * JS (a Map), so the C kernels see nothing but plain addresses.
 */
export class Heap {
  private readonly freeLists = new Map<number, number[]>();
  private readonly blocks = new Map<number, number>(); // address -> class size
  private top: number;
  /** Bytes in live blocks (class sizes). */
  liveBytes = 0;

  constructor(private readonly memory: WebAssembly.Memory, base: number, readonly maxBytes: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  static classOf(n: number): number {
    if (n <= ALIGN) return ALIGN;
    const p = 2 ** Math.floor(Math.log2(n - 1));
    const step = Math.max(ALIGN, p / 4);
    return Math.ceil(n / step) * step;
  }

  alloc(byteLength: number): number {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
      throw new ArgumentError(`wasm storage: cannot allocate ${byteLength} bytes; give a non-negative integer`);
    }
    const size = Heap.classOf(byteLength);
    let ptr = this.freeLists.get(size)?.pop();
    if (ptr === undefined) {
      if (this.top + size > this.maxBytes) throw this.oom(byteLength);
      this.ensure(this.top + size, byteLength);
      ptr = this.top;
      this.top += size;
    }
    this.blocks.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.blocks.get(ptr);
    if (size === undefined) throw new ArgumentError(`wasm storage: ${ptr} is not a live allocation (double free?)`);
    this.blocks.delete(ptr);
    this.liveBytes -= size;
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /** Usable bytes of a live block (>= the size asked for). */
  sizeOf(ptr: number): number | undefined {
    return this.blocks.get(ptr);
  }

  /** Bytes reserved from the memory so far (live + free lists). */
  get reservedBytes(): number {
    return this.top;
  }

  private ensure(end: number, asked: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // grow by at least half of what we have, to keep growth (and view re-creation) rare
    const want = Math.min(this.maxBytes, Math.max(end, have + Math.floor(have / 2)));
    try {
      this.memory.grow(Math.ceil((want - have) / PAGE));
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw this.oom(asked);
      }
    }
  }

  private oom(asked: number): OutOfMemoryError {
    return new OutOfMemoryError(
      `wasm: out of memory allocating ${asked} bytes (${mib(asked)}); the wasm32 heap is limited to ` +
        `${mib(this.maxBytes)} and ${mib(this.liveBytes)} are live: free tensors (dispose / tidy) or use smaller shapes`,
    );
  }
}
