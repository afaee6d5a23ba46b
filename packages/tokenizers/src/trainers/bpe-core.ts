// Incremental BPE training (the algorithm of HF's BpeTrainer): pair counts are kept up to date
// as words are merged, and a max-heap of candidate merges is corrected lazily (an entry whose
// count is stale is re-queued with the current count). Ties on count go to the smaller
// (left id, right id) pair, as in HF.
import { fail } from '../errors.js';
import type { Reporter } from './common.js';

export interface BpeCoreOptions {
  vocabSize: number;
  minFrequency: number;
  specialTokens: string[];
  initialAlphabet: string[];
  limitAlphabet: number | null;
  continuingSubwordPrefix: string | null;
  endOfWordSuffix: string | null;
  maxTokenLength: number | null;
}

export interface BpeCoreResult {
  /** id -> token. */
  tokens: string[];
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
  /** Count of each merge when it was made (non-increasing). */
  mergeCounts: number[];
}

/** Open-addressing map (a, b) -> count. */
class PairCounts {
  cap = 1 << 12;
  size = 0;
  a = new Int32Array(this.cap).fill(-1);
  b = new Int32Array(this.cap);
  c = new Float64Array(this.cap);
  private slot(x: number, y: number): number {
    let h = Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    const mask = this.cap - 1;
    let i = h & mask;
    while (true) {
      const ai = this.a[i]!;
      if (ai === -1 || (ai === x && this.b[i] === y)) return i;
      i = (i + 1) & mask;
    }
  }
  get(x: number, y: number): number { const i = this.slot(x, y); return this.a[i] === -1 ? 0 : this.c[i]!; }
  add(x: number, y: number, d: number): void {
    let i = this.slot(x, y);
    if (this.a[i] === -1) {
      if ((this.size + 1) * 2 > this.cap) { this.grow(); i = this.slot(x, y); }
      this.a[i] = x; this.b[i] = y; this.c[i] = 0; this.size++;
    }
    this.c[i] += d;
  }
  private grow(): void {
    const { a, b, c } = this;
    this.cap <<= 1;
    this.a = new Int32Array(this.cap).fill(-1); this.b = new Int32Array(this.cap); this.c = new Float64Array(this.cap);
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== -1) { const j = this.slot(a[i]!, b[i]!); this.a[j] = a[i]!; this.b[j] = b[i]!; this.c[j] = c[i]!; this.size++; }
  }
}

interface Entry { count: number; a: number; b: number; pos: number[] }
const before = (x: Entry, y: Entry) => x.count > y.count || (x.count === y.count && (x.a < y.a || (x.a === y.a && x.b < y.b)));

