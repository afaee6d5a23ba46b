import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { f32ToBf16, f32ToF16, tensor, type DType, type Tensor } from '@tessera/core';
import {
  parseSafetensorsHeader, readSafetensors, SAFETENSORS_DTYPE_SIZE, SafetensorsError, writeSafetensors, writeSafetensorsAsync,
} from '../src/safetensors/index.js';
import { bytesOf, concat, rawFile } from './safetensors-helpers.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Values that exercise each dtype's range (signs, extremes, non-integers for floats). */
function sample(dtype: DType, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => {
    switch (dtype) {
      case 'int32': return [2147483647, -2147483648, 0, -1, 12345][i % 5]! + (i >= 5 ? i : 0) * (i % 2 ? -1 : 1);
      case 'int8': return [127, -128, 0, -1, 42][i % 5]!;
      case 'uint8': return [255, 0, 1, 128, 77][i % 5]!;
      case 'bool': return i % 3 === 0 ? 1 : 0;
      default: return Math.sin(i * 1.7) * 10 ** ((i % 7) - 3);
    }
  });
  return tensor(vals, { dtype, shape });
}

const rawOf = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().buffer, t.dataSync().byteOffset, t.dataSync().byteLength));

describe('safetensors round trip', () => {
  const dtypes: DType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int8', 'uint8', 'bool'];
  it('every core dtype comes back with the same dtype, shape and bits', () => {
    const tensors: Record<string, Tensor> = {};
    for (const [i, d] of dtypes.entries()) tensors[`t.${d}`] = sample(d, [2, 3 + i]);
    tensors['scalar'] = tensor(3.5);
    tensors['empty'] = tensor([], { shape: [0, 4] });
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'ünïcode "quoted"' });
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', note: 'ünïcode "quoted"' });
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const b = back.tensors[name]!;
      expect([name, b.dtype, b.shape]).toEqual([name, t.dtype, t.shape]);
      expect(rawOf(b)).toEqual(rawOf(t));
    }
  });

  it('float16 / bfloat16 bit patterns pass through untouched (NaN payloads, infinities, subnormals)', () => {
    const bits = Uint16Array.from([0x7e01, 0xfc00, 0x7c00, 0x0001, 0x8000, 0x3c00, 0xffff]);
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const back = readSafetensors(writeSafetensors({ x: tensor(bits, { dtype, shape: [7] }) })).tensors.x!;
      expect(Array.from(back.dataSync())).toEqual(Array.from(bits));
    }
  });

  it('odd tensor names (__proto__, integers, unicode) are plain keys', () => {
    const back = readSafetensors(writeSafetensors(Object.fromEntries([['__proto__', tensor([1])], ['7', tensor([2])], ['ä.b', tensor([3])]]))).tensors;
    expect(Object.keys(back).sort()).toEqual(['7', '__proto__', 'ä.b']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Array.from(back['__proto__']!.dataSync())).toEqual([1]);
  });

  it('writeSafetensorsAsync gives the same bytes', async () => {
    const tensors = { a: sample('float32', [3, 2]), b: sample('int8', [5]) };
    expect(await writeSafetensorsAsync(tensors, { format: 'pt' })).toEqual(writeSafetensors(tensors, { format: 'pt' }));
  });

  it('strided views are written as their contiguous values', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    const back = readSafetensors(writeSafetensors({ t })).tensors.t!;
    expect(back.arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it('reads onto the chosen float dtype; integers and bools keep theirs', () => {
    const src = { w: tensor([1.1, -2.2, 65504, 1e-8]), i: tensor([1, 2], { dtype: 'int32' }), m: tensor([true, false]) };
    const bytes = writeSafetensors(src);
    const half = readSafetensors(bytes, { dtype: 'float16' });
    expect(half.tensors.w!.dtype).toBe('float16');
    expect(Array.from(half.tensors.w!.dataSync())).toEqual([1.1, -2.2, 65504, 1e-8].map(f32ToF16));
    const bf = readSafetensors(bytes, { dtype: 'bfloat16' });
    expect(Array.from(bf.tensors.w!.dataSync())).toEqual([1.1, -2.2, 65504, 1e-8].map(f32ToBf16));
    expect(half.tensors.i!.dtype).toBe('int32');
    expect(half.tensors.m!.dtype).toBe('bool');
    expect(readSafetensors(bytes, { backend: 'cpu' }).tensors.w!.backend).toBe('cpu');
  });
});

