// Added tokens (special or not) are matched in the text before the model sees it.
import { cls, C_L, C_N, C_WS } from './unicode.js';

export interface AddedToken {
  id: number;
  content: string;
  singleWord?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
  /** false: never matched in input text (SentencePiece CONTROL pieces); only decoding knows it. */
  matched?: boolean;
}

export interface Segment { start: number; end: number; id: number } // id -1: plain text

const isWordCp = (cp: number) => (cls(cp) & (C_L | C_N)) !== 0 || cp === 95;

/** Finds added tokens in text, leftmost-longest, honouring lstrip / rstrip / single_word. */
export class AddedTokenMatcher {
  private re: RegExp | null;
  private byContent = new Map<string, AddedToken>();
  constructor(readonly tokens: AddedToken[]) {
    const list = tokens.filter((t) => t.content.length > 0);
    for (const t of list) this.byContent.set(t.content, t);
    const alts = [...this.byContent.keys()].sort((a, b) => b.length - a.length).map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.re = alts.length ? new RegExp(alts.join('|'), 'gu') : null;
  }
  get empty(): boolean { return this.re === null; }

  /** Split [0, s.length) into plain-text and added-token segments. */
  split(s: string): Segment[] {
    const out: Segment[] = [];
    if (!this.re) { out.push({ start: 0, end: s.length, id: -1 }); return out; }
    const re = this.re;
    re.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      const t = this.byContent.get(m[0])!;
      let a = m.index, b = a + m[0].length;
      if (t.singleWord) {
        const before = a > 0 ? s.codePointAt(a - 1)! : -1, after = b < s.length ? s.codePointAt(b)! : -1;
        if ((before >= 0 && isWordCp(before) && isWordCp(s.codePointAt(a)!)) || (after >= 0 && isWordCp(after) && isWordCp(s.codePointAt(b - 1)!))) {
          re.lastIndex = a + 1; continue;
        }
      }
      if (t.lstrip) while (a > last && cls(s.charCodeAt(a - 1)) & C_WS) a--;
      if (t.rstrip) while (b < s.length && cls(s.charCodeAt(b)) & C_WS) b++;
      if (a > last) out.push({ start: last, end: a, id: -1 });
      out.push({ start: a, end: b, id: t.id });
      last = b;
      re.lastIndex = b;
    }
    if (last < s.length) out.push({ start: last, end: s.length, id: -1 });
    return out;
  }
}
