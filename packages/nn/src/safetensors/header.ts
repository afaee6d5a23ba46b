import { isSafetensorsDType, SAFETENSORS_DTYPES, ST_SIZE, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** The reference implementation's header limit (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

/** One tensor's entry in the header. Offsets are relative to the start of the data section. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

/** A validated header. */
export interface SafetensorsHeader {
  /** `__metadata__` (empty when absent). */
  metadata: Record<string, string>;
  /** Entries by name. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** Tensor names in data order (by offset). */
  names: string[];
  /** Bytes of the JSON header (without the 8-byte length). */
  headerLength: number;
  /** File offset of the data section: 8 + headerLength. */
  dataStart: number;
  /** Total file size the header was checked against. */
  fileSize: number;
}

export interface HeaderOptions {
  /** Largest accepted header in bytes; default 100 MB as the reference. */
  maxHeaderSize?: number;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The header length from the first 8 bytes (little-endian u64), checked against the limit and the
 * file size before anything is allocated for it.
 */
export function headerLength(first8: Uint8Array, fileSize: number, where: string, opts: HeaderOptions = {}): number {
  const limit = opts.maxHeaderSize ?? MAX_HEADER_SIZE;
  if (fileSize < 8 || first8.byteLength < 8) {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_LENGTH', `${where}: the file has ${fileSize} bytes; a safetensors file starts with an 8-byte header length`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(limit)) {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_TOO_LARGE', `${where}: header length ${n} bytes is above the limit of ${limit} bytes (option maxHeaderSize)`);
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_LENGTH', `${where}: header length ${len} bytes runs past the end of the file (${fileSize} bytes, so at most ${fileSize - 8}); the file is truncated or not safetensors`);
  }
  return len;
}

function utf8(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_UTF8', `${where}: the header is not valid UTF-8`);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function parseMetadata(raw: unknown, where: string): Record<string, string> {
  if (raw === null || raw === undefined) return {};
  if (!isObject(raw)) {
    throw new SafetensorsError('ERR_SAFETENSORS_METADATA', `${where}: __metadata__ must be an object of strings, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('ERR_SAFETENSORS_METADATA', `${where}: __metadata__[${q(k)}] must be a string, got ${JSON.stringify(v)}`);
    }
    out.push([k, v]);
  }
  return Object.fromEntries(out);
}

function parseEntry(name: string, raw: unknown, where: string): SafetensorsTensorInfo {
  const at = `${where}: tensor ${q(name)}`;
  if (!isObject(raw)) {
    throw new SafetensorsError('ERR_SAFETENSORS_ENTRY', `${at}: entry must be an object {dtype, shape, data_offsets}, got ${JSON.stringify(raw)}`);
  }
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in raw)) throw new SafetensorsError('ERR_SAFETENSORS_ENTRY', `${at}: entry has no ${field} field`);
  }
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError('ERR_SAFETENSORS_DTYPE', `${at}: unknown or unsupported dtype ${JSON.stringify(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError('ERR_SAFETENSORS_SHAPE', `${at}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new SafetensorsError('ERR_SAFETENSORS_OFFSETS', `${at}: data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw new SafetensorsError('ERR_SAFETENSORS_OFFSETS', `${at}: data_offsets [${begin}, ${end}] end before they begin`);
  }
  return { dtype, shape: [...shape] as number[], dataOffsets: [begin, end] };
}

/** Checks numel * size == end - begin without trusting the shape to fit in a double exactly. */
function checkByteCount(name: string, e: SafetensorsTensorInfo, where: string): void {
  const [begin, end] = e.dataOffsets;
  const have = end - begin;
  let bytes = ST_SIZE[e.dtype];
  for (const d of e.shape) {
    bytes *= d;
    if (bytes > have) break; // already wrong; stop before the product loses precision
  }
  if (e.shape.includes(0)) bytes = 0;
  if (bytes !== have) {
    const numel = e.shape.reduce((a, b) => a * b, 1);
    throw new SafetensorsError('ERR_SAFETENSORS_BYTE_COUNT', `${where}: tensor ${q(name)}: shape [${e.shape}] of ${e.dtype} needs ${numel} x ${ST_SIZE[e.dtype]} = ${numel * ST_SIZE[e.dtype]} bytes, but data_offsets [${begin}, ${end}] hold ${have}`);
  }
}

/**
 * Parses and validates the JSON header. `fileSize` bounds the data section: offsets must start at
 * 0, follow one another with no gap or overlap, and end exactly at the end of the file.
 */
export function parseHeader(json: Uint8Array, fileSize: number, where: string): SafetensorsHeader {
  const text = utf8(json, where);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_JSON', `${where}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) {
    throw new SafetensorsError('ERR_SAFETENSORS_HEADER_JSON', `${where}: the header must be a JSON object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const metadata = parseMetadata(raw.__metadata__, where);
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') continue;
    entries.push([name, parseEntry(name, value, where)]);
  }
  const dataStart = 8 + json.byteLength;
  const dataLength = fileSize - dataStart;
  // Data order: by offsets, as the reference sorts before validating (its writer need not list
  // tensors in data order, and old files are in name order).
  entries.sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let pos = 0;
  let prev = '';
  for (const [name, e] of entries) {
    const [begin, end] = e.dataOffsets;
    if (begin !== pos) {
      const what = begin < pos
        ? `overlaps tensor ${q(prev)}, which ends at ${pos}`
        : pos === 0 ? 'leave a gap: the first tensor must start at 0' : `leave a gap after tensor ${q(prev)}, which ends at ${pos}`;
      throw new SafetensorsError('ERR_SAFETENSORS_OFFSETS', `${where}: tensor ${q(name)}: data_offsets [${begin}, ${end}] ${what}`);
    }
    if (end > dataLength) {
      throw new SafetensorsError('ERR_SAFETENSORS_TRUNCATED', `${where}: tensor ${q(name)}: data_offsets [${begin}, ${end}] run past the end of the data section (${dataLength} bytes): the file is truncated`);
    }
    checkByteCount(name, e, where);
    pos = end;
    prev = name;
  }
  if (pos !== dataLength) {
    throw new SafetensorsError('ERR_SAFETENSORS_OFFSETS', `${where}: the tensors cover ${pos} bytes of a data section of ${dataLength} bytes; data_offsets must cover it exactly`);
  }
  return {
    metadata,
    tensors: Object.fromEntries(entries),
    names: entries.map(([n]) => n),
    headerLength: json.byteLength,
    dataStart,
    fileSize,
  };
}

/** The validated header of a whole file held in memory. */
export function parseSafetensorsHeader(bytes: Uint8Array, opts: HeaderOptions = {}, where = 'parseSafetensorsHeader'): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  const n = headerLength(bytes.subarray(0, 8), bytes.byteLength, where, opts);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.byteLength, where);
}