class Heap {
  private h: Entry[] = [];
  get size() { return this.h.length; }
  push(e: Entry): void {
    const h = this.h;
    let i = h.length;
    h.push(e);
    while (i > 0) { const p = (i - 1) >> 1; if (!before(e, h[p]!)) break; h[i] = h[p]!; i = p; }
    h[i] = e;
  }
  pop(): Entry | undefined {
    const h = this.h;
    if (h.length === 0) return undefined;
    const top = h[0]!, last = h.pop()!;
    if (h.length > 0) {
      let i = 0; const n = h.length;
      while (true) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(h[c + 1]!, h[c]!)) c++;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!; i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

export function trainBpeCore(words: Map<string, number>, o: BpeCoreOptions, rep: Reporter): BpeCoreResult {
  const tokens: string[] = [];
  const vocab = new Map<string, number>();
  const add = (t: string) => { let id = vocab.get(t); if (id === undefined) { id = tokens.length; tokens.push(t); vocab.set(t, id); } return id; };
  for (const t of o.specialTokens) add(t);

  // alphabet: every character, weighted by word counts; the initial alphabet always stays
  const alpha = new Map<string, number>();
  for (const [w, c] of words) for (const ch of w) alpha.set(ch, (alpha.get(ch) ?? 0) + c);
  for (const ch of o.initialAlphabet) alpha.set(ch, Infinity);
  let kept = [...alpha.entries()];
  if (o.limitAlphabet !== null && kept.length > o.limitAlphabet) {
    // drop the rarest (ties: the higher code point goes first)
    kept.sort((x, y) => x[1] - y[1] || (y[0] < x[0] ? -1 : y[0] > x[0] ? 1 : 0));
    kept = kept.slice(kept.length - o.limitAlphabet);
  }
  kept.sort((x, y) => x[0].codePointAt(0)! - y[0].codePointAt(0)!);
  const alphabet = new Set<string>();
  for (const [ch] of kept) { add(ch); alphabet.add(ch); }

  // words as symbol ids (characters outside the alphabet are dropped, as HF does)
  const prefix = o.continuingSubwordPrefix, suffix = o.endOfWordSuffix;
  const nw = words.size;
  const syms: Int32Array[] = new Array(nw);
  const lens = new Int32Array(nw);
  const clens: Int32Array[] | null = o.maxTokenLength !== null ? new Array(nw) : null;
  const counts = new Float64Array(nw);
  {
    let w = 0;
    const tmp: number[] = [];
    for (const [word, c] of words) {
      tmp.length = 0;
      const chars = Array.from(word);
      for (let k = 0; k < chars.length; k++) {
        let s = chars[k]!;
        if (!alphabet.has(s)) continue;
        if (k > 0 && prefix) s = prefix + s;
        if (k === chars.length - 1 && suffix) s += suffix;
        tmp.push(add(s));
      }
      syms[w] = Int32Array.from(tmp);
      lens[w] = tmp.length;
      if (clens) clens[w] = new Int32Array(tmp.length).fill(1);
      counts[w] = c;
      w++;
    }
  }
  const charLen = tokens.map((t) => Array.from(t).length);

  // initial pair counts and where each pair occurs
  const pc = new PairCounts();
  const where = new Map<number, number[]>(); // key a * 2^26 + b (built once)
  for (let w = 0; w < nw; w++) {
    const s = syms[w]!, n = lens[w]!, c = counts[w]!;
    for (let i = 0; i + 1 < n; i++) {
      pc.add(s[i]!, s[i + 1]!, c);
      const key = s[i]! * 67108864 + s[i + 1]!;
      let list = where.get(key);
      if (!list) where.set(key, (list = []));
      if (list[list.length - 1] !== w) list.push(w);
    }
  }
  const heap = new Heap();
  for (const [key, pos] of where) {
    const a = Math.floor(key / 67108864), b = key - a * 67108864;
    const count = pc.get(a, b);
    if (count > 0) heap.push({ count, a, b, pos });
  }
  where.clear();

  const merges: Array<[string, string]> = [];
  const mergeCounts: number[] = [];
  const merged = new Set<number>();
  const maxLen = o.maxTokenLength ?? Infinity;
  const minFreq = Math.max(1, o.minFrequency);
  const target = o.vocabSize;
  const stamp = new Int32Array(nw).fill(-1);
  let step = 0;
  // pairs that gain occurrences in this step, keyed by (other id, side)
  const gained = new Map<number, number[]>();
  while (tokens.length < target) {
    const top = heap.pop();
    if (!top) break;
    const cur = pc.get(top.a, top.b);
    if (top.count !== cur) {
      top.count = cur;
      if (cur > 0) heap.push(top);
      continue;
    }
    if (cur < minFreq) break;
    const a = top.a, b = top.b;
    let right = tokens[b]!;
    if (prefix && right.startsWith(prefix)) right = right.slice(prefix.length);
    const nid = add(tokens[a]! + right);
    if (nid === charLen.length) charLen.push(charLen[a]! + charLen[b]!);
    const key = a * 67108864 + b;
    if (!merged.has(key)) { merged.add(key); merges.push([tokens[a]!, tokens[b]!]); mergeCounts.push(cur); }
    step++;
    gained.clear();
    const note = (x: number, side: number, w: number) => {
      const k = x * 2 + side;
      let list = gained.get(k);
      if (!list) gained.set(k, (list = []));
      if (list[list.length - 1] !== w) list.push(w);
    };
    const nlen = charLen[nid]!;
    for (const w of top.pos) {
      if (stamp[w] === step) continue;
      stamp[w] = step;
      const s = syms[w]!, n = lens[w]!, c = counts[w]!;
      const cl = clens ? clens[w]! : null;
      let j = 0, r = 0;
      while (r < n) {
        if (s[r] === a && r + 1 < n && s[r + 1] === b) {
          if (j > 0) {
            const p = s[j - 1]!;
            pc.add(p, a, -c);
            if (!cl || cl[j - 1]! + nlen <= maxLen) { pc.add(p, nid, c); note(p, 0, w); }
          }
          if (r + 2 < n) {
            const q = s[r + 2]!;
            pc.add(b, q, -c);
            if (!cl || cl[r + 2]! + nlen <= maxLen) { pc.add(nid, q, c); note(q, 1, w); }
          }
          pc.add(a, b, -c);
          if (cl) cl[j] = nlen;
          s[j++] = nid;
          r += 2;
        } else {
          if (cl) cl[j] = cl[r]!;
          s[j++] = s[r++]!;
        }
      }
      lens[w] = j;
    }
    for (const [k, pos] of gained) {
      const x = k >> 1;
      const pa = k & 1 ? nid : x, pb = k & 1 ? x : nid;
      const count = pc.get(pa, pb);
      if (count > 0) heap.push({ count, a: pa, b: pb, pos });
    }
    if ((step & 255) === 0) rep.report('merges', tokens.length, target);
  }
  rep.report('merges', tokens.length, target, { merges: merges.length });
  if (tokens.length > (1 << 26)) fail('INVALID_ARGUMENT', 'BPE training: vocabulary too large');
  return { tokens, vocab, merges, mergeCounts };
}
