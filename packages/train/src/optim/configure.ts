/**
 * nanoGPT's `configure_optimizers`: AdamW with two groups — weight decay on every parameter of two
 * or more dimensions (matmul weights and embeddings), none on biases and norm gains.
 */
import type { Tensor } from '@tessera/core';
import { TrainError } from '../errors.js';
import { AdamW, type AdamOptions } from './adamw.js';

export interface HasNamedParameters { namedParameters(): [string, Tensor][] }

export function configureOptimizers(model: HasNamedParameters, opts: Partial<AdamOptions> = {}): AdamW {
  if (!model || typeof (model as HasNamedParameters).namedParameters !== 'function') {
    throw new TrainError('configureOptimizers: model must be a Module (it has namedParameters())');
  }
  const params = model.namedParameters().map(([, p]) => p).filter((p) => p.requiresGrad);
  const decay = params.filter((p) => p.ndim >= 2);
  const noDecay = params.filter((p) => p.ndim < 2);
  const { weightDecay = 0.1, ...rest } = opts;
  const groups = [{ params: decay, weightDecay }, { params: noDecay, weightDecay: 0 }].filter((g) => g.params.length);
  return new AdamW(groups, { ...rest, weightDecay });
}
