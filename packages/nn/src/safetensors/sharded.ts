import { BYTES_PER_ELEMENT, type Tensor } from '@tessera/core';
import { checkReadOptions, type ReadOptions } from './decode.js';
import { SafetensorsError } from './errors.js';
import { loadSafetensorsFile, readSafetensorsHeader, saveSafetensorsFile } from './file.js';
import { atomicWrite, fileError, nodeFs, writeAll } from './fs.js';
import type { SafetensorsContent } from './read.js';
import { checkMetadata } from './write.js';

export const SAFETENSORS_WEIGHTS_NAME = 'model.safetensors';
export const SAFETENSORS_INDEX_NAME = 'model.safetensors.index.json';
/** huggingface_hub's default shard limit (5 GB, decimal). */
export const DEFAULT_MAX_SHARD_SIZE = 5_000_000_000;

/** `model.safetensors.index.json`. */
export interface SafetensorsIndex {
  metadata: { total_size: number } & Record<string, unknown>;
  weight_map: Record<string, string>;
}

const q = (s: unknown) => JSON.stringify(s);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const SHARD = /^model-\d{5}-of-\d{5}\.safetensors$/;

/** Bytes from a number or a string like "5GB", "500MB", "2GiB" (decimal and binary units). */
export function parseShardSize(size: number | string, where = 'parseShardSize'): number {
  if (typeof size === 'number') {
    if (Number.isSafeInteger(size) && size > 0) return size;
  } else if (typeof size === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$/i.exec(size);
    if (m) {
      const unit = (m[2] ?? 'B').toUpperCase();
      const mult: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };
      const n = Math.floor(Number(m[1]) * mult[unit]!);
      if (n > 0) return n;
    }
  }
  throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: maxShardSize must be a positive byte count or a size like "5GB" / "500MB" / "2GiB", got ${q(size)}`);
}

function checkFileName(name: unknown, where: string, tensor: string): asserts name is string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: weight_map[${q(tensor)}] must be a file name in the same folder, got ${q(name)}`);
  }
}

/** Validates a parsed index: `{metadata?: {total_size?}, weight_map: {tensor: file}}`. */
export function parseSafetensorsIndex(raw: unknown, where = 'parseSafetensorsIndex'): SafetensorsIndex {
  if (!isObject(raw)) throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: the index must be a JSON object, got ${raw === null ? 'null' : typeof raw}`);
  const { metadata = {}, weight_map: map } = raw;
  if (!isObject(metadata)) throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: metadata must be an object, got ${q(metadata)}`);
  const total = metadata.total_size ?? 0;
  if (!Number.isSafeInteger(total) || (total as number) < 0) {
    throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: metadata.total_size must be a non-negative integer, got ${q(metadata.total_size)}`);
  }
  if (!isObject(map)) throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: weight_map must be an object of tensor name -> file name, got ${q(map)}`);
  for (const [t, f] of Object.entries(map)) checkFileName(f, where, t);
  return { metadata: { ...metadata, total_size: total as number }, weight_map: { ...(map as Record<string, string>) } };
}

export interface ShardedContent extends SafetensorsContent {
  index: SafetensorsIndex;
}

/**
 * Loads a sharded checkpoint from its index file, one shard (and within it one tensor) at a time.
 * Every shard's header must list exactly the tensors the index maps to it.
 */
