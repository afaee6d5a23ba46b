// SentencePiece .model (protobuf ModelProto) -> Tokenizer, decoded directly (no protobuf library).
import { fail } from '../errors.js';
import { Unigram } from '../models/unigram.js';
import { SentencePieceBPE } from '../models/sentencepiece-bpe.js';
import { CharsMap, type Normalizer } from '../normalizers.js';
import { ByteFallbackDecoder, DecoderSequence, FuseDecoder, MetaspaceDecoder } from '../decoders.js';
import { Tokenizer } from '../tokenizer.js';

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly where: string) {}
  bad(msg: string): never { fail('INVALID_MODEL_FILE', `SentencePiece model: ${this.where}: ${msg} at byte ${this.pos}`); }
  varint(): number {
    let r = 0, mul = 1;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.b.length) this.bad('truncated varint');
      const x = this.b[this.pos++]!;
      r += (x & 127) * mul;
      if (x < 128) return r;
      mul *= 128;
    }
    return this.bad('varint too long');
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.b.length) this.bad(`length ${n} past the end`);
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  f32(): number {
    if (this.pos + 4 > this.b.length) this.bad('truncated float');
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) { this.pos += 8; if (this.pos > this.b.length) this.bad('truncated fixed64'); }
    else if (wire === 2) this.bytes();
    else if (wire === 5) { this.pos += 4; if (this.pos > this.b.length) this.bad('truncated fixed32'); }
    else this.bad(`unsupported wire type ${wire}`);
  }
  /** Iterate fields: calls f(field, wire) which must consume the value (or return false to skip). */
  each(f: (field: number, wire: number) => boolean): void {
    while (this.pos < this.b.length) {
      const key = this.varint();
      const field = Math.floor(key / 8), wire = key & 7;
      if (field === 0) this.bad('field number 0');
      if (!f(field, wire)) this.skip(wire);
    }
  }
}

// ignoreBOM: a piece may be U+FEFF itself (llama has one), which the default decoder would drop
const utf8d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function str(r: Reader, b: Uint8Array): string {
  try { return utf8d.decode(b); } catch { return r.bad('string is not valid UTF-8'); }
}

export const enum PieceType { NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6 }

