// The loader streams each tensor in 8 MiB pieces into its storage (peak memory: the tensors plus one
// piece): pieces join exactly across chunk boundaries, and a cast on load (float32 file → float16 /
// bfloat16) gives the very bits core's cast gives, on cpu and wasm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cast, setBackend, tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import '@tessera/backend-wasm';
import { loadSafetensorsFile, saveSafetensorsFile } from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Values over the float16 / bfloat16 ranges' edges: subnormals, overflow, ties, infinities, NaN. */
function values(n: number): Float32Array {
  const v = new Float32Array(n);
  let s = 12345;
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const specials = [0, -0, 1e-8, -6e-8, 65504, 65520, 70000, -1e5, 3e38, Infinity, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
  for (let i = 0; i < n; i++) v[i] = i < specials.length ? specials[i]! : (r() - 0.5) * 10 ** Math.floor(r() * 12 - 6);
  return v;
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  it('an 8.4 MB tensor (two pieces) loads exactly; float16 / bfloat16 loads equal core cast bit for bit', async () => {
    await setBackend(backend);
    const big = values(2_100_001); // 8.4 MB: crosses the 8 MiB piece boundary
    const small = values(777);
    const file = join(tmp, `${backend}.safetensors`);
    await saveSafetensorsFile(file, { big: tensor(big, { shape: [2_100_001] }), small: tensor(small, { shape: [777] }) });
    const f32 = await loadSafetensorsFile(file, { backend });
    expect(new Uint32Array(f32.tensors.big!.dataSync().buffer)).toEqual(new Uint32Array(big.buffer));
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const got = await loadSafetensorsFile(file, { backend, dtype });
      for (const [name, v] of [['big', big], ['small', small]] as const) {
        const want = cast(tensor(v, { shape: [v.length], backend }), dtype).dataSync() as Uint16Array;
        const have = got.tensors[name]!.dataSync() as Uint16Array;
        expect(have.length).toBe(want.length);
        let firstDiff = -1;
        for (let i = 0; i < want.length && firstDiff < 0; i++) {
          const nan = (b: number) => (dtype === 'float16' ? (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0 : (b & 0x7f80) === 0x7f80 && (b & 0x7f) !== 0);
          if (have[i] !== want[i] && !(nan(have[i]!) && nan(want[i]!))) firstDiff = i;
        }
        expect(firstDiff, `${dtype} ${name}[${firstDiff}] = ${v[firstDiff]}: ${have[firstDiff]} vs ${want[firstDiff]}`).toBe(-1);
      }
      for (const t of Object.values(got.tensors)) t.dispose();
    }
    for (const t of Object.values(f32.tensors)) t.dispose();
  }, 60_000);
});
