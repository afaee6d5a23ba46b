/** Test helpers for the T5 fixtures: a minimal F32 safetensors reader and the README's tolerance. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type Tensor } from '@tessera/core';
import { T5ForConditionalGeneration } from '../../src/models/t5.js';

export const fixtureDir = (name: string) => new URL(`../fixtures/${name}/`, import.meta.url);

export interface T5Case {
  name: string;
  inputs: { input_ids: number[][]; attention_mask: number[][]; decoder_input_ids: number[][] };
  expected: {
    encoder_last_hidden_state: number[][][]; decoder_last_hidden_state: number[][][]; logits: number[][][];
    logits_summary: { argmax: number[][] }; greedy_new_tokens: number[][];
    encoder_position_buckets: number[][]; decoder_position_buckets: number[][];
  };
  stats: Record<string, { shape: number[]; max_abs: number; rms: number }>;
}

export function readCases(name: string): T5Case[] {
  return JSON.parse(readFileSync(new URL('cases.json', fixtureDir(name)), 'utf8')).cases;
}

/** Header (names, shapes) and F32 data of a safetensors file; other dtypes are not in these fixtures. */
export function readF32Safetensors(path: URL): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; data: Record<string, Float32Array> } {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  delete header.__metadata__;
  const data: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries<{ dtype: string; data_offsets: [number, number] }>(header)) {
    if (v.dtype !== 'F32') throw new Error(`fixture tensor ${k} is ${v.dtype}, expected F32`);
    const [a, b] = v.data_offsets;
    const bytes = buf.subarray(8 + n + a, 8 + n + b);
    data[k] = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  return { header, data };
}

/** The fixture through the library's own loader, on `backend` (eval mode, as fromPretrained returns it). */
export function loadFixtureModel(name: string, backend?: string): Promise<T5ForConditionalGeneration> {
  return T5ForConditionalGeneration.fromPretrained(fileURLToPath(fixtureDir(name)), { backend });
}

export const ids = (rows: number[][], backend?: string): Tensor =>
  tensor(rows.flat(), { shape: [rows.length, rows[0]!.length], dtype: 'int32', backend });

/** |a - e| <= 1e-4 * maxAbs + 1e-4 * |e| on rows whose `mask` is 1 ([batch][pos][...]). */
export function expectClose(actual: ArrayLike<number>, expected: number[][][], maxAbs: number, mask?: number[][], what = 'tensor'): void {
  const width = expected[0]![0]!.length;
  let worst = 0;
  let where = '';
  expected.forEach((rows, b) => rows.forEach((row, t) => {
    if (mask && mask[b]![t] !== 1) return;
    row.forEach((e, j) => {
      const a = actual[(b * rows.length + t) * width + j]!;
      const excess = Math.abs(a - e) - (1e-4 * maxAbs + 1e-4 * Math.abs(e));
      if (!(excess <= worst) || Number.isNaN(a)) { worst = Number.isNaN(a) ? Infinity : excess; where = `[${b}][${t}][${j}] actual ${a} expected ${e}`; }
    });
  }));
  expect(worst, `${what} out of tolerance at ${where}`).toBeLessThanOrEqual(0);
}
