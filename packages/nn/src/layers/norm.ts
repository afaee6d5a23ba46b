import { layerNorm, rmsNorm, type Tensor } from '@tessera/core';
import { Module } from '../module.js';
import { onesInit, zerosInit, type Init } from '../init.js';
import { Weights } from '../weights.js';

/** LayerNorm over the last dim with gain and shift (torch.nn.LayerNorm). */
export class LayerNorm extends Module {
  weight: Tensor;
  bias: Tensor;
  constructor(readonly dim: number, readonly eps = 1e-5, w = new Weights()) {
    super();
    this.weight = this.param(w.get('weight', [dim], onesInit));
    this.bias = this.param(w.get('bias', [dim], zerosInit));
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, [this.dim], this.weight, this.bias, this.eps);
  }
}

/** RMSNorm (LlamaRMSNorm / T5LayerNorm): x / rms(x) · weight, no mean, no bias. */
export class RMSNorm extends Module {
  weight: Tensor;
  constructor(readonly dim: number, readonly eps = 1e-6, w = new Weights(), init: Init = onesInit) {
    super();
    this.weight = this.param(w.get('weight', [dim], init));
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, [this.dim], this.weight, this.eps);
  }
}
