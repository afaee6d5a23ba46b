import { mul, type Tensor } from '@tessera/core';
import { Module } from '../module.js';
import type { Init } from '../init.js';
import { Weights } from '../weights.js';
import type { Activation } from './activations.js';
import { Linear } from './linear.js';

/** LLaMA's gated MLP: down(act(gate(x)) · up(x)) (SwiGLU with act = silu; T5 v1.1 uses gelu_new). */
export class GatedMLP extends Module {
  gate_proj: Linear;
  up_proj: Linear;
  down_proj: Linear;
  constructor(hidden: number, intermediate: number, readonly act: Activation, opts: { bias?: boolean; init: Init; downInit?: Init }, w = new Weights()) {
    super();
    const bias = opts.bias ?? false;
    this.gate_proj = new Linear(hidden, intermediate, { bias, weightInit: opts.init, biasInit: opts.init }, w.pp('gate_proj'));
    this.up_proj = new Linear(hidden, intermediate, { bias, weightInit: opts.init, biasInit: opts.init }, w.pp('up_proj'));
    this.down_proj = new Linear(intermediate, hidden, { bias, weightInit: opts.downInit ?? opts.init, biasInit: opts.init }, w.pp('down_proj'));
  }

  forward(x: Tensor): Tensor {
    return this.down_proj.forward(mul(this.act(this.gate_proj.forward(x)), this.up_proj.forward(x)));
  }
}
