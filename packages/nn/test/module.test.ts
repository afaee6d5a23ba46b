import { describe, expect, it } from 'vitest';
import { memory, randn, tensor, tidy, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';
import { Dropout, Linear, Module, RMSNorm, Weights, StateDictError } from '../src/index.js';

class Block extends Module {
  fc = new Linear(3, 4);
  norm = new RMSNorm(4);
  drop = new Dropout(0.5);
  forward(x: Tensor): Tensor { return this.drop.forward(this.norm.forward(this.fc.forward(x))); }
}

class Net extends Module {
  layers = [new Block(), new Block()];
  head: Linear;
  scale: Tensor;
  constructor() {
    super();
    this.head = new Linear(4, 2, { bias: false });
    this.scale = this.buffer('scale', tensor([2]));
  }
}

describe('Module', () => {
  it('finds parameters, buffers and children with dotted names in field order', () => {
    const n = new Net();
    expect(n.namedParameters().map(([k]) => k)).toEqual([
      'layers.0.fc.weight', 'layers.0.fc.bias', 'layers.0.norm.weight',
      'layers.1.fc.weight', 'layers.1.fc.bias', 'layers.1.norm.weight', 'head.weight',
    ]);
    expect(n.namedBuffers().map(([k]) => k)).toEqual(['scale']);
    expect(Object.keys(n.stateDict())).toContain('scale');
    expect(n.children().map(([k]) => k)).toEqual(['layers.0', 'layers.1', 'head']);
    expect(n.numParameters()).toBe(2 * (12 + 4 + 4) + 8);
    expect(n.parameters().every((p) => p.requiresGrad)).toBe(true);
    n.dispose();
  });

  it('train() / eval() reach every module and dropout reads them', () => {
    const b = new Block();
    const x = randn([64, 3], { seed: 1 });
    b.eval();
    expect(b.drop.training).toBe(false);
    const y1 = b.forward(x), y2 = b.forward(x);
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y2.dataSync()));
    b.train();
    const zeros = Array.from(b.forward(x).dataSync()).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(40);
    b.dispose();
  });

  it('loadStateDict copies values; strict errors list missing, unexpected and mis-shaped keys', () => {
    const a = new Net(), b = new Net();
    const own = b.head.weight;
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.head.weight.dataSync())).toEqual(Array.from(a.head.weight.dataSync()));
    expect(b.head.weight).not.toBe(a.head.weight);
    expect(b.head.weight).toBe(own); // in place, as torch: an optimizer's references stay valid
    const sd = { ...a.stateDict() };
    delete (sd as Record<string, Tensor>)['head.weight'];
    const extra = tensor([1]);
    const wrong = tensor([1, 2, 3]);
    let err: unknown;
    try { b.loadStateDict({ ...sd, 'x.y': extra, 'layers.0.norm.weight': wrong }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StateDictError);
    expect(String(err)).toMatch(/missing keys: head\.weight/);
    expect(String(err)).toMatch(/unexpected keys: x\.y/);
    expect(String(err)).toMatch(/mis-shaped keys: layers\.0\.norm\.weight/);
    const r = b.loadStateDict(sd, { strict: false });
    expect(r.missingKeys).toEqual(['head.weight']);
    a.dispose(); b.dispose(); extra.dispose(); wrong.dispose();
  });

  it('to(dtype) casts float parameters and keeps them leaves; tensors live outside tidy', () => {
    const n = tidy(() => new Net());
    expect(n.parameters().every((p) => !p.isDisposed)).toBe(true);
    n.to('float16');
    expect(n.parameters().every((p) => p.dtype === 'float16' && p.requiresGrad)).toBe(true);
    expect(n.scale.dtype).toBe('float16'); // float buffers are cast too, as torch's module.to(dtype)
    n.dispose();
  });

  it('builds from a Weights source: taken, shape-checked, reported', () => {
    const before = (memory().numTensors + memory().numFreedByGC);
    const w = new Weights(null, { backend: 'cpu' });
    const l = new Linear(2, 3, {}, w.pp('proj'));
    expect(l.weight.shape).toEqual([3, 2]);
    l.dispose();
    expect((memory().numTensors + memory().numFreedByGC)).toBe(before);
  });
});