export interface SentencePieceModel {
  pieces: Array<{ piece: string; score: number; type: number }>;
  modelType: number;
  byteFallback: boolean;
  unkId: number;
  treatWhitespaceAsSuffix: boolean;
  charsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export function parseSentencePiece(bytes: Uint8Array): SentencePieceModel {
  const m: SentencePieceModel = {
    pieces: [], modelType: 1, byteFallback: false, unkId: 0, treatWhitespaceAsSuffix: false,
    charsmap: new Uint8Array(0), addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true,
  };
  const top = new Reader(bytes, 'ModelProto');
  top.each((field, wire) => {
    if (wire !== 2) return false;
    const sub = new Reader(top.bytes(), field === 1 ? `pieces[${m.pieces.length}]` : field === 2 ? 'trainer_spec' : 'normalizer_spec');
    if (field === 1) {
      const p = { piece: '', score: 0, type: 1 };
      sub.each((f, w) => {
        if (f === 1 && w === 2) p.piece = str(sub, sub.bytes());
        else if (f === 2 && w === 5) p.score = sub.f32();
        else if (f === 3 && w === 0) p.type = sub.varint();
        else return false;
        return true;
      });
      if (p.type < 1 || p.type > 6) sub.bad(`unknown piece type ${p.type}`);
      if (!Number.isFinite(p.score)) sub.bad('score is not finite');
      m.pieces.push(p);
    } else if (field === 2) {
      sub.each((f, w) => {
        if (w !== 0) return false;
        const v = sub.varint();
        if (f === 3) m.modelType = v;
        else if (f === 35) m.byteFallback = v !== 0;
        else if (f === 40) m.unkId = v;
        else if (f === 24) m.treatWhitespaceAsSuffix = v !== 0;
        return true;
      });
    } else if (field === 3) {
      sub.each((f, w) => {
        if (f === 2 && w === 2) { m.charsmap = sub.bytes(); return true; }
        if (w !== 0) return false;
        const v = sub.varint() !== 0;
        if (f === 3) m.addDummyPrefix = v;
        else if (f === 4) m.removeExtraWhitespaces = v;
        else if (f === 5) m.escapeWhitespaces = v;
        return true;
      });
    } else return false;
    return true;
  });
  if (m.pieces.length === 0) fail('INVALID_MODEL_FILE', 'SentencePiece model: no pieces (is this a .model file?)');
  if (m.unkId >= m.pieces.length) fail('INVALID_MODEL_FILE', `SentencePiece model: trainer_spec.unk_id ${m.unkId} out of range`);
  return m;
}

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { ignoreBOM: true });
/** SentencePiece's own normalizer: longest-match char map, extra-space removal, dummy prefix, ▁ escaping. */
export class SentencePieceNormalizer implements Normalizer {
  readonly type = 'SentencePiece';
  private map: CharsMap | null;
  private asciiPlain: boolean[] = [];
  /** User-defined symbols by first byte, longest first: copied through without normalization. */
  private user = new Map<number, Uint8Array[]>();
  constructor(readonly spec: Pick<SentencePieceModel, 'charsmap' | 'addDummyPrefix' | 'removeExtraWhitespaces' | 'escapeWhitespaces' | 'treatWhitespaceAsSuffix'>, userDefined: string[] = []) {
    this.map = spec.charsmap.length ? new CharsMap(spec.charsmap) : null;
    for (const u of userDefined) {
      const b = new TextEncoder().encode(u);
      if (b.length === 0) continue;
      const list = this.user.get(b[0]!) ?? [];
      list.push(b);
      list.sort((x, y) => y.length - x.length);
      this.user.set(b[0]!, list);
    }
    const found: number[] = [];
    for (let c = 0; c < 128; c++) {
      found.length = 0;
      this.map?.prefixes(Uint8Array.of(c), 0, 1, found);
      this.asciiPlain[c] = found.length === 0;
    }
  }
  private prefix(b: Uint8Array, pos: number, found: number[]): [Uint8Array, number] {
    const c = b[pos]!;
    const cands = this.user.size ? this.user.get(c) : undefined;
    if (cands) {
      for (const u of cands) {
        if (pos + u.length > b.length) continue;
        let k = 1;
        while (k < u.length && b[pos + k] === u[k]) k++;
        if (k === u.length) return [b.subarray(pos, pos + k), k];
      }
    }
    if (this.map && !(c < 128 && this.asciiPlain[c] && (pos + 1 >= b.length || b[pos + 1]! < 128))) {
      found.length = 0;
      this.map.prefixes(b, pos, b.length, found);
      let best = 0, val = 0;
      for (let k = 0; k < found.length; k += 2) if (found[k]! > best) { best = found[k]!; val = found[k + 1]!; }
      if (best > 0) return [this.map.valueBytes(val), best];
    }
    const len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return [b.subarray(pos, Math.min(b.length, pos + len)), Math.min(len, b.length - pos)];
  }
  private inBuf = new Uint8Array(1024);
  private outBuf = new Uint8Array(1024);
  private found: number[] = [];
  normalize(s: string): string {
    if (this.inBuf.length < s.length * 3 + 4) this.inBuf = new Uint8Array(s.length * 3 + 64);
    const n = te.encodeInto(s, this.inBuf).written!;
    const b = this.inBuf;
    let out = this.outBuf, len = 0;
    const put = (x: number) => {
      if (len === out.length) { const g = new Uint8Array(out.length * 2); g.set(out); out = this.outBuf = g; }
      out[len++] = x;
    };
    const found = this.found;
    const { removeExtraWhitespaces: rm, escapeWhitespaces: esc, addDummyPrefix: dummy, treatWhitespaceAsSuffix: suffix } = this.spec;
    const ws = () => { if (esc) { put(0xe2); put(0x96); put(0x81); } else put(32); };
    const plain = this.asciiPlain, user = this.user.size > 0;
    // a byte copied as is: ASCII without a char-map entry, not starting a multi-byte key or a user symbol
    const isPlain = (pos: number) => {
      const c = b[pos]!;
      return c < 128 && (!this.map || (plain[c]! && (pos + 1 >= n || b[pos + 1]! < 128))) && !(user && this.user.has(c));
    };
    let pos = 0;
    if (rm) {
      while (pos < n) {
        if (isPlain(pos)) { if (b[pos] !== 32) break; pos++; continue; }
        const [r, l] = this.prefix(b.subarray(0, n), pos, found);
        if (!(r.length === 1 && r[0] === 32)) break;
        pos += l;
      }
    }
    if (pos >= n) return '';
    if (dummy && !suffix) ws();
    let prevSpace = rm;
    while (pos < n) {
      if (isPlain(pos)) {
        const c = b[pos++]!;
        if (c === 32) { if (!prevSpace) { if (esc) { put(0xe2); put(0x96); put(0x81); } else put(32); prevSpace = true; } }
        else { put(c); prevSpace = false; }
        if (!rm) prevSpace = false;
        continue;
      }
      const [r, l] = this.prefix(b.subarray(0, n), pos, found);
      let k = 0;
      if (prevSpace) while (k < r.length && r[k] === 32) k++;
      if (k < r.length) {
        for (let i = k; i < r.length; i++) { if (esc && r[i] === 32) { put(0xe2); put(0x96); put(0x81); } else put(r[i]!); }
        prevSpace = r[r.length - 1] === 32;
      }
      pos += l;
      if (!rm) prevSpace = false;
    }
    if (rm) {
      if (esc) while (len >= 3 && out[len - 3] === 0xe2 && out[len - 2] === 0x96 && out[len - 1] === 0x81) len -= 3;
      else while (len >= 1 && out[len - 1] === 32) len--;
    }
    if (dummy && suffix) ws();
    return td.decode(out.subarray(0, len));
  }
  toJSON(): Record<string, unknown> {
    fail('UNSUPPORTED', 'a tokenizer loaded from a SentencePiece .model cannot be saved as tokenizer.json yet');
  }
}

