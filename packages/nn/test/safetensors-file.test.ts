import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import '@tessera/backend-cpu';
import { tensor, type Tensor } from '@tessera/core';
import {
  formatSafetensorsIndex, loadSafetensorsCheckpoint, loadSafetensorsFile, loadShardedSafetensors, parseShardSize,
  planShards, readSafetensors, readSafetensorsHeader, saveSafetensorsFile, saveShardedSafetensors, SafetensorsError,
  writeSafetensors,
} from '../src/safetensors/index.js';
import { rejection } from './safetensors-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'st-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./fixtures/bert/model.safetensors', import.meta.url));
const raw = (t: Tensor) => Array.from(t.dataSync());

describe('safetensors files', () => {
  it('loadSafetensorsFile equals readSafetensors on the bert fixture', async () => {
    const mem = readSafetensors(new Uint8Array(readFileSync(fixture)));
    const disk = await loadSafetensorsFile(fixture);
    expect(disk.metadata).toEqual(mem.metadata);
    expect(Object.keys(disk.tensors)).toEqual(Object.keys(mem.tensors));
    for (const [n, t] of Object.entries(mem.tensors)) {
      expect(disk.tensors[n]!.shape).toEqual(t.shape);
      expect(Buffer.from(disk.tensors[n]!.dataSync().buffer).equals(Buffer.from(t.dataSync().buffer))).toBe(true);
    }
  });

  it('readSafetensorsHeader lists names, dtypes and shapes in data order', async () => {
    const h = await readSafetensorsHeader(fixture);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.names[0]).toBe('bert.embeddings.LayerNorm.bias');
    expect(h.tensors['bert.embeddings.word_embeddings.weight']).toMatchObject({ dtype: 'F32', shape: [1124, 32] });
    expect(h.fileSize).toBe(statSync(fixture).size);
  });

  it('saveSafetensorsFile writes what writeSafetensors makes, atomically, leaving no temporary file', async () => {
    const tensors = { w: tensor([[1, 2], [3, 4]]), b: tensor([1, 0, 1], { dtype: 'bool' }), h: tensor([0.5], { dtype: 'float16' }) };
    const file = join(dir, 'a.safetensors');
    await saveSafetensorsFile(file, tensors, { format: 'pt' });
    expect(new Uint8Array(readFileSync(file))).toEqual(writeSafetensors(tensors, { format: 'pt' }));
    await saveSafetensorsFile(file, { w: tensor([9]) });
    expect(raw((await loadSafetensorsFile(file)).tensors.w!)).toEqual([9]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a save that fails midway keeps the old file and removes its temporary file', async () => {
    const file = join(dir, 'keep.safetensors');
    await saveSafetensorsFile(file, { w: tensor([1, 2, 3]) });
    const before = readFileSync(file);
    const bad = tensor([4, 5, 6]);
    bad.data = () => Promise.reject(new Error('device lost'));
    const e = await rejection<SafetensorsError>(saveSafetensorsFile(file, { a: tensor([1]), w: bad }));
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(e.message).toMatch(/keep\.safetensors.*device lost/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('keep.safetensors.') && f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('sharded checkpoints', () => {
  const make = () => ({
    'embed.weight': tensor(Array.from({ length: 64 }, (_, i) => i / 7), { shape: [16, 4] }), // 256 bytes
    'h.0.w': tensor(Array.from({ length: 32 }, (_, i) => -i), { shape: [8, 4] }), // 128
    'h.0.b': tensor([1, 2, 3, 4]), // 16
    'h.1.w': tensor(Array.from({ length: 32 }, (_, i) => i * i), { shape: [8, 4] }), // 128
    'h.1.mask': tensor([true, false, true]), // 3
    'head.ids': tensor([5, 6], { dtype: 'int32' }), // 8
  });

  it('splits in state-dict order as huggingface_hub does', () => {
    const plan = planShards(make(), 200);
    expect(plan.shards).toEqual([
      { file: 'model-00001-of-00003.safetensors', names: ['embed.weight'] }, // above the limit: alone
      { file: 'model-00002-of-00003.safetensors', names: ['h.0.w', 'h.0.b'] },
      { file: 'model-00003-of-00003.safetensors', names: ['h.1.w', 'h.1.mask', 'head.ids'] },
    ]);
    expect(plan.index!.metadata.total_size).toBe(256 + 128 + 16 + 128 + 3 + 8);
    expect(planShards(make()).shards).toEqual([{ file: 'model.safetensors', names: Object.keys(make()) }]);
    expect(planShards(make()).index).toBeNull();
    expect([parseShardSize('5GB'), parseShardSize('2GiB'), parseShardSize('500MB'), parseShardSize(123)]).toEqual([5e9, 2 ** 31, 5e8, 123]);
    expect(() => parseShardSize('lots')).toThrow(/maxShardSize/);
  });

  it('writes shards + index and reads them back exactly', async () => {
    const out = join(dir, 'sharded');
    const tensors = make();
    const { files, index } = await saveShardedSafetensors(out, tensors, { maxShardSize: 200 });
    expect(files).toHaveLength(3);
    expect(readdirSync(out).sort()).toEqual([...files, 'model.safetensors.index.json'].sort());
    const text = readFileSync(join(out, 'model.safetensors.index.json'), 'utf8');
    expect(text).toBe(formatSafetensorsIndex(index!));
    expect(text.startsWith('{\n  "metadata": {\n    "total_size": 539\n  },\n  "weight_map": {\n    "embed.weight": "model-00001-of-00003.safetensors",\n    "h.0.b": ')).toBe(true);
    expect(text.endsWith('}\n}\n')).toBe(true);
    expect((await readSafetensorsHeader(join(out, files[1]!))).metadata).toEqual({ format: 'pt' });
    for (const load of [() => loadShardedSafetensors(join(out, 'model.safetensors.index.json')), () => loadSafetensorsCheckpoint(out)]) {
      const back = await load();
      expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
      for (const [n, t] of Object.entries(tensors)) {
        expect([n, back.tensors[n]!.dtype, back.tensors[n]!.shape, raw(back.tensors[n]!)]).toEqual([n, t.dtype, t.shape, raw(t)]);
      }
    }
    // Saving unsharded into the same folder removes the stale shards and index.
    await saveShardedSafetensors(out, tensors);
    expect(readdirSync(out)).toEqual(['model.safetensors']);
    expect(Object.keys((await loadSafetensorsCheckpoint(out)).tensors).sort()).toEqual(Object.keys(tensors).sort());
  });

  it('an index that disagrees with its shards raises ERR_SAFETENSORS_INDEX', async () => {
    const out = join(dir, 'bad-index');
    await saveShardedSafetensors(out, make(), { maxShardSize: 200 });
    const indexFile = join(out, 'model.safetensors.index.json');
    const good = JSON.parse(readFileSync(indexFile, 'utf8'));
    const check = async (index: unknown, msg: RegExp) => {
      writeFileSync(indexFile, typeof index === 'string' ? index : JSON.stringify(index));
      const e = await rejection<SafetensorsError>(loadShardedSafetensors(indexFile));
      expect(e).toBeInstanceOf(SafetensorsError);
      expect(e.code).toBe('ERR_SAFETENSORS_INDEX');
      expect(e.message).toMatch(msg);
    };
    await check({ ...good, weight_map: { ...good.weight_map, 'ghost.w': 'model-00002-of-00003.safetensors' } }, /shard "model-00002-of-00003.safetensors".*missing "ghost.w"/);
    const { 'h.0.b': _, ...rest } = good.weight_map;
    await check({ ...good, weight_map: rest }, /not in the index "h.0.b"/);
    await check({ ...good, weight_map: { ...good.weight_map, 'h.0.b': '../x.safetensors' } }, /weight_map\["h.0.b"\] must be a file name/);
    await check({ metadata: {} }, /weight_map must be an object/);
    await check('{nope', /not valid JSON/);
    writeFileSync(indexFile, JSON.stringify({ ...good, weight_map: { ...good.weight_map, x: 'gone.safetensors' } }));
    const e = await rejection<SafetensorsError>(loadShardedSafetensors(indexFile));
    expect([e.code, /gone\.safetensors.*no such file/.test(e.message)]).toEqual(['ERR_SAFETENSORS_FILE', true]);
    const none = await rejection<SafetensorsError>(loadSafetensorsCheckpoint(join(dir, 'empty-dir')));
    expect(none.code).toBe('ERR_SAFETENSORS_FILE');
  });
});

describe('memory', () => {
  it('loading a ~100 MB file from disk peaks within 1.5x its size (child process)', async () => {
    // The file: 10 F32 tensors of 10 MB, written in pieces so this process never holds it.
    const file = join(dir, 'big.safetensors');
    const n = 10, elems = 2_621_440, bytes = elems * 4;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    for (let i = 0; i < n; i++) header[`layer.${i}.weight`] = { dtype: 'F32', shape: [elems / 1024, 1024], data_offsets: [i * bytes, (i + 1) * bytes] };
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const fd = openSync(file, 'w');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, len);
    writeSync(fd, Buffer.from(json));
    const chunk = new Float32Array(elems);
    for (let i = 0; i < n; i++) {
      chunk.fill(i + 0.5);
      writeSync(fd, new Uint8Array(chunk.buffer));
    }
    closeSync(fd);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(100e6);

    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = join(dir, 'load-child.mjs');
    await build({
      stdin: {
        contents: `
          import '@tessera/backend-cpu';
          import { setBackend } from '@tessera/core';
          import { loadSafetensorsFile } from ${JSON.stringify(fileURLToPath(new URL('../src/safetensors/index.ts', import.meta.url)))};
          setBackend('cpu');
          globalThis.gc?.();
          const base = process.memoryUsage().rss;
          const { tensors } = await loadSafetensorsFile(process.argv[2]);
          const peak = process.resourceUsage().maxRSS * 1024;
          const firsts = Object.values(tensors).map((t) => t.dataSync()[0]);
          console.log(JSON.stringify({ base, peak, firsts }));
        `,
        resolveDir: dir,
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'error', ignoreAnnotations: true,
      alias: { '@tessera/core': `${root}core/src/index.ts`, '@tessera/backend-cpu': `${root}backend-cpu/src/index.ts` },
    });
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script, file], { encoding: 'utf8' }).trim().split('\n').pop()!);
    expect(out.firsts).toEqual(Array.from({ length: n }, (_, i) => i + 0.5));
    const grew = out.peak - out.base;
    // Tensors (1x) + one tensor-sized read buffer (0.1x) + runtime slack; reading the whole file
    // first would need 2x.
    if (process.env.ST_MEM_DEBUG) console.log(`file ${size} bytes, peak RSS grew ${grew} (${(grew / size).toFixed(2)}x)`);
    expect(grew).toBeGreaterThan(0.9 * size);
    expect(grew).toBeLessThan(1.5 * size);
    rmSync(file);
  }, 120_000);
});
