// Decoders: turn tokens back into text (HF `decode_chain` semantics).
import { CHAR_TO_BYTE, fromUtf8 } from './unicode.js';
import { patternRegExp, type Pattern } from './normalizers.js';
import { badArg, checkParts, checkTokens } from './args.js';

export interface Decoder {
  readonly type: string;
  decodeChain(tokens: string[]): string[];
  toJSON(): Record<string, unknown>;
}

export class ByteLevelDecoder implements Decoder {
  readonly type = 'ByteLevel';
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    const s = tokens.join('');
    const bytes = new Uint8Array(s.length * 2);
    let n = 0;
    for (const ch of s) {
      const b = CHAR_TO_BYTE.get(ch);
      if (b !== undefined) bytes[n++] = b;
      else { const e = new TextEncoder().encode(ch); for (const x of e) bytes[n++] = x; }
    }
    return [fromUtf8(bytes.subarray(0, n))];
  }
  toJSON() { return { type: this.type, add_prefix_space: true, trim_offsets: true, use_regex: true }; }
}

export function cleanup(s: string): string {
  return s.replaceAll(' .', '.').replaceAll(' ?', '?').replaceAll(' !', '!').replaceAll(' ,', ',')
    .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
}

export class WordPieceDecoder implements Decoder {
  readonly type = 'WordPiece';
  constructor(readonly prefix = '##', readonly cleanup = true) { checkParts('WordPieceDecoder', [['prefix', prefix, 'string'], ['cleanup', cleanup, 'bool']]); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    return tokens.map((t, i) => {
      let r = t;
      if (i > 0) r = t.startsWith(this.prefix) ? t.slice(this.prefix.length) : ' ' + t;
      return this.cleanup ? cleanup(r) : r;
    });
  }
  toJSON() { return { type: this.type, prefix: this.prefix, cleanup: this.cleanup }; }
}

export class MetaspaceDecoder implements Decoder {
  readonly type = 'Metaspace';
  constructor(readonly replacement = '\u2581', readonly prependScheme: 'always' | 'first' | 'never' = 'always', readonly split = true) { checkParts('MetaspaceDecoder', [['replacement', replacement, 'string'], ['prependScheme', prependScheme, ['always', 'first', 'never']], ['split', split, 'bool']]); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    return tokens.map((t, i) => {
      let r = t.split(this.replacement).join(' ');
      if (i === 0 && this.prependScheme !== 'never' && r.startsWith(' ')) r = r.slice(1);
      return r;
    });
  }
  toJSON() { return { type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split }; }
}

export class BPEDecoder implements Decoder {
  readonly type = 'BPEDecoder';
  constructor(readonly suffix = '</w>') { checkParts('BPEDecoder', [['suffix', suffix, 'string']]); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    return tokens.map((t, i) => t.split(this.suffix).join(i === tokens.length - 1 ? '' : ' '));
  }
  toJSON() { return { type: this.type, suffix: this.suffix }; }
}

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;
export class ByteFallbackDecoder implements Decoder {
  readonly type = 'ByteFallback';
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    const out: string[] = [];
    let pending: number[] = [];
    const flush = () => {
      if (!pending.length) return;
      const bytes = Uint8Array.from(pending);
      try { out.push(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)); } catch { for (let i = 0; i < pending.length; i++) out.push('\ufffd'); }
      pending = [];
    };
    for (const t of tokens) {
      const m = t.length === 6 ? BYTE_TOKEN.exec(t) : null;
      if (m) pending.push(parseInt(m[1]!, 16));
      else { flush(); out.push(t); }
    }
    flush();
    return out;
  }
  toJSON() { return { type: this.type }; }
}

export class FuseDecoder implements Decoder {
  readonly type = 'Fuse';
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens); return [tokens.join('')]; }
  toJSON() { return { type: this.type }; }
}

export class StripDecoder implements Decoder {
  readonly type = 'Strip';
  constructor(readonly content: string, readonly start = 0, readonly stop = 0) { checkParts('StripDecoder', [['content', content, 'string'], ['start', start, 'int'], ['stop', stop, 'int']]); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens);
    return tokens.map((t) => {
      const chars = [...t];
      let a = 0, b = chars.length;
      for (let i = 0; i < this.start && a < b && chars[a] === this.content; i++) a++;
      for (let i = 0; i < this.stop && b > a && chars[b - 1] === this.content; i++) b--;
      return chars.slice(a, b).join('');
    });
  }
  toJSON() { return { type: this.type, content: this.content, start: this.start, stop: this.stop }; }
}

export class ReplaceDecoder implements Decoder {
  readonly type = 'Replace';
  private re: RegExp;
  constructor(readonly pattern: Pattern, readonly content: string) { checkParts('ReplaceDecoder', [['content', content, 'string']]); this.re = patternRegExp(pattern, 'decoder'); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens); return tokens.map((t) => t.replace(this.re, () => this.content)); }
  toJSON() { return { type: this.type, pattern: this.pattern, content: this.content }; }
}

export class DecoderSequence implements Decoder {
  readonly type = 'Sequence';
  constructor(readonly decoders: Decoder[]) { checkParts('DecoderSequence', [['decoders', decoders, 'array']]); decoders.forEach((d, i) => { if (typeof (d as Partial<Decoder>)?.decodeChain !== 'function') badArg('DecoderSequence', `decoders[${i}]`, 'a Decoder', d); }); }
  decodeChain(tokens: string[]): string[] { checkTokens(`${this.type}.decodeChain`, tokens); for (const d of this.decoders) tokens = d.decodeChain(tokens); return tokens; }
  toJSON() { return { type: this.type, decoders: this.decoders.map((d) => d.toJSON()) }; }
}
