// Pre-tokenizers of the HF pipeline. Each splits a string into pieces, pushing the piece strings
// and their start offsets (in the string given) into `strs` / `starts`.
import { describe, fail } from './errors.js';
import { badArg, checkParts } from './args.js';

function checkPreTokenizeArgs(type: string, s: unknown, base: unknown, strs: unknown, starts: unknown): void {
  const f = `${type}.preTokenize`;
  if (typeof s !== 'string') badArg(f, 's', 'a string', s);
  if (!Number.isInteger(base) || (base as number) < 0) badArg(f, 'base', 'a non-negative integer', base);
  if (!Array.isArray(strs)) badArg(f, 'strs', 'an array', strs);
  if (!Array.isArray(starts)) badArg(f, 'starts', 'an array', starts);
}
import { BYTE_TO_CHAR, cls, C_N, C_P, C_WS, writeUtf8 } from './unicode.js';
import { patternRegExp, type Pattern } from './normalizers.js';
import { GPT2_PATTERN, scanGpt2, scannerFor, type Scanner } from './scanners.js';

export interface PreTokenizer {
  readonly type: string;
  /** Split s (which starts at offset `base` of the input) into pieces. */
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void;
  toJSON(): Record<string, unknown>;
}

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];
export function checkBehavior(b: unknown, where: string): SplitBehavior {
  if (typeof b !== 'string' || !BEHAVIORS.includes(b)) fail('INVALID_FIELD', `${where}.behavior must be one of ${BEHAVIORS.join(', ')}, got ${describe(b)}`);
  return b as SplitBehavior;
}

/** Apply a split behavior to match ranges `m` = [a0, b0, a1, b1, ...] of s. */
function applySplit(s: string, base: number, m: number[], behavior: SplitBehavior, invert: boolean, strs: string[], starts: number[]): void {
  // pieces covering s: [start, end, isMatch]
  const parts: number[] = [];
  let last = 0;
  for (let k = 0; k < m.length; k += 2) {
    if (m[k]! > last) parts.push(last, m[k]!, invert ? 1 : 0);
    parts.push(m[k]!, m[k + 1]!, invert ? 0 : 1);
    last = m[k + 1]!;
  }
  if (last < s.length) parts.push(last, s.length, invert ? 1 : 0);
  const out: number[] = [];
  if (behavior === 'Removed') {
    for (let k = 0; k < parts.length; k += 3) if (!parts[k + 2]) out.push(parts[k]!, parts[k + 1]!);
  } else if (behavior === 'Isolated') {
    for (let k = 0; k < parts.length; k += 3) out.push(parts[k]!, parts[k + 1]!);
  } else if (behavior === 'MergedWithPrevious') {
    let prev = false;
    for (let k = 0; k < parts.length; k += 3) {
      const isM = parts[k + 2] === 1;
      if (isM && !prev && out.length) out[out.length - 1] = parts[k + 1]!;
      else out.push(parts[k]!, parts[k + 1]!);
      prev = isM;
    }
  } else if (behavior === 'MergedWithNext') {
    let prev = false;
    const rev: number[] = [];
    for (let k = parts.length - 3; k >= 0; k -= 3) {
      const isM = parts[k + 2] === 1;
      if (isM && !prev && rev.length) rev[rev.length - 2] = parts[k]!;
      else rev.push(parts[k]!, parts[k + 1]!);
      prev = isM;
    }
    for (let k = rev.length - 2; k >= 0; k -= 2) out.push(rev[k]!, rev[k + 1]!);
  } else {
    let prevKind = -1;
    for (let k = 0; k < parts.length; k += 3) {
      if (parts[k + 2] === prevKind && out.length) out[out.length - 1] = parts[k + 1]!;
      else out.push(parts[k]!, parts[k + 1]!);
      prevKind = parts[k + 2]!;
    }
  }
  for (let k = 0; k < out.length; k += 2) if (out[k + 1]! > out[k]!) { strs.push(s.slice(out[k]!, out[k + 1]!)); starts.push(base + out[k]!); }
}

/** Matches of a per-character predicate (each matching char is one match). */
function charMatches(s: string, pred: (cp: number) => boolean): number[] {
  const m: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (pred(cp)) m.push(i, i + w);
    i += w;
  }
  return m;
}
const isWS = (cp: number) => (cls(cp) & C_WS) !== 0;
const isPunct = (cp: number) => (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) || (cls(cp) & C_P) !== 0;
const isNum = (cp: number) => (cls(cp) & C_N) !== 0;

