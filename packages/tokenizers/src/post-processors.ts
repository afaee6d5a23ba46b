// Post-processors: add special tokens around one or two sequences.
import { TokenizerError } from './errors.js';

/** An encoding being built: parallel arrays. */
export interface RawEncoding {
  ids: number[];
  tokens: string[];
  typeIds: number[];
  special: number[];
  offsets: Array<[number, number]> | null;
}

export interface PostProcessor {
  readonly type: string;
  /** Number of special tokens added for a single sequence or a pair. */
  addedTokens(pair: boolean): number;
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding;
  toJSON(): Record<string, unknown>;
}

type Piece = { SpecialToken: { id: string; type_id: number } } | { Sequence: { id: 'A' | 'B'; type_id: number } };
interface SpecialDef { id: string; ids: number[]; tokens: string[] }

function concat(parts: Array<RawEncoding>, typeIds: number[]): RawEncoding {
  const out: RawEncoding = { ids: [], tokens: [], typeIds: [], special: [], offsets: parts.every((p) => p.offsets) ? [] : null };
  parts.forEach((p, k) => {
    for (let i = 0; i < p.ids.length; i++) {
      out.ids.push(p.ids[i]!); out.tokens.push(p.tokens[i]!); out.typeIds.push(typeIds[k]!); out.special.push(p.special[i]!);
      if (out.offsets) out.offsets.push(p.offsets![i]!);
    }
  });
  return out;
}
function special(ids: number[], tokens: string[], withOffsets: boolean): RawEncoding {
  return { ids, tokens, typeIds: ids.map(() => 0), special: ids.map(() => 1), offsets: withOffsets ? ids.map(() => [0, 0] as [number, number]) : null };
}

export class TemplateProcessing implements PostProcessor {
  readonly type = 'TemplateProcessing';
  constructor(readonly single: Piece[], readonly pair: Piece[], readonly specialTokens: Record<string, SpecialDef>) {
    for (const tpl of [single, pair]) for (const p of tpl) {
      if ('SpecialToken' in p) {
        if (!specialTokens[p.SpecialToken.id]) throw new TokenizerError('INVALID_FIELD', `post_processor.special_tokens is missing ${JSON.stringify(p.SpecialToken.id)}`);
      } else if (!('Sequence' in p) || (p.Sequence.id !== 'A' && p.Sequence.id !== 'B')) {
        throw new TokenizerError('INVALID_FIELD', 'post_processor template pieces must be SpecialToken or Sequence A/B');
      }
    }
  }
  /** Parse a template string such as "[CLS] $A [SEP] $B:1 [SEP]:1". */
  static parse(tpl: string): Piece[] {
    return tpl.trim().split(/\s+/).map((w) => {
      const [name, t] = w.split(':') as [string, string | undefined];
      const type_id = t === undefined ? 0 : Number(t);
      if (name === '$A' || name === '$') return { Sequence: { id: 'A' as const, type_id } };
      if (name === '$B') return { Sequence: { id: 'B' as const, type_id } };
      return { SpecialToken: { id: name, type_id } };
    });
  }
  addedTokens(pair: boolean): number {
    let n = 0;
    for (const p of pair ? this.pair : this.single) if ('SpecialToken' in p) n += this.specialTokens[p.SpecialToken.id]!.ids.length;
    return n;
  }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding {
    const parts: RawEncoding[] = [], types: number[] = [];
    for (const p of b ? this.pair : this.single) {
      if ('SpecialToken' in p) {
        const d = this.specialTokens[p.SpecialToken.id]!;
        parts.push(special(d.ids, d.tokens, !!a.offsets)); types.push(p.SpecialToken.type_id);
      } else {
        const src = p.Sequence.id === 'A' ? a : b;
        if (src) { parts.push(src); types.push(p.Sequence.type_id); }
      }
    }
    return concat(parts, types);
  }
  toJSON() { return { type: this.type, single: this.single, pair: this.pair, special_tokens: this.specialTokens }; }
}

export class BertProcessing implements PostProcessor {
  readonly type: string = 'BertProcessing';
  constructor(readonly sep: [string, number], readonly cls: [string, number]) {}
  addedTokens(pair: boolean): number { return pair ? 3 : 2; }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding {
    const o = !!a.offsets;
    const cls = special([this.cls[1]], [this.cls[0]], o), sep = special([this.sep[1]], [this.sep[0]], o);
    if (!b) return concat([cls, a, sep], [0, 0, 0]);
    return concat([cls, a, sep, b, sep], [0, 0, 0, 1, 1]);
  }
  toJSON(): Record<string, unknown> { return { type: this.type, sep: this.sep, cls: this.cls }; }
}

export class RobertaProcessing extends BertProcessing {
  override readonly type = 'RobertaProcessing';
  constructor(sep: [string, number], cls: [string, number], readonly trimOffsets = true, readonly addPrefixSpace = true) { super(sep, cls); }
  override addedTokens(pair: boolean): number { return pair ? 4 : 2; }
  override process(a: RawEncoding, b: RawEncoding | null): RawEncoding {
    const o = !!a.offsets;
    const cls = special([this.cls[1]], [this.cls[0]], o), sep = special([this.sep[1]], [this.sep[0]], o);
    if (!b) return concat([cls, a, sep], [0, 0, 0]);
    return concat([cls, a, sep, sep, b, sep], [0, 0, 0, 0, 0, 0]);
  }
  override toJSON(): Record<string, unknown> { return { type: this.type, sep: this.sep, cls: this.cls, trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace }; }
}

/** ByteLevel post-processor: adds nothing (offset trimming only). */
export class ByteLevelProcessing implements PostProcessor {
  readonly type = 'ByteLevel';
  constructor(readonly addPrefixSpace = true, readonly trimOffsets = true, readonly useRegex = true) {}
  addedTokens() { return 0; }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding { return b ? concat([a, b], [0, 1]) : a; }
  toJSON() { return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex }; }
}

export class PostProcessorSequence implements PostProcessor {
  readonly type = 'Sequence';
  constructor(readonly processors: PostProcessor[]) {}
  addedTokens(pair: boolean) { return this.processors.reduce((n, p) => n + p.addedTokens(pair), 0); }
  process(a: RawEncoding, b: RawEncoding | null): RawEncoding {
    // HF applies each processor to the running result; only the first sees the pair split
    let r = a, rb = b;
    for (const p of this.processors) { r = p.process(r, rb); rb = null; }
    return r;
  }
  toJSON() { return { type: this.type, processors: this.processors.map((p) => p.toJSON()) }; }
}
