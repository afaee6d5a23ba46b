// Post-processors: add special tokens around one or two sequences. As in HF, each processor turns
// the sequences (with the overflowing parts truncation left on them) into a list of encodings, and
// `mergeEncodings` joins the list, pairing every overflowing part with the rest (Encoding::merge).
import { describe, fail } from './errors.js';
import { trimByteLevelOffsets } from './align.js';

/** An encoding being built: parallel arrays. */
export interface RawEncoding {
  ids: number[];
  tokens: string[];
  typeIds: number[];
  special: number[];
  offsets: Array<[number, number]> | null;
  /** Parts removed by truncation (HF `overflowing`). */
  overflowing?: RawEncoding[];
  /** The text the offsets point into (byte-level offset trimming needs it). */
  text?: string;
}

export interface PostProcessor {
  readonly type: string;
  /** Number of special tokens added for a single sequence or a pair. */
  addedTokens(pair: boolean): number;
  /** The merged encoding of one sequence or a pair, special tokens added. */
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding;
  /** HF `process_encodings`: the encodings to merge, overflowing parts processed too. */
  processEncodings?(encs: RawEncoding[], addSpecial: boolean): RawEncoding[];
  toJSON(): Record<string, unknown>;
}

/** A piece of a TemplateProcessing template, as tokenizer.json writes it. */
export type TemplatePiece = { SpecialToken: { id: string; type_id: number } } | { Sequence: { id: 'A' | 'B'; type_id: number } };
/** A special token of TemplateProcessing: one name for one or more ids. */
export interface SpecialTokenDef { id: string; ids: number[]; tokens: string[] }
type Piece = TemplatePiece;
type SpecialDef = SpecialTokenDef;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isTypeId = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 2 ** 31;
const badArg = (f: string, arg: string, want: string, got: unknown): never => fail('INVALID_ARGUMENT', `${f}: ${arg} must be ${want}, got ${describe(got)}`);
function checkTokenPair(f: string, arg: string, v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || !isTypeId(v[1])) badArg(f, arg, '[token (string), id (non-negative integer)]', v);
}

const copy = (e: RawEncoding): RawEncoding => ({
  ids: [...e.ids], tokens: [...e.tokens], typeIds: [...e.typeIds], special: [...e.special],
  offsets: e.offsets ? e.offsets.map((o) => [o[0], o[1]] as [number, number]) : null, overflowing: e.overflowing, text: e.text,
});
const empty = (offsets: boolean): RawEncoding => ({ ids: [], tokens: [], typeIds: [], special: [], offsets: offsets ? [] : null });

/** HF Encoding::merge_with: append `b`; every overflowing part of either side is paired with the other. */
function mergeWith(a: RawEncoding, b: RawEncoding): RawEncoding {
  const over: RawEncoding[] = [];
  for (const ao of a.overflowing ?? []) {
    over.push(mergeWith(copy(ao), b));
    for (const bo of b.overflowing ?? []) over.push(mergeWith(copy(ao), bo));
  }
  for (const bo of b.overflowing ?? []) over.push(mergeWith(copy(a), bo));
  const offsets = a.offsets && b.offsets ? [...a.offsets, ...b.offsets.map((o) => [o[0], o[1]] as [number, number])] : null;
  return {
    ids: [...a.ids, ...b.ids], tokens: [...a.tokens, ...b.tokens], typeIds: [...a.typeIds, ...b.typeIds],
    special: [...a.special, ...b.special], offsets, overflowing: over.length ? over : undefined,
  };
}

/** HF Encoding::merge of a processed list. */
export function mergeEncodings(encs: RawEncoding[]): RawEncoding {
  if (encs.length === 1 && !encs[0]!.overflowing) return encs[0]!;
  let out = empty(encs.every((e) => e.offsets));
  for (const e of encs) out = mergeWith(out, e);
  return out;
}

/** Post-process one sequence or a pair as HF does (no processor: the sequences are merged). */
export function postProcess(pp: PostProcessor | null, a: RawEncoding, b: RawEncoding | null, addSpecial: boolean): RawEncoding {
  const encs = b ? [a, b] : [a];
  if (!pp) return mergeEncodings(encs);
  if (pp.processEncodings) return mergeEncodings(pp.processEncodings(encs, addSpecial));
  return addSpecial ? pp.process(a, b) : mergeEncodings(encs); // a processor written without processEncodings
}

function special(ids: number[], tokens: string[], typeId: number, withOffsets: boolean): RawEncoding {
  return { ids, tokens, typeIds: ids.map(() => typeId), special: ids.map(() => 1), offsets: withOffsets ? ids.map(() => [0, 0] as [number, number]) : null };
}
/**
 * `before` + e + `after` with special mask 0 for e, as Bert / Roberta build them; e keeps its type
 * ids, its overflowing parts keep theirs or get `overflowType`.
 */