export class WhitespaceSplit implements PreTokenizer {
  readonly type = 'WhitespaceSplit';
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    const n = s.length;
    let i = 0;
    while (i < n) {
      while (i < n && isWsUnit(s.charCodeAt(i))) i++;
      if (i >= n) break;
      const a = i;
      while (i < n && !isWsUnit(s.charCodeAt(i))) i++;
      strs.push(a === 0 && i === n ? s : s.slice(a, i)); starts.push(base + a);
    }
  }
  toJSON() { return { type: this.type }; }
}
function isWsUnit(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && (cls(c) & C_WS) !== 0);
}

const ASCII_PUNCT = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_PUNCT[c] = isPunct(c) ? 1 : 0;

export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    const n = s.length;
    let a = -1;
    for (let i = 0; i < n; ) {
      const c = s.charCodeAt(i);
      let w = 1, ws: boolean, p: boolean;
      if (c < 128) { ws = c === 32 || (c >= 9 && c <= 13); p = ASCII_PUNCT[c] === 1; }
      else {
        const cp = s.codePointAt(i)!;
        if (cp > 0xffff) w = 2;
        const f = cls(cp);
        ws = (f & C_WS) !== 0; p = (f & C_P) !== 0;
      }
      if (ws || p) {
        if (a >= 0) { strs.push(s.slice(a, i)); starts.push(base + a); a = -1; }
        if (p) { strs.push(s.slice(i, i + w)); starts.push(base + i); }
      } else if (a < 0) a = i;
      i += w;
    }
    if (a >= 0) { strs.push(a === 0 ? s : s.slice(a)); starts.push(base + a); }
  }
  toJSON() { return { type: this.type }; }
}

const WORD_RE = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;
export class Whitespace implements PreTokenizer {
  readonly type = 'Whitespace';
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    WORD_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = WORD_RE.exec(s)) !== null) { strs.push(m[0]); starts.push(base + m.index); }
  }
  toJSON() { return { type: this.type }; }
}

export class Punctuation implements PreTokenizer {
  readonly type = 'Punctuation';
  constructor(readonly behavior: SplitBehavior = 'Isolated') { checkParts('Punctuation', [['behavior', behavior, BEHAVIORS]]); }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    applySplit(s, base, charMatches(s, isPunct), this.behavior, false, strs, starts);
  }
  toJSON() { return { type: this.type, behavior: this.behavior }; }
}

export class Digits implements PreTokenizer {
  readonly type = 'Digits';
  constructor(readonly individualDigits = false) { checkParts('Digits', [['individualDigits', individualDigits, 'bool']]); }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    applySplit(s, base, charMatches(s, isNum), this.individualDigits ? 'Isolated' : 'Contiguous', false, strs, starts);
  }
  toJSON() { return { type: this.type, individual_digits: this.individualDigits }; }
}

export class Split implements PreTokenizer {
  readonly type = 'Split';
  private scan: Scanner | null = null;
  private re: RegExp | null = null;
  constructor(readonly pattern: Pattern, readonly behavior: SplitBehavior, readonly invert = false) {
    checkParts('Split', [['pattern', pattern, 'object'], ['behavior', behavior, BEHAVIORS], ['invert', invert, 'bool']]);
    const rx = (pattern as { Regex?: string }).Regex;
    if (typeof rx === 'string' && !invert) this.scan = scannerFor(rx);
    else this.re = patternRegExp(pattern, 'pre_tokenizer');
  }
  /** Match ranges of the pattern in s. */
  private matches(s: string): number[] {
    const m: number[] = [];
    if (this.scan) {
      // the scanners cover the whole string with matches (every char matches one of the alternatives)
      const ends: number[] = [];
      this.scan(s, 0, s.length, ends);
      let a = 0;
      for (const e of ends) { m.push(a, e); a = e; }
      return m;
    }
    const re = this.re!;
    re.lastIndex = 0;
    let x: RegExpExecArray | null;
    while ((x = re.exec(s)) !== null) {
      if (x[0].length === 0) { re.lastIndex++; continue; }
      m.push(x.index, x.index + x[0].length);
    }
    return m;
  }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    if (this.scan && this.behavior === 'Isolated') {
      const ends: number[] = [];
      this.scan(s, 0, s.length, ends);
      let a = 0;
      for (const e of ends) { strs.push(s.slice(a, e)); starts.push(base + a); a = e; }
      return;
    }
    applySplit(s, base, this.matches(s), this.behavior, this.invert, strs, starts);
  }
  /** The hand-written scanner used for this pattern, when the split is an Isolated one. */
  get scanner(): Scanner | null { return this.behavior === 'Isolated' ? this.scan : null; }
  toJSON() { return { type: this.type, pattern: this.pattern, behavior: this.behavior, invert: this.invert }; }
}

