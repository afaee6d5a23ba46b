/** BERT fixture cases (cases.json) and the README's tolerance. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { adamwUpdate, noGrad, tensor, type Tensor } from '@tessera/core';
import type { Module } from '../../src/module.js';

export const bertFixtureDir = fileURLToPath(new URL('../fixtures/bert/', import.meta.url));

export interface BertCase {
  name: string;
  inputs: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
  expected: { last_hidden_state: number[][][]; pooler_output: number[][]; classifier_logits: number[][] };
  stats: Record<string, { shape: number[]; max_abs: number; rms: number }>;
}

export function readBertCases(): BertCase[] {
  return JSON.parse(readFileSync(`${bertFixtureDir}cases.json`, 'utf8')).cases;
}

export const ids = (rows: number[][], backend?: string): Tensor =>
  tensor(rows.flat(), { shape: [rows.length, rows[0]!.length], dtype: 'int32', backend });

/**
 * |a - e| <= 1e-4 * maxAbs + 1e-4 * |e| elementwise over `expected` (nested [..][last]); with
 * `mask` ([batch][pos]) only positions where it is 1 count.
 */
export function expectWithin(actual: ArrayLike<number>, expected: unknown[], maxAbs: number, what: string, mask?: number[][]): void {
  const flat: number[] = [];
  const keep: boolean[] = [];
  const walk = (x: unknown, path: number[]) => {
    if (Array.isArray(x)) x.forEach((y, i) => walk(y, [...path, i]));
    else {
      flat.push(x as number);
      keep.push(!mask || mask[path[0]!]![path[1]!] === 1);
    }
  };
  walk(expected, []);
  expect(actual.length, `${what}: element count`).toBe(flat.length);
  let bad = '';
  let checked = 0;
  flat.forEach((e, i) => {
    if (!keep[i]) return;
    checked++;
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= 1e-4 * maxAbs + 1e-4 * Math.abs(e)) && !bad) bad = `${what}[${i}]: actual ${a}, expected ${e}`;
  });
  expect(checked, `${what}: compared elements`).toBeGreaterThan(0);
  expect(bad, bad).toBe('');
}

/** One AdamW step (lr, no decay) over every parameter with a gradient, written back by name. */
export function adamwStep(model: Module, lr: number): void {
  const next = noGrad(() => Object.fromEntries(model.namedParameters().filter(([, p]) => p.grad).map(([name, p]) => {
    const z = p.mul(0);
    const r = adamwUpdate(p, p.grad!, z, z, { lr, step: 1, weightDecay: 0 });
    r.m.dispose();
    r.v.dispose();
    z.dispose();
    return [name, r.param];
  })));
  for (const p of model.parameters()) p.grad = null;
  model.loadStateDict(next, { strict: false });
  for (const t of Object.values(next)) t.dispose();
}

/** A tiny config for training / gradient checks. */
export const tinyBert = (extra: Record<string, unknown> = {}) => ({
  vocab_size: 30, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 12,
  max_position_embeddings: 16, type_vocab_size: 2, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0,
  initializer_range: 0.3, ...extra,
});