export function tokenizerFromSentencePiece(bytes: Uint8Array): Tokenizer {
  const m = parseSentencePiece(bytes);
  if (m.modelType !== 1 && m.modelType !== 2) fail('UNSUPPORTED', `SentencePiece model type ${m.modelType} (Unigram = 1 and BPE = 2 are supported; WORD = 3 and CHAR = 4 are not)`);
  let model: Unigram | SentencePieceBPE;
  if (m.modelType === 2) model = new SentencePieceBPE({ pieces: m.pieces, byteFallback: m.byteFallback });
  else {
    const excluded: number[] = [], user: number[] = [];
    m.pieces.forEach((p, i) => {
      if (p.type === PieceType.CONTROL || p.type === PieceType.UNUSED || p.type === PieceType.BYTE || p.type === PieceType.UNKNOWN) excluded.push(i);
      if (p.type === PieceType.USER_DEFINED) user.push(i);
    });
    model = new Unigram({
      vocab: m.pieces.map((p) => [p.piece, p.score]), unkId: m.unkId, byteFallback: m.byteFallback,
      excluded, userDefined: user, float32: true, semantics: 'sentencepiece',
    });
  }
  const decoders = [new MetaspaceDecoder('\u2581', m.addDummyPrefix ? 'always' : 'never', true)];
  return new Tokenizer({
    model,
    normalizer: new SentencePieceNormalizer(m, m.pieces.filter((p) => p.type === PieceType.USER_DEFINED).map((p) => p.piece)),
    decoder: m.byteFallback ? new DecoderSequence([new ByteFallbackDecoder(), new FuseDecoder(), ...decoders]) : new DecoderSequence(decoders),
    addedTokens: m.pieces.flatMap((p, i) => (p.type === PieceType.CONTROL ? [{ id: i, content: p.piece, special: true, normalized: false, matched: false }] : [])),
  });
}
