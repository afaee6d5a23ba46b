/** Option value parsers for commander: each names the flag and what it takes. */
import { InvalidArgumentError } from 'commander';

export const int = (min: number) => (v: string): number => {
  const n = Number(v);
  if (!/^-?\d+(e\d+)?$/i.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${v}'`);
  return n;
};

export const num = (min: number, max = Infinity) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got '${v}'`);
  return n;
};