function wrap(e: RawEncoding, before: RawEncoding | null, after: RawEncoding, overflowType: number | null): RawEncoding {
  const mid: RawEncoding = { ...e, special: e.ids.map(() => 0), overflowing: undefined };
  const parts = before ? [before, mid, after] : [mid, after];
  const out = parts.reduce((x, y) => mergeWith(x, y), empty(!!e.offsets));
  if (e.overflowing) {
    out.overflowing = e.overflowing.map((o) => wrap(overflowType === null ? o : { ...o, typeIds: o.ids.map(() => overflowType) }, before, after, overflowType));
  }
  return out;
}

export class TemplateProcessing implements PostProcessor {
  readonly type = 'TemplateProcessing';
  constructor(readonly single: Piece[], readonly pair: Piece[], readonly specialTokens: Record<string, SpecialDef>) {
    const f = 'TemplateProcessing';
    if (!isObj(specialTokens)) badArg(f, 'specialTokens', 'an object of name -> {id, ids, tokens}', specialTokens);
    for (const k of Object.keys(specialTokens)) {
      const d = specialTokens[k] as unknown;
      if (!isObj(d) || !Array.isArray(d.ids) || !Array.isArray(d.tokens) || d.ids.length !== d.tokens.length || !d.ids.every(isTypeId) || !d.tokens.every((t) => typeof t === 'string')) {
        badArg(f, `specialTokens[${JSON.stringify(k.slice(0, 40))}]`, '{id, ids (non-negative integers), tokens (as many strings)}', d);
      }
    }
    for (const [name, tpl] of [['single', single], ['pair', pair]] as const) {
      if (!Array.isArray(tpl)) badArg(f, name, 'an array of template pieces', tpl);
      tpl.forEach((p: unknown, i) => {
        const arg = `${name}[${i}]`;
        if (!isObj(p)) return badArg(f, arg, '{SpecialToken: {id, type_id}} or {Sequence: {id, type_id}}', p);
        if (isObj(p.SpecialToken)) {
          const s = p.SpecialToken;
          if (typeof s.id !== 'string' || !isTypeId(s.type_id)) badArg(f, arg, '{SpecialToken: {id: string, type_id: integer}}', p);
          if (!Object.prototype.hasOwnProperty.call(specialTokens, s.id as string)) badArg(f, arg, 'a special token defined in specialTokens', s.id);
        } else if (isObj(p.Sequence)) {
          if ((p.Sequence.id !== 'A' && p.Sequence.id !== 'B') || !isTypeId(p.Sequence.type_id)) badArg(f, arg, "{Sequence: {id: 'A' | 'B', type_id: integer}}", p);
        } else badArg(f, arg, '{SpecialToken: {id, type_id}} or {Sequence: {id, type_id}}', p);
      });
    }
  }
  /** Parse a template string such as "[CLS] $A [SEP] $B:1 [SEP]:1". */
  static parse(tpl: string): Piece[] {
    if (typeof tpl !== 'string') badArg('TemplateProcessing.parse', 'tpl', 'a template string such as "[CLS] $A [SEP]"', tpl);
    return tpl.trim().split(/\s+/).filter((w) => w.length > 0).map((w) => {
      const c = w.lastIndexOf(':');
      const name = c > 0 ? w.slice(0, c) : w, t = c > 0 ? w.slice(c + 1) : undefined;
      if (t !== undefined && !/^\d{1,9}$/.test(t)) badArg('TemplateProcessing.parse', 'tpl', 'pieces with integer type ids such as "$A:0"', w);
      const type_id = t === undefined ? 0 : Number(t);
      if (name === '$A' || name === '$') return { Sequence: { id: 'A' as const, type_id } };
      if (name === '$B') return { Sequence: { id: 'B' as const, type_id } };
      if (/^\$\d{1,9}$/.test(name) && t === undefined) return { Sequence: { id: 'A' as const, type_id: Number(name.slice(1)) } };
      if (name.startsWith('$')) badArg('TemplateProcessing.parse', 'tpl', '$A, $B or special token names', w);
      return { SpecialToken: { id: name, type_id } };
    });
  }
  addedTokens(pair: boolean): number {
    let n = 0;
    for (const p of pair ? this.pair : this.single) if ('SpecialToken' in p) n += this.specialTokens[p.SpecialToken.id]!.ids.length;
    return n;
  }
  processEncodings(encs: RawEncoding[], addSpecial: boolean): RawEncoding[] {
    const out: RawEncoding[] = [];
    const offsets = !!encs[0]!.offsets;
    for (const p of encs.length > 1 ? this.pair : this.single) {
      if ('SpecialToken' in p) {
        if (!addSpecial) continue;
        const d = this.specialTokens[p.SpecialToken.id]!;
        out.push(special(d.ids, d.tokens, p.SpecialToken.type_id, offsets));
      } else {
        const src = encs[p.Sequence.id === 'A' ? 0 : 1];
        // the template's type id goes to the sequence itself, not to its overflowing parts (as in HF)
        if (src) out.push({ ...src, typeIds: src.ids.map(() => p.Sequence.type_id) });
      }
    }
    return out;
  }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding { return mergeEncodings(this.processEncodings(b ? [a, b] : [a], true)); }
  toJSON() { return { type: this.type, single: this.single, pair: this.pair, special_tokens: this.specialTokens }; }
}

