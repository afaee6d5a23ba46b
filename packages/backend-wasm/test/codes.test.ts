import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import {
  BINARY_CODES, BINARY_OPS, DTYPES, DTYPE_CODES, MAX_DIMS, RANDOM_DISTS, RANDOM_DIST_CODES, REDUCE_CODES, REDUCE_OPS,
  ShapeError, UNARY_CODES, UNARY_OPS,
} from '@tessera/core';
// @ts-expect-error: plain .mjs build script without types
import { HEADER_PATH, renderHeader } from '../../../scripts/gen-native-codes.mjs';
import { createWasmBackend } from '../src/index.js';

describe('native code tables', () => {
  it('native/generated/tessera_codes.h is what core/src/backend.ts generates (else: node scripts/gen-native-codes.mjs)', () => {
    const want = renderHeader({ MAX_DIMS, DTYPE_CODES, UNARY_CODES, BINARY_CODES, REDUCE_CODES, RANDOM_DIST_CODES });
    expect(readFileSync(HEADER_PATH, 'utf8')).toBe(want);
    expect(want).toContain(`#define TS_MAX_DIMS ${MAX_DIMS}\n`);
    expect(want).toContain(`#define TS_UNARY_COUNT ${UNARY_OPS.length}\n`);
    expect(want).toContain('#define TS_BINARY_MAXIMUM 5\n');
  });

  it('codes are the index in each list, one per name', () => {
    const check = (names: readonly string[], codes: Readonly<Record<string, number>>) => {
      expect(Object.keys(codes)).toEqual([...names]);
      names.forEach((n, i) => expect(codes[n]).toBe(i));
    };
    check(DTYPES, DTYPE_CODES);
    check(UNARY_OPS, UNARY_CODES);
    check(BINARY_OPS, BINARY_CODES);
    check(REDUCE_OPS, REDUCE_CODES);
    check(RANDOM_DISTS, RANDOM_DIST_CODES);
    expect(Object.isFrozen(UNARY_CODES)).toBe(true);
  });
});

describe('MAX_DIMS on wasm', () => {
  const be = createWasmBackend({ threads: 1 });
  T.registerBackend('wasm-codes', () => be, 0);

  /** A view with `nd` dims of 2 that no two neighbours merge (reversed strides). */
  const scrambled = (nd: number) =>
    T.arange(0, 2 ** nd).reshape(Array(nd).fill(2)).permute(Array.from({ length: nd }, (_, i) => nd - 1 - i));

  it(`runs views of ${MAX_DIMS} unmergeable dims and rejects more with a ShapeError naming the op`, async () => {
    await T.setBackend('wasm-codes');
    T.tidy(() => {
      const ok = scrambled(MAX_DIMS);
      const ref = T.neg(ok.contiguous()).dataSync();
      expect(Array.from(T.neg(ok).dataSync())).toEqual(Array.from(ref));
      const bad = scrambled(MAX_DIMS + 1);
      let err: unknown;
      try { T.neg(bad); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ShapeError);
      expect(err).toMatchObject({ code: 'ERR_SHAPE' });
      expect((err as Error).message).toMatch(new RegExp(`wasm neg: .*keeps ${MAX_DIMS + 1} dims.*at most MAX_DIMS = ${MAX_DIMS}`));
      expect(() => T.add(bad, bad)).toThrow(/wasm add: /);
      expect(() => bad.contiguous()).toThrow(/wasm copy: /);
    });
  });

  it('row kernels on zero-size inputs: [3, 0] reduces to 3 zeros, [0, 5] to none (core rows)', async () => {
    await T.setBackend('wasm-codes');
    T.tidy(() => {
      expect(Array.from(T.zeros([3, 0]).sum(-1).dataSync())).toEqual([0, 0, 0]);
      expect(T.softmax(T.zeros([3, 0]), -1).shape).toEqual([3, 0]);
      expect(T.layerNorm(T.zeros([3, 0]), [0]).shape).toEqual([3, 0]);
      expect(T.zeros([0, 5]).sum(-1).shape).toEqual([0]);
    });
  });
});
