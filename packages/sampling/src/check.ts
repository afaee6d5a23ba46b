/** Option checks shared by the processors and GenerationConfig: each names the class and the field. */
import { GenerationError } from './errors.js';

export function options<T extends object>(where: string, o: unknown, keys: readonly string[]): Partial<T> {
  if (o === undefined) return {};
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new GenerationError(`${where}: options must be an object { ${keys.join(', ')} }`);
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new GenerationError(`${where}: unknown option '${k}' (known: ${keys.join(', ')})`);
  return o as Partial<T>;
}

export function num(where: string, name: string, v: unknown, lo: number, hi: number, { loOpen = false, hiOpen = false } = {}): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
  if (!ok) throw new GenerationError(`${where}: ${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${String(v)}`);
  return v as number;
}

export function int(where: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new GenerationError(`${where}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export function ids(where: string, name: string, v: unknown): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => Number.isInteger(x) && x >= 0)) throw new GenerationError(`${where}: ${name} must be a token id or a list of token ids, got ${JSON.stringify(v)}`);
  return list as number[];
}