describe('safetensors read-only dtypes', () => {
  const one = (dtype: string, shape: number[], data: Uint8Array) =>
    readSafetensors(rawFile({ x: { dtype, shape, data_offsets: [0, data.length] } }, data)).tensors.x!;

  it('F64 -> float32 (rounded), I16 / U16 -> int32', () => {
    const f64 = [1.5, -0.1, 1e300, 2 ** -30];
    const t = one('F64', [4], bytesOf(Float64Array.from(f64)));
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual(f64.map(Math.fround));
    const i16 = one('I16', [3], bytesOf(Int16Array.from([-32768, 32767, -1])));
    expect([i16.dtype, ...i16.dataSync()]).toEqual(['int32', -32768, 32767, -1]);
    const u16 = one('U16', [2], bytesOf(Uint16Array.from([65535, 7])));
    expect([u16.dtype, ...u16.dataSync()]).toEqual(['int32', 65535, 7]);
  });

  it('I64 / U64 / U32 -> int32 at the edges of its range', () => {
    const i64 = one('I64', [4], bytesOf(BigInt64Array.from([-(2n ** 31n), 2n ** 31n - 1n, 0n, -5n])));
    expect([i64.dtype, ...i64.dataSync()]).toEqual(['int32', -2147483648, 2147483647, 0, -5]);
    const u64 = one('U64', [2], bytesOf(BigUint64Array.from([2n ** 31n - 1n, 3n])));
    expect(Array.from(u64.dataSync())).toEqual([2147483647, 3]);
    const u32 = one('U32', [2], bytesOf(Uint32Array.from([2 ** 31 - 1, 9])));
    expect(Array.from(u32.dataSync())).toEqual([2147483647, 9]);
  });

  it('I64 / U64 / U32 values outside int32 raise ERR_SAFETENSORS_RANGE naming the tensor and element', () => {
    const cases: [string, Uint8Array, string][] = [
      ['I64', bytesOf(BigInt64Array.from([0n, 2n ** 31n])), 'element 1 is 2147483648'],
      ['I64', bytesOf(BigInt64Array.from([-(2n ** 31n) - 1n])), 'element 0 is -2147483649'],
      ['I64', bytesOf(BigInt64Array.from([2n ** 62n])), `element 0 is ${2n ** 62n}`],
      ['U64', bytesOf(BigUint64Array.from([2n ** 64n - 1n])), `element 0 is ${2n ** 64n - 1n}`],
      ['U32', bytesOf(Uint32Array.from([1, 2 ** 31])), 'element 1 is 2147483648'],
    ];
    for (const [dtype, data, msg] of cases) {
      const n = data.length / (dtype === 'U32' ? 4 : 8);
      let err: unknown;
      try {
        one(dtype, [n], data);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SafetensorsError);
      expect((err as SafetensorsError).code).toBe('ERR_SAFETENSORS_RANGE');
      expect((err as Error).message).toContain(`tensor "x" (${dtype}) ${msg}`);
    }
  });

  it('FP8 (E4M3, E5M2, E8M0) -> float32 exactly', () => {
    // E4M3: 0x38 = 1.0, 0x7e = 448 (max), 0x01 = 2^-9, 0xff = NaN; E5M2: 0x3c = 1.0, 0x7c = inf, 0x7b = 57344.
    const e4 = one('F8_E4M3', [5], Uint8Array.from([0x38, 0x7e, 0x01, 0xff, 0xc0]));
    expect(Array.from(e4.dataSync())).toEqual([1, 448, 2 ** -9, NaN, -2]);
    const e5 = one('F8_E5M2', [4], Uint8Array.from([0x3c, 0x7c, 0x7b, 0x81]));
    expect(Array.from(e5.dataSync())).toEqual([1, Infinity, 57344, -(2 ** -16)]);
    const e8 = one('F8_E8M0', [3], Uint8Array.from([127, 130, 255]));
    expect(Array.from(e8.dataSync())).toEqual([1, 8, NaN]);
  });

  it('BOOL bytes other than 0 / 1 read as true', () => {
    const b = one('BOOL', [3], Uint8Array.from([0, 2, 255]));
    expect(b.arraySync()).toEqual([false, true, true]);
  });

  it('misaligned data sections (a writer without padding) still read', () => {
    const f = Float32Array.from([1.25, -3]);
    const bytes = rawFile({ m: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, f: { dtype: 'F32', shape: [2], data_offsets: [1, 9] } },
      concat(Uint8Array.from([7]), bytesOf(f)), { pad: false });
    const back = readSafetensors(bytes).tensors;
    expect(Array.from(back.f!.dataSync())).toEqual([1.25, -3]);
    expect(Array.from(back.m!.dataSync())).toEqual([7]);
  });
});

