// Padding of encoded batches (HF PaddingParams): to the longest or a fixed length, left or right.
import { badArg } from './args.js';
import type { Encoding } from './encoding.js';

export interface PaddingOptions {
  /** 'longest' pads to the longest in the batch; a number pads to that fixed length. */
  length?: 'longest' | number;
  direction?: 'right' | 'left';
  padId?: number;
  padToken?: string;
  padTypeId?: number;
  padToMultipleOf?: number;
}

/** Padding lengths above this would not fit in memory as arrays; they are rejected up front. */
export const MAX_PADDED_LENGTH = 1 << 24;
const KEYS = ['length', 'direction', 'padId', 'padToken', 'padTypeId', 'padToMultipleOf'];

/** Throws INVALID_ARGUMENT naming the bad field of padding options given to `fn`. */
export function checkPadding(fn: string, arg: string, p: unknown): PaddingOptions {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) badArg(fn, arg, `an options object (${KEYS.join(', ')})`, p);
  const o = p as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) badArg(fn, `${arg}.${k.slice(0, 40)}`, `one of the known options (${KEYS.join(', ')})`, k);
  const isInt = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  if (o.length !== undefined && o.length !== 'longest' && !isInt(o.length, MAX_PADDED_LENGTH)) badArg(fn, `${arg}.length`, `'longest' or an integer in [0, ${MAX_PADDED_LENGTH}]`, o.length);
  if (o.direction !== undefined && o.direction !== 'left' && o.direction !== 'right') badArg(fn, `${arg}.direction`, "'left' or 'right'", o.direction);
  for (const k of ['padId', 'padTypeId']) if (o[k] !== undefined && !isInt(o[k], 2 ** 31 - 1)) badArg(fn, `${arg}.${k}`, 'a non-negative integer', o[k]);
  if (o.padToMultipleOf !== undefined && !(isInt(o.padToMultipleOf, MAX_PADDED_LENGTH))) badArg(fn, `${arg}.padToMultipleOf`, `an integer in [0, ${MAX_PADDED_LENGTH}]`, o.padToMultipleOf);
  if (o.padToken !== undefined && typeof o.padToken !== 'string') badArg(fn, `${arg}.padToken`, 'a string', o.padToken);
  return o as PaddingOptions;
}

/** Pad encodings (and their overflowing parts) in place. */
export function padEncodings(encs: Encoding[], p: PaddingOptions, tokenToId: (t: string) => number | undefined): void {
  let len = p.length === undefined || p.length === 'longest' ? encs.reduce((m, e) => Math.max(m, e.ids.length), 0) : p.length;
  if (p.padToMultipleOf && len % p.padToMultipleOf) len += p.padToMultipleOf - (len % p.padToMultipleOf);
  const padToken = p.padToken ?? '[PAD]';
  const padId = p.padId ?? tokenToId(padToken) ?? 0;
  const typeId = p.padTypeId ?? 0;
  const padOne = (e: Encoding): void => {
    for (const o of e.overflowing) padOne(o);
    const n = len - e.ids.length;
    if (n <= 0) return;
    const fill = <T>(arr: T[], v: T) => { const x = new Array<T>(n).fill(v); if (p.direction === 'left') arr.unshift(...x); else arr.push(...x); };
    fill(e.ids, padId); fill(e.tokens, padToken); fill(e.typeIds, typeId); fill(e.attentionMask, 0); fill(e.specialTokensMask, 1);
    fill(e.offsets, [0, 0] as [number, number]);
    if (p.direction === 'left') for (let i = 0; i < n; i++) e.offsets[i] = [0, 0];
    else for (let i = e.offsets.length - n; i < e.offsets.length; i++) e.offsets[i] = [0, 0];
  };
  for (const e of encs) padOne(e);
}
