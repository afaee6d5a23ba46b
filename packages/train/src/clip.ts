/**
 * torch.nn.utils.clip_grad_norm_: the total 2-norm of every gradient (as one vector); when it exceeds
 * `maxNorm` (Infinity: only measure), every gradient is scaled in place by maxNorm / (norm + 1e-6). Returns the norm before
 * clipping as a scalar tensor (read it with `.item()` / `await .data()`). Runs on the device: no
 * read-back unless the caller asks.
 */
import { add, keep, minimum, noGrad, sqrt, stack, tidy, type Tensor, isTensor } from '@tessera/core';
import { TrainError } from './errors.js';
import { finiteNumber } from './check.js';

export function clipGradNorm(parameters: Tensor[], maxNorm: number): Tensor {
  if (!Array.isArray(parameters) || !parameters.every((p) => isTensor(p))) throw new TrainError('clipGradNorm: parameters must be an array of tensors');
  if (maxNorm !== Infinity) finiteNumber('clipGradNorm', 'maxNorm', maxNorm, 0);
  const grads = parameters.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) throw new TrainError('clipGradNorm: no parameter has a gradient (call loss.backward() first)');
  return noGrad(() => {
    const total = tidy(() => keep(sqrt(stack(grads.map((g) => g.to('float32').square().sum())).sum())));
    if (maxNorm !== Infinity) tidy(() => {
      const coef = minimum(add(total, 1e-6).reciprocal().mul(maxNorm), 1);
      for (const g of grads) g.assign(g.mul(coef.to(g.dtype)));
    });
    return total;
  });
}
