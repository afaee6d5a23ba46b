/** Shared fixture helpers: cases.json, int inputs, and the README's tolerance rule. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type Tensor } from '@tessera/core';

export const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));

export interface Stats { shape: number[]; max_abs: number; rms: number }
export interface FixtureCase {
  name: string;
  inputs: Record<string, number[][]>;
  expected: Record<string, unknown>;
  stats: Record<string, Stats>;
}

export function readFixtureCases(name: string): FixtureCase[] {
  return JSON.parse(readFileSync(`${fixturePath(name)}cases.json`, 'utf8')).cases;
}

export const intTensor = (rows: number[][], backend?: string): Tensor =>
  tensor(rows.flat(), { shape: [rows.length, rows[0]!.length], dtype: 'int32', backend });

/** |a - e| <= 1e-4 · maxAbs + 1e-4 · |e| on positions whose mask is 1; nested [batch][pos][...]. */
export function expectFixtureClose(actual: ArrayLike<number>, expected: number[][][], maxAbs: number, mask?: number[][], what = 'tensor'): void {
  const T = expected[0]!.length, W = expected[0]![0]!.length;
  let bad = '';
  let count = 0;
  expected.forEach((rows, b) => rows.forEach((row, t) => {
    if (mask && mask[b]![t] !== 1) return;
    row.forEach((e, j) => {
      const a = actual[(b * T + t) * W + j]!;
      count++;
      if (!(Math.abs(a - e) <= 1e-4 * maxAbs + 1e-4 * Math.abs(e)) && !bad) bad = `${what}[${b}][${t}][${j}]: ${a} vs ${e}`;
    });
  }));
  expect(count).toBeGreaterThan(0);
  expect(bad, bad).toBe('');
}

/** Row-wise argmax of the last position of [B, T, V] logits data. */
export function lastArgmax(data: ArrayLike<number>, B: number, T: number, V: number, col = T - 1): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let best = 0;
    const o = (b * T + col) * V;
    for (let v = 1; v < V; v++) if (data[o + v]! > data[o + best]!) best = v;
    out.push(best);
  }
  return out;
}
