/**
 * The conformance suite again, on an adapter with `shader-f16` (Mesa >= 25 lavapipe), so the
 * float16 kernels run. Dawn reads VK_ICD_FILENAMES when its instance is created, once per process:
 * this file sets it before anything creates one (vitest runs each file in its own fork). Skips,
 * saying why, when the lavapipe ICD is missing or its adapter has no shader-f16.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const LVP_ICDS = ['/usr/share/vulkan/icd.d/lvp_icd.json', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'];
const icd = LVP_ICDS.find((p) => existsSync(p));
if (icd) process.env.VK_ICD_FILENAMES = icd;

const { runConformance } = await import('@tessera/conformance');
const tc = await import('@tessera/core');
const { createWebGpuBackend, F16_OPS, webgpuKernels } = await import('../src/index.js');
type Backend = Awaited<ReturnType<typeof createWebGpuBackend>>;

let probe: Backend | null = null;
let why: string | null = null;
if (!icd) why = `no lavapipe ICD (${LVP_ICDS.join(' or ')}); apt-get install -t bookworm-backports mesa-vulkan-drivers`;
else {
  try {
    // Kept, not disposed: tearing Dawn's instance down and creating another can crash it.
    probe = await createWebGpuBackend();
    if (!probe.info.f16) why = `adapter "${probe.info.description}" has no shader-f16 (lavapipe needs Mesa >= 25: bookworm-backports)`;
  } catch (e) {
    why = `no WebGPU adapter on ${icd} (${(e as Error).message})`;
  }
}
if (why && process.env.TESSERA_REQUIRE_F16 === '1') throw new Error(`TESSERA_REQUIRE_F16=1 but ${why}`);
if (why) console.warn(`[backend-webgpu f16] skipping: ${why}`);

describe.skipIf(!!why)(why ? `webgpu f16 (skipped: ${why})` : `webgpu f16 (${probe?.info.description})`, () => {
  runConformance(createWebGpuBackend, {
    name: 'webgpu-f16',
    // Not float16: randn's compensated (fma-based) Box-Muller lands 2-3 ulp off on lavapipe, whose
    // fma need not be fused (SPIR-V allows it); it stays within 2 ulp on SwiftShader (conformance.test.ts).
    skip: [{ id: 'rng/randn/within-2ulp', reason: 'lavapipe: fma not guaranteed fused; randn checked on SwiftShader' }],
  });

  // Each float16 kernel computes in f32 exactly as the f32 kernel does, then rounds once: so its
  // result must equal the f32 kernel's result on the same (f16-decoded) inputs, cast to float16.
  describe('float16 kernels', () => {
    const bits = async (t: InstanceType<typeof tc.Tensor>): Promise<number[]> => {
      expect(t.dtype).toBe('float16');
      return Array.from(new Uint16Array((await t.data()).buffer as ArrayBuffer).slice(0, t.size));
    };
    const rand = (shape: number[], seed: number, scale = 2): InstanceType<typeof tc.Tensor> => {
      let s = seed;
      const n = shape.reduce((p, q) => p * q, 1);
      const v = Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * scale);
      return tc.reshape(tc.tensor(v, { dtype: 'float16' }), shape);
    };
    const same = async (f: (...x: InstanceType<typeof tc.Tensor>[]) => InstanceType<typeof tc.Tensor>, xs: InstanceType<typeof tc.Tensor>[]) => {
      const h = f(...xs);
      const ref = tc.cast(f(...xs.map((x) => tc.cast(x, 'float32'))), 'float16');
      expect(await bits(h)).toEqual(await bits(ref));
    };

    it('lists float16 for the f16 ops only', async () => {
      await tc.setBackend('webgpu-f16');
      const b = probe!;
      const before = new Map(webgpuKernels.map((k) => [k.op, !k.dtypes || k.dtypes.includes('float16')]));
      for (const k of b.kernels) expect(`${k.op}:${!k.dtypes || k.dtypes.includes('float16')}`).toBe(`${k.op}:${F16_OPS.has(k.op) || before.get(k.op)}`);
    });

    it('unary and binary ops, odd sizes and offsets', async () => {
      await tc.setBackend('webgpu-f16');
      const a = rand([5, 7], 1, 4), b = rand([5, 7], 2, 4), pos = tc.add(tc.abs(rand([5, 7], 3)), tc.tensor(0.25, { dtype: 'float16' }));
      for (const f of [tc.neg, tc.exp, tc.tanh, tc.abs, tc.sigmoid, tc.erf, tc.sin, tc.cos]) await same(f as never, [a]);
      for (const f of [tc.log, tc.sqrt, tc.rsqrt]) await same(f as never, [pos]);
      for (const f of [tc.add, tc.sub, tc.mul, tc.div, tc.maximum, tc.minimum]) await same(f as never, [a, b]);
      await same((x, y) => tc.pow(x!, y!), [pos, b]);
      await same((x, y) => tc.add(x!, y!), [rand([3, 1], 4), rand([1, 5], 5)]); // broadcast
      await same((x, y) => tc.mul(tc.narrow(x!, 0, 1, 3), y!), [rand([5], 17), rand([3], 18)]); // odd offset
      await same((x) => tc.exp(tc.transpose(x!, 0, 1)), [rand([3, 5], 19)]); // strided
    });

    it('matmul (f32 accumulation), softmax, logSoftmax, layerNorm', async () => {
      await tc.setBackend('webgpu-f16');
      await same((x, y) => tc.matmul(x!, y!), [rand([3, 33, 17], 6), rand([3, 17, 129], 7)]);
      await same((x, y) => tc.matmul(x!, y!), [rand([5, 1], 8), rand([1, 3], 9)]);
      await same((x, y) => tc.matmul(tc.transpose(x!, -1, -2), y!), [rand([9, 5], 10), rand([9, 7], 11)]);
      await same((x) => tc.softmax(x!, -1), [rand([7, 301], 12, 20)]);
      await same((x) => tc.logSoftmax(x!, -1), [rand([3, 5], 13, 20)]);
      await same((x, w, b) => tc.layerNorm(x!, [9], w, b), [rand([3, 9], 14, 10), rand([9], 15), rand([9], 16)]);
    });
  });
});
