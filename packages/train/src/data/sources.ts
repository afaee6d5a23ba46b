/**
 * Where training text comes from: one text file (one document), a folder of `.txt` files (one
 * document each, sorted paths), or JSONL (one document a line, its text in `textField`). Text is
 * streamed in chunks so that a corpus larger than memory can be tokenized; a chunk is cut only
 * before a line that starts with a non-space character, where byte-level BPE pre-tokenizers split
 * anyway, so chunked ids equal whole-document ids.
 */
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { DataError } from '../errors.js';

export type DataFormat = 'text' | 'folder' | 'jsonl';

export interface SourceFile { path: string; size: number; mtimeMs: number }

export interface DataSource { path: string; format: DataFormat; files: SourceFile[]; textField: string }

/** A piece of a document; `docEnd` marks the document's last piece. */
export interface TextPiece { text: string; docEnd: boolean }

async function statOf(path: string, what: string): Promise<Stats> {
  try {
    return await fsp.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${what} '${path}' does not exist: pass a text file, a folder of .txt files or a .jsonl file`, 'ERR_DATA_NOT_FOUND');
    throw new DataError(`${what} '${path}' cannot be read (${code ?? String(e)})`, 'ERR_DATA_IO');
  }
}

async function txtFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await txtFiles(p)));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.txt')) out.push(p);
  }
  return out;
}

/** Find the files of a data path and its format (a folder, `.jsonl` / `.ndjson`, else plain text). */
export async function openDataSource(path: string, opts: { textField?: string } = {}): Promise<DataSource> {
  if (typeof path !== 'string' || !path) throw new DataError('data path must be a non-empty string', 'ERR_ARGUMENT');
  const textField = opts.textField ?? 'text';
  if (typeof textField !== 'string' || !textField) throw new DataError(`textField must be a non-empty string, got ${String(textField)}`, 'ERR_ARGUMENT');
  const st = await statOf(path, 'data path');
  let format: DataFormat;
  let paths: string[];
  if (st.isDirectory()) {
    format = 'folder';
    paths = (await txtFiles(path)).sort((a, b) => (relative(path, a) < relative(path, b) ? -1 : 1));
    if (paths.length === 0) throw new DataError(`data folder '${path}' holds no .txt files`, 'ERR_DATA_EMPTY');
  } else {
    format = /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'text';
    paths = [path];
  }
  const files = await Promise.all(paths.map(async (p) => {
    const s = await statOf(p, 'data file');
    return { path: p, size: s.size, mtimeMs: s.mtimeMs };
  }));
  if (files.every((f) => f.size === 0)) throw new DataError(`data '${path}' is empty`, 'ERR_DATA_EMPTY');
  return { path, format, files, textField };
}

const CHUNK = 1 << 20;

/** Cut before the last line that starts with a non-space character; the rest waits for more text. */
function cutPoint(s: string): number {
  for (let i = s.length - 1; i > 0; i--) {
    if (s.charCodeAt(i - 1) === 10 && !/\s/.test(s[i]!)) return i;
  }
  return -1;
}

async function* textFile(path: string): AsyncGenerator<TextPiece> {
  let pending = '';
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const buf of stream) {
    pending += decoder.decode(buf as Buffer, { stream: true });
    if (pending.length < CHUNK) continue;
    const cut = cutPoint(pending);
    if (cut <= 0) continue;
    yield { text: pending.slice(0, cut), docEnd: false };
    pending = pending.slice(cut);
  }
  pending += decoder.decode();
  yield { text: pending, docEnd: true };
}

async function* jsonlFile(path: string, field: string): AsyncGenerator<TextPiece> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new DataError(`${path}:${n}: not valid JSON (${(e as Error).message}); each line of a JSONL file is one JSON object`, 'ERR_DATA_FORMAT');
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new DataError(`${path}:${n}: expected a JSON object with a "${field}" string, got ${Array.isArray(obj) ? 'an array' : typeof obj}`, 'ERR_DATA_FORMAT');
    const text = (obj as Record<string, unknown>)[field];
    if (typeof text !== 'string') {
      const keys = Object.keys(obj).slice(0, 8).join(', ');
      throw new DataError(`${path}:${n}: field "${field}" is ${text === undefined ? 'missing' : `a ${typeof text}, not a string`} (fields here: ${keys || 'none'}); choose the field with --text-field`, 'ERR_DATA_FORMAT');
    }
    yield { text, docEnd: true };
  }
}

/** The documents of a source, in order, as text pieces. */
export async function* readDocuments(src: DataSource): AsyncGenerator<TextPiece> {
  for (const f of src.files) {
    if (src.format === 'jsonl') yield* jsonlFile(f.path, src.textField);
    else yield* textFile(f.path);
  }
}
