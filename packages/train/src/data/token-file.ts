/**
 * A corpus tokenized once into a flat binary file of token ids (uint16 when the vocabulary fits,
 * else uint32, as nanoGPT's train.bin) plus a JSON header beside it. Documents are joined with the
 * EOS id between them (the CLM convention of @tessera/objectives). The file is read in blocks from
 * disk, so a corpus larger than memory trains. Files are written under a temporary name and renamed;
 * the header is written last and marks the cache as complete.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fsp, readFileSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tokenizer } from '@tessera/tokenizers';
import { DataError } from '../errors.js';
import { openDataSource, readDocuments, type DataSource } from './sources.js';

export type TokenDType = 'uint16' | 'uint32';

export interface TokenFileHeader {
  format: 'tessera-tokens';
  version: 1;
  dtype: TokenDType;
  numTokens: number;
  numDocuments: number;
  vocabSize: number;
  eosTokenId: number;
  /** Cache key: the source files (path, size, mtime), the tokenizer and the text field. */
  key: string;
  source: { path: string; format: string; textField: string; files: number; bytes: number };
}

export interface PrepareTokensOptions {
  /** A text file, a folder of .txt files or a .jsonl file. */
  data: string;
  tokenizer: Tokenizer;
  /** Folder for the cached token file (created). */
  cacheDir: string;
  eosTokenId: number;
  textField?: string;
  /** Called as text is tokenized: bytes of source text read so far and in all. */
  onProgress?: (p: { bytesDone: number; bytesTotal: number; tokens: number }) => void;
}

const HEADER_KEYS: (keyof TokenFileHeader)[] = ['format', 'version', 'dtype', 'numTokens', 'numDocuments', 'vocabSize', 'eosTokenId', 'key', 'source'];

function cacheKey(src: DataSource, tokenizer: Tokenizer, eos: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ files: src.files, format: src.format, textField: src.textField, eos }));
  h.update(tokenizer.toString());
  return h.digest('hex');
}

