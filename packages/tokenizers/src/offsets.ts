// Offsets of model tokens in the original text: the model reports each token's range in the word it
// was given; the word's alignment (align.ts) maps that back to the text, as HF's NormalizedString does.
import { rangeOf, type Aligned } from './align.js';
import type { Token } from './models/model.js';
import { utf8LenAt } from './unicode.js';

/** Append the model's tokens of one aligned piece, with their original offsets. */
export function pushModelTokens(piece: Aligned, toks: Token[], out: { ids: number[]; values: string[]; offs: number[] }): void {
  for (const t of toks) {
    out.ids.push(t.id);
    out.values.push(t.value);
    const r = rangeOf(piece, t.offsets[0], t.offsets[1]);
    out.offs.push(r[0], r[1]);
  }
}

/**
 * Offsets of the byte-level tokens of the piece starting at p in s, from the end byte of each token
 * in the piece (as the model reports them): a token covers the chars holding its first and last bytes
 * (bytes of one char all get that char's range, as in HF). When `prefixAt` >= 0, s[0] is a space
 * prepended to the text at `prefixAt`: it takes the range of the first char there, and s[x] (x >= 1)
 * is the text's unit prefixAt + x - 1.
 */
export function byteOffsets(s: string, p: number, byteEnds: number[], out: number[], prefixAt: number): void {
  let i = p, used = 0, prev = 0; // current char s[i], `used` of its bytes already taken
  for (let k = 0; k < byteEnds.length; k++) {
    let need = byteEnds[k]! - prev;
    prev = byteEnds[k]!;
    const cs = i;
    let ce = i;
    while (need > 0 && i < s.length) {
      const l = utf8LenAt(s, i);
      const w = l === 4 ? 2 : 1;
      const take = Math.min(need, l - used);
      need -= take; used += take; ce = i + w;
      if (used >= l) { i += w; used = 0; }
    }
    if (prefixAt < 0) out.push(cs, ce);
    else {
      const w0 = utf8LenAt(s, 1) === 4 ? 2 : 1;
      out.push(cs === 0 ? prefixAt : prefixAt + cs - 1, ce <= 1 ? prefixAt + (s.length > 1 ? w0 : 0) : prefixAt + ce - 1);
    }
  }
}