/** Map the UTF-8 bytes of s to GPT-2's byte-to-unicode alphabet. */
export function toByteChars(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 33 || c > 126) { ascii = false; break; } }
  if (ascii) return s;
  const buf = new Uint8Array(s.length * 3);
  const n = writeUtf8(s, buf);
  let out = '';
  for (let i = 0; i < n; i++) out += BYTE_TO_CHAR[buf[i]!]!;
  return out;
}

export class ByteLevel implements PreTokenizer {
  readonly type = 'ByteLevel';
  constructor(readonly addPrefixSpace = true, readonly trimOffsets = true, readonly useRegex = true) { checkParts('ByteLevel', [['addPrefixSpace', addPrefixSpace, 'bool'], ['trimOffsets', trimOffsets, 'bool'], ['useRegex', useRegex, 'bool']]); }
  /** Split raw text without mapping to the byte alphabet (used by the byte-level fast path). */
  splitRaw(s: string, base: number, strs: string[], starts: number[]): void {
    let t = s, shift = 0;
    if (this.addPrefixSpace && !s.startsWith(' ')) { t = ' ' + s; shift = 1; }
    if (!this.useRegex) { strs.push(t); starts.push(base); return; }
    const ends: number[] = [];
    scanGpt2(t, 0, t.length, ends);
    let a = 0;
    for (const e of ends) { strs.push(t.slice(a, e)); starts.push(base + Math.max(0, a - shift)); a = e; }
  }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    const k = strs.length;
    this.splitRaw(s, base, strs, starts);
    for (let i = k; i < strs.length; i++) strs[i] = toByteChars(strs[i]!);
  }
  toJSON() { return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex }; }
}
export { GPT2_PATTERN };

export type PrependScheme = 'always' | 'first' | 'never';
export class Metaspace implements PreTokenizer {
  readonly type = 'Metaspace';
  constructor(readonly replacement = '\u2581', readonly prependScheme: PrependScheme = 'always', readonly split = true) {
    checkParts('Metaspace', [['replacement', replacement, 'string'], ['prependScheme', prependScheme, ['always', 'first', 'never']], ['split', split, 'bool']]);
    if ([...replacement].length !== 1) fail('INVALID_FIELD', `pre_tokenizer.replacement must be one character, got ${describe(replacement)}`);
  }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    let t = s.includes(' ') ? s.split(' ').join(this.replacement) : s;
    let shift = 0;
    if (this.prependScheme === 'always' || (this.prependScheme === 'first' && base === 0)) {
      if (!t.startsWith(this.replacement)) { t = this.replacement + t; shift = this.replacement.length; }
    }
    if (!this.split) { strs.push(t); starts.push(base); return; }
    const r = this.replacement;
    let a = 0;
    let i = t.indexOf(r, 1);
    while (i >= 0) {
      strs.push(t.slice(a, i)); starts.push(base + Math.max(0, a - shift));
      a = i;
      i = t.indexOf(r, i + r.length);
    }
    if (a < t.length) { strs.push(a === 0 ? t : t.slice(a)); starts.push(base + Math.max(0, a - shift)); }
  }
  toJSON() { return { type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split }; }
}

export class PreTokenizerSequence implements PreTokenizer {
  readonly type = 'Sequence';
  constructor(readonly pretokenizers: PreTokenizer[]) { checkParts('PreTokenizerSequence', [['pretokenizers', pretokenizers, 'array']]); pretokenizers.forEach((p, i) => { if (typeof (p as Partial<PreTokenizer>)?.preTokenize !== 'function') badArg('PreTokenizerSequence', `pretokenizers[${i}]`, 'a PreTokenizer', p); }); }
  preTokenize(s: string, base: number, strs: string[], starts: number[]): void { checkPreTokenizeArgs(this.type, s, base, strs, starts);
    let cs = [s], cb = [base];
    for (const p of this.pretokenizers) {
      const ns: string[] = [], nb: number[] = [];
      for (let i = 0; i < cs.length; i++) p.preTokenize(cs[i]!, cb[i]!, ns, nb);
      cs = ns; cb = nb;
    }
    for (let i = 0; i < cs.length; i++) { strs.push(cs[i]!); starts.push(cb[i]!); }
  }
  toJSON() { return { type: this.type, pretokenizers: this.pretokenizers.map((p) => p.toJSON()) }; }
}
export { isWS };
