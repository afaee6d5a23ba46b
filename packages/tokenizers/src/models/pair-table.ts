// Open-addressing hash table from a pair of ids (a, b) to (rank, merged id).
// rank -1 records a pair known not to merge (used by lazily resolved tiktoken ranks).
export class PairTable {
  private cap: number;
  private a: Int32Array;
  private b: Int32Array;
  private rank: Int32Array;
  private merged: Int32Array;
  size = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.cap = cap;
    this.a = new Int32Array(cap).fill(-1);
    this.b = new Int32Array(cap);
    this.rank = new Int32Array(cap);
    this.merged = new Int32Array(cap);
  }

  private slot(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    const mask = this.cap - 1;
    let i = h & mask;
    const a = this.a, b = this.b;
    while (true) {
      const ai = a[i]!;
      if (ai === -1 || (ai === x && b[i] === y)) return i;
      i = (i + 1) & mask;
    }
  }

  /** Slot index holding (x, y), or -1. */
  find(x: number, y: number): number {
    const i = this.slot(x, y);
    return this.a[i] === -1 ? -1 : i;
  }
  rankAt(i: number): number { return this.rank[i]!; }
  mergedAt(i: number): number { return this.merged[i]!; }

  set(x: number, y: number, rank: number, merged: number): void {
    if ((this.size + 1) * 2 > this.cap) this.grow();
    const i = this.slot(x, y);
    if (this.a[i] === -1) this.size++;
    this.a[i] = x; this.b[i] = y; this.rank[i] = rank; this.merged[i] = merged;
  }

  private grow(): void {
    const { a, b, rank, merged } = this;
    this.cap <<= 1;
    this.a = new Int32Array(this.cap).fill(-1);
    this.b = new Int32Array(this.cap);
    this.rank = new Int32Array(this.cap);
    this.merged = new Int32Array(this.cap);
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== -1) this.set(a[i]!, b[i]!, rank[i]!, merged[i]!);
  }
}
