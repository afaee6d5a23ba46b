import { add, matmul, transpose, type Tensor } from '@tessera/core';
import { Module } from '../module.js';
import { kaimingUniformInit, uniformInit, zerosInit, type Init } from '../init.js';
import { Weights } from '../weights.js';

export interface LinearOptions { bias?: boolean; weightInit?: Init; biasInit?: Init }

/** y = x Wᵀ + b with W [out, in] (torch.nn.Linear). Default init as PyTorch's. */
export class Linear extends Module {
  weight: Tensor;
  bias?: Tensor;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}, w = new Weights()) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.param(w.get('weight', [outFeatures, inFeatures], opts.weightInit ?? kaimingUniformInit(Math.sqrt(5))));
    if (opts.bias ?? true) this.bias = this.param(w.get('bias', [outFeatures], opts.biasInit ?? uniformInit(-bound, bound)));
  }

  forward(x: Tensor): Tensor {
    const y = matmul(x, transpose(this.weight, 0, 1));
    return this.bias ? add(y, this.bias) : y;
  }
}

/** GPT-2's Conv1D: y = x W + b with W [in, out] (as HF stores it). */
export class Conv1D extends Module {
  weight: Tensor;
  bias: Tensor;
  constructor(readonly inFeatures: number, readonly outFeatures: number, weightInit: Init, w = new Weights()) {
    super();
    this.weight = this.param(w.get('weight', [inFeatures, outFeatures], weightInit));
    this.bias = this.param(w.get('bias', [outFeatures], zerosInit));
  }

  forward(x: Tensor): Tensor {
    return add(matmul(x, this.weight), this.bias);
  }
}
