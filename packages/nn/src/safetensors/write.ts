import { BYTES_PER_ELEMENT, isTensor, type Tensor } from '@tessera/core';
import { CORE_TO_ST, ST_RANK, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** One tensor's place in a file being written. */
export interface PlannedTensor {
  name: string;
  tensor: Tensor;
  dtype: SafetensorsDType;
  begin: number;
  end: number;
}

/** The header bytes (padded) and the data layout of a file to write. */
export interface WritePlan {
  header: Uint8Array;
  tensors: PlannedTensor[];
  /** Total file size: 8 + header + data. */
  size: number;
}

const enc = new TextEncoder();

/** Byte-wise UTF-8 order, as Rust compares `String`s (differs from UTF-16 order past U+FFFF). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = enc.encode(a), y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function checkMetadata(metadata: unknown, where: string): asserts metadata is Record<string, string> | undefined {
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: metadata must be an object of strings, got ${metadata === null ? 'null' : Array.isArray(metadata) ? 'an array' : typeof metadata}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: metadata[${JSON.stringify(k)}] must be a string, got ${typeof v}`);
    }
  }
}

/**
 * The layout the reference writer makes: tensors by descending dtype (its enum order, which keeps
 * every tensor aligned to its element size), then by name; compact JSON with `__metadata__`
 * first (its keys sorted here, a hash map's order there); spaces pad the header to 8 bytes.
 */
export function planWrite(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, where: string): WritePlan {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: tensors must be an object of name -> Tensor, got ${tensors === null ? 'null' : typeof tensors}`);
  }
  checkMetadata(metadata, where);
  const list: PlannedTensor[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') {
      throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: "__metadata__" is reserved for the header's metadata; rename that tensor`);
    }
    if (!isTensor(t)) {
      throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: tensors[${JSON.stringify(name)}] must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    }
    if (t.isDisposed) {
      throw new SafetensorsError('ERR_SAFETENSORS_ARGUMENT', `${where}: tensors[${JSON.stringify(name)}] is disposed`);
    }
    list.push({ name, tensor: t, dtype: CORE_TO_ST[t.dtype], begin: 0, end: 0 });
  }
  list.sort((a, b) => ST_RANK[b.dtype] - ST_RANK[a.dtype] || compareUtf8(a.name, b.name));
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const p of list) {
    p.begin = offset;
    offset += p.tensor.size * BYTES_PER_ELEMENT[p.tensor.dtype];
    p.end = offset;
    parts.push(`${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.tensor.shape.join(',')}],"data_offsets":[${p.begin},${p.end}]}`);
  }
  const json = enc.encode(`{${parts.join(',')}}`);
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  const header = new Uint8Array(8 + padded.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded.length), true);
  header.set(padded, 8);
  return { header, tensors: list, size: header.length + offset };
}

/** Raw little-endian bytes of a tensor, contiguous (float16 / bfloat16 as their 16-bit patterns). */
export function tensorBytes(raw: ArrayBufferView): Uint8Array {
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** A whole safetensors file in memory. Reads tensors synchronously (cpu, wasm, cuda). */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const plan = planWrite(tensors, metadata, 'writeSafetensors');
  const out = new Uint8Array(plan.size);
  out.set(plan.header);
  for (const p of plan.tensors) out.set(tensorBytes(p.tensor.dataSync()), plan.header.length + p.begin);
  return out;
}

/** `writeSafetensors` for any backend, WebGPU included (reads each tensor asynchronously). */
export async function writeSafetensorsAsync(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const plan = planWrite(tensors, metadata, 'writeSafetensorsAsync');
  const out = new Uint8Array(plan.size);
  out.set(plan.header);
  for (const p of plan.tensors) out.set(tensorBytes(await p.tensor.data()), plan.header.length + p.begin);
  return out;
}