export class BertProcessing implements PostProcessor {
  readonly type: string = 'BertProcessing';
  constructor(readonly sep: [string, number], readonly cls: [string, number]) {
    checkTokenPair(new.target.name, 'sep', sep); checkTokenPair(new.target.name, 'cls', cls);
  }
  addedTokens(pair: boolean): number { return pair ? 3 : 2; }
  processEncodings(encs: RawEncoding[], addSpecial: boolean): RawEncoding[] {
    if (!addSpecial) return encs;
    const o = !!encs[0]!.offsets;
    const cls = special([this.cls[1]], [this.cls[0]], 0, o);
    return encs.map((e, i) => (i === 0 ? wrap(e, cls, special([this.sep[1]], [this.sep[0]], 0, o), null) : wrap(e, null, special([this.sep[1]], [this.sep[0]], 1, o), null)));
  }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding { return mergeEncodings(this.processEncodings(b ? [a, b] : [a], true)); }
  toJSON(): Record<string, unknown> { return { type: this.type, sep: this.sep, cls: this.cls }; }
}

/** Byte-level offset trimming of an encoding and its overflowing parts (each trimmed on its own, as in HF). */
function trimmed(e: RawEncoding, addPrefixSpace: boolean): RawEncoding {
  if (!e.offsets || e.text === undefined) return e;
  const offsets = e.offsets.map((x) => [x[0], x[1]] as [number, number]);
  trimByteLevelOffsets(e.tokens, offsets, addPrefixSpace, e.text);
  return { ...e, offsets, overflowing: e.overflowing?.map((o) => trimmed(o, addPrefixSpace)) };
}

export class RobertaProcessing extends BertProcessing {
  override readonly type = 'RobertaProcessing';
  constructor(sep: [string, number], cls: [string, number], readonly trimOffsets = true, readonly addPrefixSpace = true) { super(sep, cls); }
  override addedTokens(pair: boolean): number { return pair ? 4 : 2; }
  override processEncodings(encs: RawEncoding[], addSpecial: boolean): RawEncoding[] {
    // RoBERTa has no token types: every sequence gets type 0, its overflowing parts only once wrapped
    encs = encs.map((e) => ({ ...(this.trimOffsets ? trimmed(e, this.addPrefixSpace) : e), typeIds: e.ids.map(() => 0) }));
    if (!addSpecial) return encs;
    const o = !!encs[0]!.offsets;
    const cls = special([this.cls[1]], [this.cls[0]], 0, o), sep = () => special([this.sep[1]], [this.sep[0]], 0, o);
    return encs.map((e, i) => wrap(e, i === 0 ? cls : sep(), sep(), 0));
  }
  override toJSON(): Record<string, unknown> { return { type: this.type, sep: this.sep, cls: this.cls, trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace }; }
}

/** ByteLevel post-processor: adds nothing (offset trimming only). */
export class ByteLevelProcessing implements PostProcessor {
  readonly type = 'ByteLevel';
  constructor(readonly addPrefixSpace = true, readonly trimOffsets = true, readonly useRegex = true) {}
  addedTokens() { return 0; }
  processEncodings(encs: RawEncoding[]): RawEncoding[] { return this.trimOffsets ? encs.map((e) => trimmed(e, this.addPrefixSpace)) : encs; }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding { return mergeEncodings(this.processEncodings(b ? [a, b] : [a])); }
  toJSON() { return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex }; }
}

export class PostProcessorSequence implements PostProcessor {
  readonly type = 'Sequence';
  constructor(readonly processors: PostProcessor[]) {}
  addedTokens(pair: boolean) { return this.processors.reduce((n, p) => n + p.addedTokens(pair), 0); }
  /** HF hands the list each processor returns to the next one. */
  processEncodings(encs: RawEncoding[], addSpecial: boolean): RawEncoding[] {
    for (const p of this.processors) encs = p.processEncodings ? p.processEncodings(encs, addSpecial) : [addSpecial ? p.process(encs[0]!, encs[1] ?? null) : mergeEncodings(encs)];
    return encs;
  }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding { return mergeEncodings(this.processEncodings(b ? [a, b] : [a], true)); }
  toJSON() { return { type: this.type, processors: this.processors.map((p) => p.toJSON()) }; }
}
