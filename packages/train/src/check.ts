/** Argument checks shared by the package: each names the function and the argument. */
import { TrainError } from './errors.js';

export function finiteNumber(where: string, name: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range = min > -Infinity || max < Infinity ? ` in [${min}, ${max}]` : '';
    throw new TrainError(`${where}: ${name} must be a finite number${range}, got ${String(v)}`);
  }
  return v;
}

export function intAtLeast(where: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new TrainError(`${where}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export function knownKeys(where: string, o: object, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new TrainError(`${where}: unknown option '${k}' (known: ${keys.join(', ')})`);
  }
}