/** Tokenize `data` into `cacheDir` unless a complete cache for the same files and tokenizer is there. */
export async function prepareTokens(o: PrepareTokensOptions): Promise<TokenFile> {
  const src = await openDataSource(o.data, { textField: o.textField });
  const vocabSize = o.tokenizer.getVocabSize(true);
  if (!Number.isInteger(o.eosTokenId) || o.eosTokenId < 0 || o.eosTokenId >= vocabSize) {
    throw new DataError(`prepareTokens: eosTokenId ${String(o.eosTokenId)} is not an id of the tokenizer (vocabulary ${vocabSize})`, 'ERR_ARGUMENT');
  }
  const key = cacheKey(src, o.tokenizer, o.eosTokenId);
  const bin = join(o.cacheDir, `tokens-${key.slice(0, 16)}.bin`);
  try {
    const f = TokenFile.open(bin);
    if (f.header.key === key) return f;
    f.close();
  } catch {
    // no complete cache: tokenize below
  }
  await fsp.mkdir(o.cacheDir, { recursive: true });
  const dtype: TokenDType = vocabSize <= 0x10000 ? 'uint16' : 'uint32';
  const tmp = `${bin}.tmp-${process.pid}`;
  const fh = await fsp.open(tmp, 'w');
  let numTokens = 0, numDocuments = 0, bytesDone = 0, docOpen = false;
  const bytesTotal = src.files.reduce((a, f) => a + f.size, 0);
  try {
    const write = async (ids: ArrayLike<number>) => {
      if (!ids.length) return;
      const arr = dtype === 'uint16' ? Uint16Array.from(ids) : Uint32Array.from(ids);
      await fh.write(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
      numTokens += arr.length;
    };
    for await (const piece of readDocuments(src)) {
      if (!docOpen && numDocuments > 0) await write([o.eosTokenId]);
      docOpen = true;
      await write(o.tokenizer.encodeIds(piece.text, { addSpecialTokens: false }));
      bytesDone += Buffer.byteLength(piece.text);
      if (piece.docEnd) { numDocuments++; docOpen = false; }
      o.onProgress?.({ bytesDone: Math.min(bytesDone, bytesTotal), bytesTotal, tokens: numTokens });
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (numTokens === 0) {
    await fsp.rm(tmp, { force: true });
    throw new DataError(`data '${o.data}' gave no tokens`, 'ERR_DATA_EMPTY');
  }
  await fsp.rename(tmp, bin);
  const header: TokenFileHeader = {
    format: 'tessera-tokens', version: 1, dtype, numTokens, numDocuments, vocabSize, eosTokenId: o.eosTokenId, key,
    source: { path: src.path, format: src.format, textField: src.textField, files: src.files.length, bytes: bytesTotal },
  };
  const headerPath = `${bin.slice(0, -4)}.json`;
  await fsp.writeFile(`${headerPath}.tmp-${process.pid}`, `${JSON.stringify(header, null, 2)}\n`);
  await fsp.rename(`${headerPath}.tmp-${process.pid}`, headerPath);
  return TokenFile.open(bin);
}

/** A token file opened for reading blocks. */
export class TokenFile {
  private fd: number | null;
  private readonly bytes: number;

  private constructor(readonly path: string, readonly header: TokenFileHeader, fd: number) {
    this.fd = fd;
    this.bytes = header.dtype === 'uint16' ? 2 : 4;
  }

  get length(): number { return this.header.numTokens; }

  /** Open `tokens-*.bin` with its `.json` header; every header field is checked against the file. */
  static open(path: string): TokenFile {
    const headerPath = join(dirname(path), `${basename(path, '.bin')}.json`);
    let raw: string;
    try {
      raw = readFileSync(headerPath, 'utf8');
    } catch {
      throw new DataError(`token file header '${headerPath}' is missing: the token file is incomplete; delete it to tokenize again`, 'ERR_DATA_NOT_FOUND');
    }
    let h: TokenFileHeader;
    try {
      h = JSON.parse(raw) as TokenFileHeader;
    } catch {
      throw new DataError(`token file header '${headerPath}' is not valid JSON; delete it to tokenize again`, 'ERR_DATA_FORMAT');
    }
    const bad = (what: string) => new DataError(`token file header '${headerPath}': ${what}; delete it to tokenize again`, 'ERR_DATA_FORMAT');
    if (!h || typeof h !== 'object') throw bad('not an object');
    for (const k of HEADER_KEYS) if (!(k in h)) throw bad(`field '${k}' is missing`);
    if (h.format !== 'tessera-tokens' || h.version !== 1) throw bad(`format ${String(h.format)} version ${String(h.version)} is not tessera-tokens 1`);
    if (h.dtype !== 'uint16' && h.dtype !== 'uint32') throw bad(`dtype must be uint16 or uint32, got ${String(h.dtype)}`);
    for (const k of ['numTokens', 'numDocuments', 'vocabSize', 'eosTokenId'] as const) {
      if (!Number.isSafeInteger(h[k]) || h[k] < 0) throw bad(`${k} must be a non-negative integer, got ${String(h[k])}`);
    }
    if (typeof h.key !== 'string') throw bad('key must be a string');
    const fd = openSync(path, 'r');
    const f = new TokenFile(path, h, fd);
    const size = fstatSync(fd).size;
    if (size !== h.numTokens * f.bytes) {
      closeSync(fd);
      throw bad(`says ${h.numTokens} ${h.dtype} tokens (${h.numTokens * f.bytes} bytes) but the file has ${size} bytes`);
    }
    return f;
  }

  /** `n` tokens from `start` as int32. */
  read(start: number, n: number): Int32Array {
    if (this.fd === null) throw new DataError(`token file '${this.path}' is closed`, 'ERR_ARGUMENT');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(n) || start < 0 || n < 0 || start + n > this.length) {
      throw new DataError(`TokenFile.read: [${start}, ${start + n}) is outside the file's ${this.length} tokens`, 'ERR_ARGUMENT');
    }
    const buf = Buffer.alloc(n * this.bytes);
    const got = readSync(this.fd, buf, 0, buf.length, start * this.bytes);
    if (got !== buf.length) throw new DataError(`token file '${this.path}' was cut short while reading`, 'ERR_DATA_IO');
    const view = this.bytes === 2 ? new Uint16Array(buf.buffer, buf.byteOffset, n) : new Uint32Array(buf.buffer, buf.byteOffset, n);
    return Int32Array.from(view);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

