/**
 * Adam and AdamW with PyTorch's update and names (camelCase): `new AdamW(params, { lr, betas, eps,
 * weightDecay })`. AdamW decays the weights apart from the gradient (Loshchilov & Hutter); Adam adds
 * `weightDecay * p` to the gradient (L2). Both run core's fused `adamwUpdate` (one kernel where the
 * backend has it). State per parameter: `step`, `expAvg`, `expAvgSq` (torch's exp_avg / exp_avg_sq).
 */
import { adamwUpdate, zerosLike, type Tensor } from '@tessera/core';
import { TrainError } from '../errors.js';
import { finiteNumber, knownKeys } from '../check.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamState, type ParamsOrGroups } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  betas: [number, number];
  eps: number;
}

class AdamBase extends Optimizer<AdamOptions> {
  constructor(where: string, params: ParamsOrGroups<AdamOptions>, opts: Partial<AdamOptions>, decoupled: boolean, weightDecay: number) {
    if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new TrainError(`${where}: options must be an object { lr, betas, eps, weightDecay }`);
    knownKeys(where, opts ?? {}, ['lr', 'betas', 'eps', 'weightDecay']);
    super(where, params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, ...opts });
    this.decoupled = decoupled;
  }

  private decoupled: boolean;

  protected override checkGroup(g: ParamGroup<AdamOptions>, gi: number): void {
    super.checkGroup(g, gi);
    const at = `${this.where}: group ${gi}`;
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new TrainError(`${at}: betas must be [beta1, beta2], got ${JSON.stringify(g.betas)}`);
    finiteNumber(at, 'betas[0]', g.betas[0], 0, 0.999999);
    finiteNumber(at, 'betas[1]', g.betas[1], 0, 0.999999);
    finiteNumber(at, 'eps', g.eps, 0);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    if (state.expAvg === undefined) {
      this.setState(state, 'expAvg', zerosLike(p));
      this.setState(state, 'expAvgSq', zerosLike(p));
    }
    const gr = !this.decoupled && g.weightDecay ? grad.add(p.mul(g.weightDecay)) : grad;
    const r = adamwUpdate(p, gr, state.expAvg as Tensor, state.expAvgSq as Tensor, {
      lr: g.lr, beta1: g.betas[0], beta2: g.betas[1], eps: g.eps, weightDecay: this.decoupled ? g.weightDecay : 0, step,
    });
    p.assign(r.param);
    (state.expAvg as Tensor).assign(r.m);
    (state.expAvgSq as Tensor).assign(r.v);
    state.step = step;
  }
}

/** torch.optim.Adam: L2 weight decay added to the gradient (default 0). */
export class Adam extends AdamBase {
  constructor(params: ParamsOrGroups<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super('Adam', params, opts, false, 0);
  }
}

/** torch.optim.AdamW: decoupled weight decay (default 0.01, as torch). */
export class AdamW extends AdamBase {
  constructor(params: ParamsOrGroups<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super('AdamW', params, opts, true, 0.01);
  }
}
