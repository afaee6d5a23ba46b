/** llama.cpp's top-nσ sampler: keep the logits ≥ max − n·σ, σ the standard deviation of the finite logits. */
import { LogitsProcessor } from '../processor.js';
import { num, options } from '../check.js';

export class TopNSigmaLogitsWarper extends LogitsProcessor {
  readonly n: number;
  constructor(o: { n: number }) {
    super();
    const w = 'TopNSigmaLogitsWarper';
    this.n = num(w, 'n', options<typeof o>(w, o, ['n']).n, 0, Infinity);
  }

  processRow(_ids: Int32Array, s: Float32Array): void {
    if (this.n <= 0 || s.length <= 1) return; // as llama.cpp: n ≤ 0 turns it off
    let m = -Infinity, sum = 0, count = 0;
    for (const x of s) if (Number.isFinite(x)) { m = Math.max(m, x); sum += x; count++; }
    if (!count) return;
    const mean = sum / count;
    let v = 0;
    for (const x of s) if (Number.isFinite(x)) v += (x - mean) ** 2;
    const cut = m - this.n * Math.sqrt(v / count);
    for (let i = 0; i < s.length; i++) if (s[i]! < cut) s[i] = -Infinity;
  }
}
