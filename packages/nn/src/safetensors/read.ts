import type { Tensor } from '@tessera/core';
import { checkReadOptions, decodeTensor, type ReadOptions } from './decode.js';
import { parseSafetensorsHeader } from './header.js';

export interface SafetensorsContent {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Disposes what was made so far when a later tensor fails (a bad I64 value, say). */
export function collect(names: readonly string[], make: (name: string) => Tensor): Record<string, Tensor> {
  const done: [string, Tensor][] = [];
  try {
    for (const n of names) done.push([n, make(n)]);
  } catch (e) {
    for (const [, t] of done) t.dispose();
    throw e;
  }
  return Object.fromEntries(done);
}

/** Tensors and `__metadata__` of a whole safetensors file in memory, validated first. */
export function readSafetensors(bytes: Uint8Array, opts: ReadOptions = {}): SafetensorsContent {
  const where = 'readSafetensors';
  checkReadOptions(opts, where);
  const h = parseSafetensorsHeader(bytes, opts, where);
  const tensors = collect(h.names, (name) => {
    const info = h.tensors[name]!;
    const [b, e] = info.dataOffsets;
    return decodeTensor(name, info, bytes.subarray(h.dataStart + b, h.dataStart + e), opts, where);
  });
  return { tensors, metadata: h.metadata };
}