export async function loadShardedSafetensors(indexFile: string, opts: ReadOptions = {}): Promise<ShardedContent> {
  const where = `loadShardedSafetensors(${q(indexFile)})`;
  checkReadOptions(opts, where);
  const { fs, path } = nodeFs(where);
  let text: string;
  try {
    text = await fs.readFile(indexFile, 'utf8');
  } catch (e) {
    throw fileError(where, indexFile, e);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: not valid JSON (${(e as Error).message})`);
  }
  const index = parseSafetensorsIndex(raw, where);
  const dir = path.dirname(indexFile);
  const byFile = new Map<string, Set<string>>();
  for (const [t, f] of Object.entries(index.weight_map)) {
    if (!byFile.has(f)) byFile.set(f, new Set());
    byFile.get(f)!.add(t);
  }
  // Check every header against the index before loading any data.
  for (const [f, expected] of byFile) {
    const h = await readSafetensorsHeader(path.join(dir, f), opts);
    const extra = h.names.filter((n) => !expected.has(n));
    const missing = [...expected].filter((n) => !(n in h.tensors) || !Object.hasOwn(h.tensors, n));
    if (extra.length || missing.length) {
      throw new SafetensorsError('ERR_SAFETENSORS_INDEX', `${where}: shard ${q(f)} disagrees with weight_map: ${missing.length ? `missing ${missing.map(q).join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not in the index ${extra.map(q).join(', ')}` : ''}`);
    }
  }
  const tensors: [string, Tensor][] = [];
  let metadata: Record<string, string> = {};
  try {
    for (const f of byFile.keys()) {
      const part = await loadSafetensorsFile(path.join(dir, f), opts);
      if (!tensors.length) metadata = part.metadata;
      tensors.push(...Object.entries(part.tensors));
    }
  } catch (e) {
    for (const [, t] of tensors) t.dispose();
    throw e;
  }
  // Names in the index's order (sorted, as transformers writes it).
  const byName = new Map(tensors);
  return { tensors: Object.fromEntries(Object.keys(index.weight_map).map((n) => [n, byName.get(n)!])), metadata, index };
}

export interface ShardPlan {
  /** File name -> tensor names, in state-dict order. */
  shards: { file: string; names: string[] }[];
  /** Null when everything fits one file (`model.safetensors`, no index). */
  index: SafetensorsIndex | null;
}

/**
 * huggingface_hub's split: walk the tensors in order, start a new shard when the next tensor would
 * tip the current one over the limit; a tensor above the limit gets a shard of its own.
 */
export function planShards(tensors: Record<string, Tensor>, maxShardSize: number | string = DEFAULT_MAX_SHARD_SIZE): ShardPlan {
  const limit = parseShardSize(maxShardSize, 'planShards');
  const shards: string[][] = [];
  let current: string[] = [];
  let currentSize = 0;
  let total = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.size * BYTES_PER_ELEMENT[t.dtype];
    total += size;
    if (size > limit) {
      shards.push([name]);
      continue;
    }
    if (currentSize + size > limit) {
      shards.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(name);
    currentSize += size;
  }
  if (current.length) shards.push(current);
  if (shards.length <= 1) return { shards: [{ file: SAFETENSORS_WEIGHTS_NAME, names: shards[0] ?? [] }], index: null };
  const n = shards.length;
  const pad = (i: number) => String(i).padStart(5, '0');
  const named = shards.map((names, i) => ({ file: `model-${pad(i + 1)}-of-${pad(n)}.safetensors`, names }));
  const weightMap: Record<string, string> = {};
  for (const s of named) for (const name of s.names) weightMap[name] = s.file;
  return { shards: named, index: { metadata: { total_size: total }, weight_map: weightMap } };
}

/** The index file as transformers writes it: `json.dumps(index, indent=2, sort_keys=True) + "\n"`. */
export function formatSafetensorsIndex(index: SafetensorsIndex): string {
  const sorted = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.keys(o).sort().map((k) => [k, isObject(o[k]) ? sorted(o[k] as Record<string, unknown>) : o[k]]));
  const json = JSON.stringify(sorted(index as unknown as Record<string, unknown>), null, 2);
  // Python's ensure_ascii.
  return `${json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

export interface SaveShardedOptions {
  /** Largest shard in bytes, or "5GB"-style; default 5 GB as huggingface_hub. */
  maxShardSize?: number | string;
  /** `__metadata__` of every shard; default `{format: 'pt'}` as transformers writes. */
  metadata?: Record<string, string>;
}

/**
 * Saves a checkpoint into `dir` as transformers does: one `model.safetensors`, or
 * `model-0000i-of-0000n.safetensors` shards plus `model.safetensors.index.json`. Each file is
 * written atomically; files of an earlier save that the new one does not use are removed.
 */
export async function saveShardedSafetensors(
  dir: string, tensors: Record<string, Tensor>, opts: SaveShardedOptions = {},
): Promise<{ files: string[]; index: SafetensorsIndex | null }> {
  const where = `saveShardedSafetensors(${q(dir)})`;
  const metadata = opts.metadata ?? { format: 'pt' };
  checkMetadata(metadata, where);
  const plan = planShards(tensors, opts.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE);
  const { fs, path } = nodeFs(where);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw fileError(where, dir, e);
  }
  for (const s of plan.shards) {
    await saveSafetensorsFile(path.join(dir, s.file), Object.fromEntries(s.names.map((n) => [n, tensors[n]!])), metadata);
  }
  const indexFile = path.join(dir, SAFETENSORS_INDEX_NAME);
  if (plan.index) {
    const bytes = new TextEncoder().encode(formatSafetensorsIndex(plan.index));
    await atomicWrite(indexFile, where, (fh) => writeAll(fh, bytes, 0));
  }
  const keep = new Set(plan.shards.map((s) => s.file));
  if (plan.index) keep.add(SAFETENSORS_INDEX_NAME);
  let stale: string[] = [];
  try {
    stale = (await fs.readdir(dir)).filter(
      (f) => !keep.has(f) && (SHARD.test(f) || f === SAFETENSORS_WEIGHTS_NAME || f === SAFETENSORS_INDEX_NAME),
    );
    for (const f of stale) await fs.rm(path.join(dir, f), { force: true });
  } catch (e) {
    throw fileError(where, dir, e);
  }
  return { files: plan.shards.map((s) => s.file), index: plan.index };
}

/**
 * A checkpoint folder's tensors: `model.safetensors` when present (as transformers prefers it),
 * else the shards listed by `model.safetensors.index.json`.
 */
export async function loadSafetensorsCheckpoint(dir: string, opts: ReadOptions = {}): Promise<SafetensorsContent> {
  const where = `loadSafetensorsCheckpoint(${q(dir)})`;
  const { fs, path } = nodeFs(where);
  const single = path.join(dir, SAFETENSORS_WEIGHTS_NAME);
  const exists = async (f: string) => fs.stat(f).then((s) => s.isFile(), () => false);
  if (await exists(single)) return loadSafetensorsFile(single, opts);
  const index = path.join(dir, SAFETENSORS_INDEX_NAME);
  if (await exists(index)) return loadShardedSafetensors(index, opts);
  throw new SafetensorsError('ERR_SAFETENSORS_FILE', `${where}: found neither ${SAFETENSORS_WEIGHTS_NAME} nor ${SAFETENSORS_INDEX_NAME} in ${q(dir)}`);
}
