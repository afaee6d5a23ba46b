import type { Tensor } from './tensor.js';

const EDGE = 3;
const SUMMARIZE_OVER = 1000;

/** PyTorch-like printing: `tensor([[ 1.0000, -2.5000], ...], dtype=float16)`. */
export function formatTensor(t: Tensor, values: ArrayLike<number> | null): string {
  const extras: string[] = [];
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') extras.push(`dtype=${t.dtype}`);
  if (t.backend !== 'cpu') extras.push(`backend=${t.backend}`);
  if (t.requiresGrad) extras.push(t.node ? `gradFn=${t.node.op}` : 'requiresGrad=true');
  const tail = extras.length ? `, ${extras.join(', ')}` : '';
  if (!values) return `tensor(<async: await t.data()>, shape=[${t.shape.join(', ')}]${tail})`;

  const summarize = t.size > SUMMARIZE_OVER;
  const fmtNum = numberFormatter(t.dtype, values);
  const cells: string[] = [];
  const shown = (d: number, i: number) => !summarize || t.shape[d]! <= 2 * EDGE || i < EDGE || i >= t.shape[d]! - EDGE;
  // first pass: widths
  const strs = new Map<number, string>();
  let width = 0;
  const walk = (d: number, base: number, visit: (flat: number) => void) => {
    if (d === t.ndim) return visit(base);
    const stride = t.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < t.shape[d]!; i++) if (shown(d, i)) walk(d + 1, base + i * stride, visit);
  };
  walk(0, 0, (f) => {
    const s = fmtNum(values[f]!);
    strs.set(f, s);
    width = Math.max(width, s.length);
  });
  const render = (d: number, base: number, indent: number): string => {
    if (d === t.ndim) return strs.get(base)!.padStart(width);
    const stride = t.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    for (let i = 0; i < t.shape[d]!; i++) {
      if (!shown(d, i)) {
        if (i === EDGE) parts.push('...');
        continue;
      }
      parts.push(render(d + 1, base + i * stride, indent + 1));
    }
    const sep = d === t.ndim - 1 ? ', ' : ',' + '\n'.repeat(t.ndim - 1 - d) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  cells.push(render(0, 0, 7));
  return `tensor(${cells.join('')}${tail})`;
}

function numberFormatter(dtype: string, values: ArrayLike<number>): (x: number) => string {
  if (dtype === 'bool') return (x) => (x ? 'True' : 'False');
  if (dtype === 'int32' || dtype === 'int8' || dtype === 'uint8') return (x) => String(x);
  let maxAbs = 0, minAbs = Infinity, allInt = true;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (!Number.isFinite(a)) continue;
    if (a > maxAbs) maxAbs = a;
    if (a !== 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(values[i]!)) allInt = false;
  }
  const sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || (maxAbs / minAbs > 1e3 && !allInt && minAbs < 1e-2);
  return (x) => {
    if (Number.isNaN(x)) return 'nan';
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
    if (sci) return x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    if (allInt) return `${x.toFixed(0)}.`;
    return x.toFixed(4);
  };
}

const MAX_ITEMS = 4;
const MAX_STRING = 40;

/**
 * A short, bounded description of any value for error messages: a tensor as `Tensor[4, 3] float32`,
 * arrays and objects by their first few items, long strings cut. Never serialises whole objects.
 */
export function describe(value: unknown, depth = 0): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'number': case 'boolean': case 'bigint': return String(value);
    case 'string': return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
    case 'symbol': return value.toString();
    case 'function': return `function ${(value as { name?: string }).name || '(anonymous)'}`;
  }
  const o = value as Record<PropertyKey, unknown>;
  if (o[Symbol.for('@tessera/core/tensor')] === true) {
    const t = value as Tensor;
    return `Tensor[${t.shape.join(', ')}] ${t.dtype}${t.isDisposed ? ' (disposed)' : ''}`;
  }
  if (depth >= 2) return Array.isArray(value) ? `array(${value.length})` : (o.constructor as { name?: string } | undefined)?.name ?? 'object';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => describe(v, depth + 1));
    return `[${items.join(', ')}${value.length > MAX_ITEMS ? `, … ${value.length - MAX_ITEMS} more` : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length ?? value.byteLength})`;
  const name = (o.constructor as { name?: string } | undefined)?.name;
  if (name && name !== 'Object') return name;
  const keys = Object.keys(o);
  const shown = keys.slice(0, MAX_ITEMS).map((k) => `${k}: ${describe(o[k], depth + 1)}`);
  return `{${shown.join(', ')}${keys.length > MAX_ITEMS ? ', …' : ''}}`;
}
