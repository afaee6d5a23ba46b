/**
 * torch.optim.SGD: `g = grad + weightDecay·p`; with momentum, `buf = momentum·buf + (1 − dampening)·g`
 * (the first step takes `buf = g`), then `g = buf`, or `g + momentum·buf` with Nesterov; `p −= lr·g`.
 */
import { type Tensor } from '@tessera/core';
import { TrainError } from '../errors.js';
import { finiteNumber, knownKeys } from '../check.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamState, type ParamsOrGroups } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsOrGroups<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    if (!opts || typeof opts !== 'object') throw new TrainError('SGD: options { lr, momentum?, dampening?, nesterov?, weightDecay? } are required (lr has no default, as in torch)');
    knownKeys('SGD', opts, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay']);
    super('SGD', params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...opts });
  }

  protected override checkGroup(g: ParamGroup<SGDOptions>, gi: number): void {
    super.checkGroup(g, gi);
    const at = `SGD: group ${gi}`;
    finiteNumber(at, 'momentum', g.momentum, 0);
    finiteNumber(at, 'dampening', g.dampening, 0);
    if (typeof g.nesterov !== 'boolean') throw new TrainError(`${at}: nesterov must be a boolean, got ${String(g.nesterov)}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new TrainError(`${at}: Nesterov momentum requires a momentum > 0 and zero dampening (as torch)`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SGDOptions>): void {
    let d = g.weightDecay ? grad.add(p.mul(g.weightDecay)) : grad;
    if (g.momentum) {
      const buf = state.momentumBuffer as Tensor | undefined;
      if (!buf) this.setState(state, 'momentumBuffer', d);
      else buf.assign(buf.mul(g.momentum).add(d.mul(1 - g.dampening)));
      const b = state.momentumBuffer as Tensor;
      d = g.nesterov ? d.add(b.mul(g.momentum)) : b;
    }
    p.assign(p.sub(d.mul(g.lr)));
  }
}
