/**
 * Initialisers (torch.nn.init's names): each returns a function of a shape that makes a fresh
 * tensor on the given backend. Seeded draws come from core's Philox generator (manualSeed).
 */
import { full, rand, randn, type Tensor } from '@tessera/core';

export type Init = (shape: readonly number[], backend?: string) => Tensor;

const fans = (shape: readonly number[]): [number, number] => {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [(shape[1] ?? 1) * receptive, (shape[0] ?? 1) * receptive];
};

export const zerosInit: Init = (shape, backend) => full(shape, 0, { backend });
export const onesInit: Init = (shape, backend) => full(shape, 1, { backend });

/** N(mean, std²). */
export const normalInit = (std: number, mean = 0): Init => (shape, backend) => {
  const r = randn(shape, { backend });
  const y = r.mul(std).add(mean);
  r.dispose();
  return y;
};

/** U(low, high). */
export const uniformInit = (low: number, high: number): Init => (shape, backend) => {
  const r = rand(shape, { backend });
  const y = r.mul(high - low).add(low);
  r.dispose();
  return y;
};

/** Glorot: U(±gain·√(6 / (fanIn + fanOut))). */
export const xavierUniformInit = (gain = 1): Init => (shape, backend) => {
  const [i, o] = fans(shape);
  const a = gain * Math.sqrt(6 / (i + o));
  return uniformInit(-a, a)(shape, backend);
};

/** Glorot: N(0, gain² · 2 / (fanIn + fanOut)). */
export const xavierNormalInit = (gain = 1): Init => (shape, backend) => {
  const [i, o] = fans(shape);
  return normalInit(gain * Math.sqrt(2 / (i + o)))(shape, backend);
};

/** He (fan-in, ReLU gain √2): U(±√(6 / fanIn)) — or with `a` the leaky-ReLU slope. */
export const kaimingUniformInit = (a = 0): Init => (shape, backend) => {
  const [i] = fans(shape);
  const bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / i);
  return uniformInit(-bound, bound)(shape, backend);
};

/** He (fan-in): N(0, 2 / ((1 + a²) fanIn)). */
export const kaimingNormalInit = (a = 0): Init => (shape, backend) => {
  const [i] = fans(shape);
  return normalInit(Math.sqrt(2 / (1 + a * a)) / Math.sqrt(i))(shape, backend);
};

/** GPT-2's scaled residual init: projections into the residual stream get std / √(2·nLayer). */
export const gpt2ResidualInit = (initializerRange: number, nLayer: number): Init =>
  normalInit(initializerRange / Math.sqrt(2 * nLayer));

/** T5's factor-scaled init: N(0, (factor · fanIn^-0.5)²) (fanIn = d_model, d_ff, or d_model·d_kv). */
export const t5Init = (factor: number, fanIn: number): Init => normalInit(factor * fanIn ** -0.5);
