/**
 * Optimizer base with PyTorch's semantics: an optimizer owns its parameter groups and a per-parameter
 * state; `step()` updates the parameters in place (Tensor.assign, so identity and `.grad` stay);
 * `zeroGrad()` frees the gradients; `stateDict()` / `loadStateDict()` save and restore both, with
 * parameters named by their index across groups as torch.optim does.
 */
import { isTensor, keep, noGrad, tidy, type Tensor } from '@tessera/core';
import { TrainError } from '../errors.js';
import { finiteNumber, knownKeys } from '../check.js';

/** Hyperparameters every group has; each optimizer adds its own. */
export interface GroupOptions { lr: number; weightDecay: number }

/** A group as passed in: its params and any option that overrides the defaults. */
export type ParamGroupInput<O extends GroupOptions> = { params: Tensor[] } & Partial<O>;
export type ParamGroup<O extends GroupOptions> = { params: Tensor[] } & O;
export type ParamsOrGroups<O extends GroupOptions> = Tensor[] | ParamGroupInput<O>[];

/** One parameter's state: tensors (moments, buffers) and numbers (its step count). */
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  /** By parameter index (groups in order, params in order). */
  state: Record<number, ParamState>;
  paramGroups: Record<string, unknown>[];
}

export abstract class Optimizer<O extends GroupOptions> {
  readonly paramGroups: ParamGroup<O>[];
  readonly state = new Map<Tensor, ParamState>();

  protected constructor(protected readonly where: string, params: ParamsOrGroups<O>, readonly defaults: O) {
    if (!Array.isArray(params) || params.length === 0) {
      throw new TrainError(`${where}: params must be a non-empty array of tensors or of groups { params, ...options }`);
    }
    const groups: ParamGroupInput<O>[] = params.every((p) => isTensor(p)) ? [{ params: params as Tensor[] } as ParamGroupInput<O>] : (params as ParamGroupInput<O>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      if (!g || typeof g !== 'object' || isTensor(g) || !Array.isArray(g.params)) {
        throw new TrainError(`${where}: group ${gi} must be { params: Tensor[], ...options }; do not mix tensors and groups`);
      }
      knownKeys(`${where}: group ${gi}`, g, ['params', ...Object.keys(defaults)]);
      g.params.forEach((p, i) => {
        if (!isTensor(p)) throw new TrainError(`${where}: group ${gi} params[${i}] is not a Tensor`);
        if (!p.requiresGrad) throw new TrainError(`${where}: group ${gi} params[${i}] does not require a gradient (set requiresGrad = true, or pass model.parameters())`);
        if (seen.has(p)) throw new TrainError(`${where}: a parameter appears in more than one group (group ${gi} params[${i}])`);
        seen.add(p);
      });
      const merged = { ...defaults, ...g, params: [...g.params] } as ParamGroup<O>;
      this.checkGroup(merged, gi);
      return merged;
    });
  }

  /** Validate a group's options (each optimizer checks its own). */
  protected checkGroup(g: ParamGroup<O>, gi: number): void {
    finiteNumber(`${this.where}: group ${gi}`, 'lr', g.lr, 0);
    finiteNumber(`${this.where}: group ${gi}`, 'weightDecay', g.weightDecay, 0);
  }

  /** Every parameter, groups in order (the index stateDict uses). */
  params(): Tensor[] { return this.paramGroups.flatMap((g) => g.params); }

  /** Free every gradient (PyTorch's set_to_none default). */
  zeroGrad(): void {
    for (const p of this.params()) p.grad = null;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (!p.grad) continue;
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          const s = st;
          tidy(() => this.update(p, p.grad!, s, g));
        }
      }
    });
  }

  /** Update one parameter in place (p.assign) and its state (state tensors assigned or replaced). */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /** Keep a new state tensor, or write into the old one in place. */
  protected setState(state: ParamState, key: string, value: Tensor): void {
    const old = state[key];
    if (isTensor(old)) old.assign(value);
    else state[key] = keep(value.clone()); // a copy: value may be a gradient or a view
  }

  stateDict(): OptimizerStateDict {
    const index = new Map(this.params().map((p, i) => [p, i]));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...s };
    let k = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...opts, params: params.map(() => k++) };
    });
    return { state, paramGroups };
  }

  /** Restore group options and per-parameter state (tensors are copied onto each parameter's backend). */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.where}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || !sd.state || typeof sd.state !== 'object') {
      throw new TrainError(`${where}: expected { state, paramGroups } from stateDict()`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new TrainError(`${where}: the state has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, gi) => {
      const ps = g.params;
      if (!Array.isArray(ps) || ps.length !== this.paramGroups[gi]!.params.length) {
        throw new TrainError(`${where}: group ${gi} holds ${Array.isArray(ps) ? ps.length : 'no'} parameters in the state, ${this.paramGroups[gi]!.params.length} here`);
      }
    });
    const params = this.params();
    for (const key of Object.keys(sd.state)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= params.length) throw new TrainError(`${where}: state for parameter ${key}, but there are ${params.length}`);
      for (const [name, v] of Object.entries(sd.state[i]!)) {
        if (isTensor(v) && v.shape.join() !== params[i]!.shape.join()) {
          throw new TrainError(`${where}: state '${name}' of parameter ${i} has shape [${v.shape.join(', ')}], the parameter [${params[i]!.shape.join(', ')}]`);
        }
      }
    }
    sd.paramGroups.forEach((g, gi) => {
      const { params: _p, ...opts } = g;
      const merged = { ...this.paramGroups[gi]!, ...opts, params: this.paramGroups[gi]!.params } as ParamGroup<O>;
      this.checkGroup(merged, gi);
      this.paramGroups[gi] = merged;
    });
    for (const s of this.state.values()) for (const v of Object.values(s)) if (isTensor(v)) v.dispose();
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)]!;
      const own: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        own[name] = isTensor(v) ? keep(noGrad(() => tidy(() => (v.backend === p.backend ? v : v.to(p.backend)).to(p.dtype).clone()))) : v;
      }
      this.state.set(p, own);
    }
  }

  /** Free the state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (isTensor(v)) v.dispose();
    this.state.clear();
  }
}
