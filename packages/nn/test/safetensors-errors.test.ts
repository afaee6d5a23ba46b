import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tensor, TesseraError } from '@tessera/core';
import {
  loadSafetensorsFile, parseSafetensorsHeader, readSafetensors, readSafetensorsHeader, SafetensorsError,
  writeSafetensors, type SafetensorsErrorCode,
} from '../src/safetensors/index.js';
import { bytesOf, rawFile, rejection } from './safetensors-helpers.js';

// A valid file: "a" F32 [2] then "b" I8 [3]; each case below breaks one rule of it.
const A = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const B = { dtype: 'I8', shape: [3], data_offsets: [8, 11] };
const valid = () => rawFile({ __metadata__: { format: 'pt' }, a: A, b: B }, 11);
const withLength = (length: bigint) => {
  const f = valid();
  new DataView(f.buffer).setBigUint64(0, length, true);
  return f;
};

interface Case { name: string; bytes: () => Uint8Array; code: SafetensorsErrorCode; says: string[] }
const cases: Case[] = [
  { name: 'fewer than 8 bytes', bytes: () => Uint8Array.from([1, 0, 0]), code: 'ERR_SAFETENSORS_HEADER_LENGTH', says: ['3 bytes'] },
  { name: 'header length past the end of the file', bytes: () => withLength(10_000n), code: 'ERR_SAFETENSORS_HEADER_LENGTH', says: ['10000', 'past the end'] },
  { name: 'header length 2^63', bytes: () => withLength(2n ** 63n), code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE', says: ['9223372036854775808', 'limit'] },
  { name: 'header length 2^64 - 1', bytes: () => withLength(2n ** 64n - 1n), code: 'ERR_SAFETENSORS_HEADER_TOO_LARGE', says: ['18446744073709551615'] },
  { name: 'header not UTF-8', bytes: () => rawFile('{"a":1}', 0).map((b, i) => (i === 11 ? 0xff : b)), code: 'ERR_SAFETENSORS_HEADER_UTF8', says: ['UTF-8'] },
  { name: 'header not JSON', bytes: () => rawFile('{"a": {', 11), code: 'ERR_SAFETENSORS_HEADER_JSON', says: ['not valid JSON'] },
  { name: 'header a JSON array', bytes: () => rawFile('[1,2]', 0), code: 'ERR_SAFETENSORS_HEADER_JSON', says: ['an array'] },
  { name: 'entry not an object', bytes: () => rawFile({ a: A, b: 5 }, 11), code: 'ERR_SAFETENSORS_ENTRY', says: ['"b"', 'entry must be an object'] },
  { name: 'entry without dtype', bytes: () => rawFile({ a: A, b: { shape: [3], data_offsets: [8, 11] } }, 11), code: 'ERR_SAFETENSORS_ENTRY', says: ['"b"', 'dtype'] },
  { name: 'entry without data_offsets', bytes: () => rawFile({ a: { dtype: 'F32', shape: [2] }, b: B }, 11), code: 'ERR_SAFETENSORS_ENTRY', says: ['"a"', 'data_offsets'] },
  { name: 'unknown dtype', bytes: () => rawFile({ a: { ...A, dtype: 'F128' }, b: B }, 11), code: 'ERR_SAFETENSORS_DTYPE', says: ['"a"', '"F128"'] },
  { name: 'negative shape', bytes: () => rawFile({ a: A, b: { ...B, shape: [-3] } }, 11), code: 'ERR_SAFETENSORS_SHAPE', says: ['"b"', 'shape', '[-3]'] },
  { name: 'fractional shape', bytes: () => rawFile({ a: { ...A, shape: [1.5] }, b: B }, 11), code: 'ERR_SAFETENSORS_SHAPE', says: ['"a"', '[1.5]'] },
  { name: 'shape not a list', bytes: () => rawFile({ a: { ...A, shape: '2' }, b: B }, 11), code: 'ERR_SAFETENSORS_SHAPE', says: ['"a"'] },
  { name: 'offsets not a pair', bytes: () => rawFile({ a: { ...A, data_offsets: [0] }, b: B }, 11), code: 'ERR_SAFETENSORS_OFFSETS', says: ['"a"', 'data_offsets'] },
  { name: 'offsets ending before they begin', bytes: () => rawFile({ a: A, b: { ...B, data_offsets: [11, 8] } }, 11), code: 'ERR_SAFETENSORS_OFFSETS', says: ['"b"', '[11, 8]'] },
  { name: 'first tensor not at 0', bytes: () => rawFile({ a: { ...A, data_offsets: [1, 9] }, b: { ...B, data_offsets: [9, 12] } }, 12), code: 'ERR_SAFETENSORS_OFFSETS', says: ['"a"', 'start at 0'] },
  { name: 'gap between tensors', bytes: () => rawFile({ a: A, b: { ...B, data_offsets: [9, 12] } }, 12), code: 'ERR_SAFETENSORS_OFFSETS', says: ['"b"', 'gap after tensor "a"'] },
  { name: 'overlapping tensors', bytes: () => rawFile({ a: A, b: { ...B, data_offsets: [6, 9] } }, 9), code: 'ERR_SAFETENSORS_OFFSETS', says: ['"b"', 'overlaps tensor "a"'] },
  { name: 'tensors not covering the data', bytes: () => rawFile({ a: A, b: B }, 16), code: 'ERR_SAFETENSORS_OFFSETS', says: ['cover 11 bytes of a data section of 16'] },
  { name: 'truncated data', bytes: () => valid().subarray(0, valid().length - 2), code: 'ERR_SAFETENSORS_TRUNCATED', says: ['"b"', 'truncated'] },
  { name: 'offsets out of range', bytes: () => rawFile({ a: A, b: { ...B, shape: [1000], data_offsets: [8, 1008] } }, 11), code: 'ERR_SAFETENSORS_TRUNCATED', says: ['"b"', '[8, 1008]'] },
  { name: 'byte count not numel * size', bytes: () => rawFile({ a: { ...A, shape: [3] }, b: B }, 11), code: 'ERR_SAFETENSORS_BYTE_COUNT', says: ['"a"', '[3]', '12 bytes', 'hold 8'] },
  { name: 'a shape of 2^80 elements', bytes: () => rawFile({ a: { ...A, shape: [2 ** 40, 2 ** 40] }, b: B }, 11), code: 'ERR_SAFETENSORS_BYTE_COUNT', says: ['"a"'] },
  { name: '__metadata__ not an object', bytes: () => rawFile({ __metadata__: 'pt', a: A, b: B }, 11), code: 'ERR_SAFETENSORS_METADATA', says: ['__metadata__'] },
  { name: '__metadata__ with a non-string value', bytes: () => rawFile({ __metadata__: { epoch: 3 }, a: A, b: B }, 11), code: 'ERR_SAFETENSORS_METADATA', says: ['"epoch"', '3'] },
  { name: 'I64 value beyond int32', bytes: () => rawFile({ i: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, bytesOf(BigInt64Array.from([2n ** 40n]))), code: 'ERR_SAFETENSORS_RANGE', says: ['"i"', `${2n ** 40n}`] },
];

function caught(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (e) {
    return e as SafetensorsError;
  }
  throw new Error('expected an error');
}

const dir = mkdtempSync(join(tmpdir(), 'st-err-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('malformed safetensors files raise typed errors, fast', () => {
  it('the unbroken file reads', () => {
    const { tensors, metadata } = readSafetensors(valid());
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors)).toEqual(['a', 'b']);
  });

  for (const c of cases) {
    it(`${c.name} -> ${c.code}`, async () => {
      const bytes = c.bytes();
      const t0 = performance.now();
      const e = caught(() => readSafetensors(bytes));
      expect(performance.now() - t0).toBeLessThan(100);
      expect(e).toBeInstanceOf(SafetensorsError);
      expect(e).toBeInstanceOf(TesseraError);
      expect(e.code).toBe(c.code);
      expect(e.message).toContain('readSafetensors');
      for (const s of c.says) expect(e.message).toContain(s);
      // The same from disk, header-only and full loads alike.
      const file = join(dir, `${c.code}-${cases.indexOf(c)}.safetensors`);
      writeFileSync(file, bytes);
      const e2 = await rejection<SafetensorsError>(loadSafetensorsFile(file));
      expect(e2).toBeInstanceOf(SafetensorsError);
      expect(e2.code).toBe(c.code);
      expect(e2.message).toContain(file);
      if (c.code !== 'ERR_SAFETENSORS_RANGE') {
        const e3 = await rejection<SafetensorsError>(readSafetensorsHeader(file));
        expect(e3.code).toBe(c.code);
      }
    });
  }

  it('a header above maxHeaderSize is refused before it is read', () => {
    expect(caught(() => parseSafetensorsHeader(valid(), { maxHeaderSize: 16 })).code).toBe('ERR_SAFETENSORS_HEADER_TOO_LARGE');
  });

  it('a tensor that fails after others were made leaves nothing allocated', async () => {
    const { memory } = await import('@tessera/core');
    const before = (memory().numTensors + memory().numFreedByGC);
    const bytes = rawFile({ a: A, i: { dtype: 'I64', shape: [1], data_offsets: [8, 16] } }, bytesOf(BigInt64Array.from([0n, 2n ** 40n])));
    expect(caught(() => readSafetensors(bytes)).code).toBe('ERR_SAFETENSORS_RANGE');
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
});

describe('bad arguments', () => {
  it('readSafetensors: bytes and options', () => {
    expect(caught(() => readSafetensors('x' as never)).code).toBe('ERR_SAFETENSORS_ARGUMENT');
    expect(caught(() => readSafetensors(valid(), { dtype: 'int32' })).message).toMatch(/dtype must be float32, float16 or bfloat16, got "int32"/);
  });

  it('writeSafetensors: tensors, names and metadata', () => {
    expect(caught(() => writeSafetensors({ a: [1, 2] as never })).message).toMatch(/tensors\["a"\] must be a Tensor/);
    expect(caught(() => writeSafetensors({ __metadata__: tensor([1]) })).message).toMatch(/reserved/);
    expect(caught(() => writeSafetensors({ a: tensor([1]) }, { epoch: 3 as never })).message).toMatch(/metadata\["epoch"\] must be a string/);
    const d = tensor([1]);
    d.dispose();
    expect(caught(() => writeSafetensors({ d })).message).toMatch(/tensors\["d"\] is disposed/);
  });

  it('file forms: a missing file', async () => {
    const e = await rejection<SafetensorsError>(loadSafetensorsFile(join(dir, 'nope.safetensors')));
    expect(e.code).toBe('ERR_SAFETENSORS_FILE');
    expect(e.message).toMatch(/nope\.safetensors.*no such file/);
  });
});