describe('safetensors header format (as the reference writer)', () => {
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);

  it('one F32 tensor, no metadata: the exact bytes', () => {
    const out = writeSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] }) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect(out).toEqual(concat(Uint8Array.from([64, 0, 0, 0, 0, 0, 0, 0]), new TextEncoder().encode(json), bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5]))));
  });

  it('pads the header with spaces to a multiple of 8 so data starts aligned', () => {
    const out = writeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] }) });
    expect(new DataView(out.buffer).getBigUint64(0, true)).toBe(72n);
    expect(dec(out.subarray(8, 80))).toBe(`${'{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'}       `);
    expect(writeSafetensors({})).toEqual(Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]));
    expect(dec(writeSafetensors({}, { framework: 'pt' }).subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors by descending dtype, then by name; __metadata__ first with sorted keys', () => {
    const t = (d: DType) => sample(d, [3]);
    const out = writeSafetensors({ z8: t('int8'), a16: t('float16'), b32: t('float32'), a32: t('float32'), m: t('bool'), i: t('int32'), u: t('uint8'), bf: t('bfloat16') }, { z: '1', a: '2' });
    const h = parseSafetensorsHeader(out);
    expect(h.names).toEqual(['a32', 'b32', 'i', 'bf', 'a16', 'z8', 'u', 'm']);
    const text = dec(out.subarray(8, h.dataStart));
    expect(text.startsWith('{"__metadata__":{"a":"2","z":"1"},"a32":')).toBe(true);
    // Every tensor starts on a multiple of its element size.
    for (const n of h.names) expect(h.tensors[n]!.dataOffsets[0] % SAFETENSORS_DTYPE_SIZE[h.tensors[n]!.dtype]).toBe(0);
  });

  it('names sort by UTF-8 bytes, as Rust orders strings', () => {
    const h = parseSafetensorsHeader(writeSafetensors({ '\u{1F600}': tensor([1]), '\uFF21': tensor([2]), b: tensor([3]) }));
    expect(h.names).toEqual(['b', '\uFF21', '\u{1F600}']);
  });

  const isDir = (p: string) => statSync(`${fixtures}${p}`).isDirectory();
  const fixtureFiles = readdirSync(fixtures).filter(isDir).flatMap((d) =>
    [d, ...readdirSync(`${fixtures}${d}`).map((s) => `${d}/${s}`).filter(isDir)]
      .filter((p) => existsSync(`${fixtures}${p}/model.safetensors`)));

  it('has the bert fixture to compare against', () => {
    expect(fixtureFiles).toContain('bert');
  });

  for (const dir of fixtureFiles) {
    it(`rewrites fixtures/${dir}/model.safetensors (made by a reference-format writer) byte for byte`, () => {
      const bytes = new Uint8Array(readFileSync(`${fixtures}${dir}/model.safetensors`));
      const { tensors, metadata } = readSafetensors(bytes);
      expect(metadata).toEqual({ format: 'pt' });
      const again = writeSafetensors(tensors, metadata);
      expect(dec(again.subarray(0, 8 + parseSafetensorsHeader(again).headerLength))).toBe(dec(bytes.subarray(0, 8 + parseSafetensorsHeader(bytes).headerLength)));
      expect(again.length).toBe(bytes.length);
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      for (const t of Object.values(tensors)) t.dispose();
    });
  }
});
