// Truncation as HF does it (Encoding::truncate, truncate_encodings): the removed tokens are not
// dropped but come back as overflowing parts of at most the kept length, each repeating the last
// `stride` tokens of the part before it.
import { describe, fail } from './errors.js';
import type { RawEncoding } from './post-processors.js';

export interface TruncationOptions {
  maxLength: number;
  strategy?: 'longest_first' | 'only_first' | 'only_second';
  direction?: 'right' | 'left';
  /** Tokens each overflowing part repeats from the part before it (HF `stride`); 0 by default. */
  stride?: number;
}

/** Throws INVALID_ARGUMENT naming the function and the bad field of truncation options. */
export function checkTruncation(t: TruncationOptions, fn = 'truncation'): void {
  const bad = (f: string, want: string, v: unknown): never => fail('INVALID_ARGUMENT', `${fn}: truncation${f && '.' + f} must be ${want}, got ${describe(v)}`);
  if (typeof t !== 'object' || t === null || Array.isArray(t)) bad('', 'an object with maxLength', t);
  for (const k of Object.keys(t)) if (!['maxLength', 'strategy', 'direction', 'stride'].includes(k)) bad(k.slice(0, 40), 'absent (known options: maxLength, strategy, direction, stride)', k);
  if (!Number.isInteger(t.maxLength) || t.maxLength < 0) bad('maxLength', 'a non-negative integer', t.maxLength);
  if (t.stride !== undefined && (!Number.isInteger(t.stride) || t.stride < 0)) bad('stride', 'a non-negative integer', t.stride);
  if (t.strategy !== undefined && !['longest_first', 'only_first', 'only_second'].includes(t.strategy)) bad('strategy', "'longest_first', 'only_first' or 'only_second'", t.strategy);
  if (t.direction !== undefined && t.direction !== 'right' && t.direction !== 'left') bad('direction', "'right' or 'left'", t.direction);
}

function slice(e: RawEncoding, a: number, b: number): RawEncoding {
  return {
    ids: e.ids.slice(a, b), tokens: e.tokens.slice(a, b), typeIds: e.typeIds.slice(a, b), special: e.special.slice(a, b),
    offsets: e.offsets ? e.offsets.slice(a, b) : null, text: e.text,
  };
}

/** HF Encoding::truncate: keep `max` tokens, the rest become overflowing parts overlapping by `stride`. */
export function truncateEncoding(e: RawEncoding, max: number, stride: number, left: boolean): RawEncoding {
  const n = e.ids.length;
  if (max >= n) return e;
  if (max === 0) return { ...slice(e, 0, 0), overflowing: [e] };
  if (stride >= max) {
    fail('INVALID_ARGUMENT', `truncation.stride (${stride}) must be less than the length a sequence is cut to (${max}: max_length less the special tokens, split between a pair)`);
  }
  const step = max - stride;
  const parts: RawEncoding[] = [];
  if (left) for (let stop = n; ; stop -= step) { const start = Math.max(0, stop - max); parts.push(slice(e, start, stop)); if (start === 0) break; }
  else for (let start = 0; ; start += step) { const stop = Math.min(start + max, n); parts.push(slice(e, start, stop)); if (stop === n) break; }
  const main = parts[0]!;
  main.overflowing = parts.slice(1);
  return main;
}

/** HF truncate_encodings: fit one sequence or a pair in `max` tokens with the chosen strategy. */
export function truncate(a: RawEncoding, b: RawEncoding | null, max: number, t: TruncationOptions): [RawEncoding, RawEncoding | null] {
  const left = t.direction === 'left', stride = t.stride ?? 0;
  const cut = (e: RawEncoding, n: number) => truncateEncoding(e, n, stride, left);
  if (max === 0) return [cut(a, 0), b && cut(b, 0)];
  const total = a.ids.length + (b ? b.ids.length : 0);
  if (total <= max) return [a, b];
  const strategy = t.strategy ?? 'longest_first';
  if (strategy === 'longest_first') {
    if (!b) return [cut(a, max), null];
    // the shorter keeps its length when the longer can take the rest; else both get half (the longer the odd one)
    let n1 = a.ids.length, n2 = b.ids.length;
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > max ? n1 : Math.max(n1, max - n1);
    if (n1 + n2 > max) { n1 = Math.floor(max / 2); n2 = n1 + (max % 2); }
    if (swap) [n1, n2] = [n2, n1];
    return [cut(a, n1), cut(b, n2)];
  }
  const second = strategy === 'only_second';
  if (second && !b) fail('INVALID_ARGUMENT', 'truncation only_second needs a pair');
  const target = second ? b! : a;
  const remove = total - max;
  if (target.ids.length <= remove) {
    fail('INVALID_ARGUMENT', `truncation ${strategy}: the ${second ? 'first' : 'second'} sequence alone (${total - target.ids.length} tokens) leaves no room in max_length (${max})`);
  }
  const kept = cut(target, target.ids.length - remove);
  return second ? [a, kept] : [kept, b];
}
