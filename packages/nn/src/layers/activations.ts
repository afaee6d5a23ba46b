import { gelu, mul, relu, sigmoid, silu, tanh, type Tensor } from '@tessera/core';
import { ConfigError } from '../errors.js';

export type Activation = (x: Tensor) => Tensor;

/** HF's ACT2FN names. */
export const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  relu,
  gelu: (x) => gelu(x),
  gelu_new: (x) => gelu(x, { approximate: 'tanh' }),
  gelu_pytorch_tanh: (x) => gelu(x, { approximate: 'tanh' }),
  silu,
  swish: silu,
  sigmoid,
  tanh,
  quick_gelu: (x) => mul(x, sigmoid(mul(x, 1.702))),
};

export function activation(name: string, where: string): Activation {
  const f = ACTIVATIONS[name];
  if (!f) throw new ConfigError(`${where}: unknown activation ${JSON.stringify(name)}; known: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return f;
}
