/**
 * Float64 scalar references, written for this suite (independent of every backend).
 * An `ND` is a row-major float64 array with a shape; every op here is plain loops over it.
 */

export interface ND {
  shape: number[];
  data: Float64Array;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function nd(shape: readonly number[], data?: ArrayLike<number> | ((i: number) => number)): ND {
  const n = numel(shape);
  const out = new Float64Array(n);
  if (typeof data === 'function') for (let i = 0; i < n; i++) out[i] = data(i);
  else if (data) {
    if (data.length !== n) throw new Error(`nd: ${data.length} values for shape [${shape}]`);
    for (let i = 0; i < n; i++) out[i] = Number(data[i]);
  }
  return { shape: [...shape], data: out };
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = i % n;
    i = Math.floor(i / n);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + idx[d]!;
  return i;
}

export const normAxis = (axis: number, ndim: number): number => {
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= Math.max(ndim, 1)) throw new Error(`reference: axis ${axis} out of range for ndim ${ndim}`);
  return a;
};

export function normAxes(axis: number | number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return [...Array(ndim).keys()];
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => normAxis(a, ndim)))].sort((a, b) => a - b);
}

// ---- broadcasting -----------------------------------------------------------------------------

export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = n - s.length + i;
      const v = s[i]!;
      if (out[d] === 1) out[d] = v;
      else if (v !== 1 && v !== out[d]) throw new Error(`reference: cannot broadcast [${shapes.map((x) => `[${x}]`)}]`);
    }
  }
  return out;
}

export function broadcastTo(a: ND, shape: readonly number[]): ND {
  const off = shape.length - a.shape.length;
  const st = stridesOf(a.shape);
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    let j = 0;
    for (let d = 0; d < a.shape.length; d++) if (a.shape[d] !== 1) j += idx[d + off]! * st[d]!;
    return a.data[j]!;
  });
}

export const map = (a: ND, f: (x: number, i: number) => number): ND => nd(a.shape, (i) => f(a.data[i]!, i));

export function zipN(arrs: ND[], f: (...v: number[]) => number): ND {
  const shape = broadcastShapes(...arrs.map((a) => a.shape));
  const bs = arrs.map((a) => broadcastTo(a, shape));
  const vals = new Array<number>(arrs.length);
  return nd(shape, (i) => {
    for (let k = 0; k < bs.length; k++) vals[k] = bs[k]!.data[i]!;
    return f(...vals);
  });
}

export const zip = (a: ND, b: ND, f: (x: number, y: number) => number): ND => zipN([a, b], f);

// ---- reductions -------------------------------------------------------------------------------

/** Collects the values of each output element (in row-major order of the reduced dims). */
export function reduce(
  a: ND,
  axis: number | number[] | undefined,
  keepDim: boolean,
  f: (vals: number[]) => number,
): ND {
  const axes = normAxes(axis, a.shape.length);
  const keepShape = a.shape.map((s, d) => (axes.includes(d) ? 1 : s));
  const buckets: number[][] = Array.from({ length: numel(keepShape) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape);
    for (const d of axes) idx[d] = 0;
    buckets[ravel(idx, keepShape)]!.push(a.data[i]!);
  }
  const outShape = keepDim ? keepShape : a.shape.filter((_, d) => !axes.includes(d));
  return nd(outShape, (i) => f(buckets[i]!));
}

export const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const meanOf = (v: number[]): number => sumOf(v) / v.length;
export const varOf = (v: number[], correction: number): number => {
  const m = meanOf(v);
  return sumOf(v.map((x) => (x - m) ** 2)) / Math.max(0, v.length - correction);
};
export const argmaxOf = (v: number[]): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]! || (Number.isNaN(v[i]!) && !Number.isNaN(v[best]!))) best = i;
  return best;
};
export const logSumExpOf = (v: number[]): number => {
  const m = Math.max(...v);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(sumOf(v.map((x) => Math.exp(x - m))));
};

// ---- movement ---------------------------------------------------------------------------------

export function permute(a: ND, dims: readonly number[]): ND {
  const nd_ = a.shape.length;
  const p = dims.map((d) => normAxis(d, nd_));
  const shape = p.map((d) => a.shape[d]!);
  const st = stridesOf(a.shape);
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    let j = 0;
    for (let k = 0; k < p.length; k++) j += idx[k]! * st[p[k]!]!;
    return a.data[j]!;
  });
}

export function transpose(a: ND, d0: number, d1: number): ND {
  const p = [...a.shape.keys()];
  const x = normAxis(d0, a.shape.length), y = normAxis(d1, a.shape.length);
  [p[x], p[y]] = [p[y]!, p[x]!];
  return permute(a, p);
}

export function sliceND(a: ND, dim: number, start: number, end: number, step = 1): ND {
  const d = normAxis(dim, a.shape.length);
  const len = Math.max(0, Math.ceil((end - start) / step));
  const shape = a.shape.map((s, k) => (k === d ? len : s));
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    idx[d] = start + idx[d]! * step;
    return a.data[ravel(idx, a.shape)]!;
  });
}

export const reshape = (a: ND, shape: readonly number[]): ND => {
  const s = [...shape];
  const neg = s.indexOf(-1);
  if (neg >= 0) s[neg] = a.data.length / numel(s.filter((_, i) => i !== neg));
  if (numel(s) !== a.data.length) throw new Error(`reference: reshape [${a.shape}] -> [${shape}]`);
  return { shape: s, data: a.data.slice() };
};

export function cat(arrs: ND[], dim: number): ND {
  const d = normAxis(dim, arrs[0]!.shape.length);
  const shape = [...arrs[0]!.shape];
  shape[d] = sumOf(arrs.map((a) => a.shape[d]!));
  const owner: number[] = [], local: number[] = [];
  arrs.forEach((a, k) => { for (let j = 0; j < a.shape[d]!; j++) { owner.push(k); local.push(j); } });
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    const k = owner[idx[d]!]!;
    idx[d] = local[idx[d]!]!;
    return arrs[k]!.data[ravel(idx, arrs[k]!.shape)]!;
  });
}

export function stack(arrs: ND[], dim: number): ND {
  const d = dim < 0 ? dim + arrs[0]!.shape.length + 1 : dim;
  const ex = arrs.map((a) => reshape(a, [...a.shape.slice(0, d), 1, ...a.shape.slice(d)]));
  return cat(ex, d);
}

/** torch.nn.functional.pad order: last dim first, [left, right, top, bottom, ...]; non-negative pads. */
export function pad(a: ND, pads: readonly number[], value: number): ND {
  const shape = [...a.shape];
  const before = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    const d = shape.length - 1 - k;
    before[d] = pads[2 * k]!;
    shape[d] = shape[d]! + pads[2 * k]! + pads[2 * k + 1]!;
  }
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    for (let d = 0; d < idx.length; d++) {
      idx[d] = idx[d]! - before[d]!;
      if (idx[d]! < 0 || idx[d]! >= a.shape[d]!) return value;
    }
    return a.data[ravel(idx, a.shape)]!;
  });
}

export function splitSizes(n: number, sizeOrSections: number | number[]): number[] {
  if (Array.isArray(sizeOrSections)) return sizeOrSections;
  const out: number[] = [];
  for (let s = 0; s < n; s += sizeOrSections) out.push(Math.min(sizeOrSections, n - s));
  return out;
}

export function split(a: ND, sizeOrSections: number | number[], dim: number): ND[] {
  const d = normAxis(dim, a.shape.length);
  const out: ND[] = [];
  let s = 0;
  for (const len of splitSizes(a.shape[d]!, sizeOrSections)) {
    out.push(sliceND(a, d, s, s + len));
    s += len;
  }
  return out;
}

/** tril (keep j - i <= diagonal) / triu (keep j - i >= diagonal) over the last two dims. */
export function triangle(a: ND, diagonal: number, upper: boolean): ND {
  const r = a.shape.length;
  return map(a, (x, i) => {
    const idx = unravel(i, a.shape);
    const dj = idx[r - 1]! - idx[r - 2]!;
    return (upper ? dj >= diagonal : dj <= diagonal) ? x : 0;
  });
}

// ---- linear algebra and nn ----------------------------------------------------------------------

export function matmul(a: ND, b: ND): ND {
  const A = a.shape.length === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const B = b.shape.length === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const [m, k] = A.shape.slice(-2) as [number, number];
  const [k2, n] = B.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`reference: matmul [${a.shape}] @ [${b.shape}]`);
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const Ab = broadcastTo(A, [...batch, m, k]), Bb = broadcastTo(B, [...batch, k, n]);
  const nb = numel(batch);
  const out = new Float64Array(nb * m * n);
  for (let q = 0; q < nb; q++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += Ab.data[q * m * k + i * k + p]! * Bb.data[q * k * n + p * n + j]!;
        out[q * m * n + i * n + j] = s;
      }
  let shape = [...batch, m, n];
  if (a.shape.length === 1) shape = [...batch, n];
  if (b.shape.length === 1) shape = a.shape.length === 1 ? [...batch] : [...batch, m];
  return { shape, data: out };
}

/** Applies `f` to every 1-D line along `axis` (the line is replaced by f's result of the same length). */
export function alongAxis(a: ND, axis: number, f: (line: number[]) => number[]): ND {
  const d = normAxis(axis, a.shape.length);
  const moved = permute(a, [...[...a.shape.keys()].filter((k) => k !== d), d]);
  const n = a.shape[d]!;
  const out = new Float64Array(moved.data.length);
  for (let o = 0; o < moved.data.length; o += n) out.set(f(Array.from(moved.data.subarray(o, o + n))), o);
  const back = [...a.shape.keys()].filter((k) => k !== d);
  const inv = new Array<number>(a.shape.length);
  [...back, d].forEach((src, pos) => { inv[src] = pos; });
  return permute({ shape: moved.shape, data: out }, inv);
}

export const softmax = (a: ND, axis = -1): ND =>
  alongAxis(a, axis, (v) => { const l = logSumExpOf(v); return v.map((x) => Math.exp(x - l)); });
export const logSoftmax = (a: ND, axis = -1): ND =>
  alongAxis(a, axis, (v) => { const l = logSumExpOf(v); return v.map((x) => x - l); });

export function layerNorm(x: ND, normalizedShape: number[], w?: ND, b?: ND, eps = 1e-5): ND {
  const n = numel(normalizedShape);
  return lines(x, n, (v) => {
    const m = meanOf(v), vr = varOf(v, 0);
    const r = 1 / Math.sqrt(vr + eps);
    return v.map((t, j) => (t - m) * r * (w ? w.data[j]! : 1) + (b ? b.data[j]! : 0));
  });
}

export function rmsNorm(x: ND, normalizedShape: number[], w?: ND, eps = 1e-6): ND {
  const n = numel(normalizedShape);
  return lines(x, n, (v) => {
    const r = 1 / Math.sqrt(meanOf(v.map((t) => t * t)) + eps);
    return v.map((t, j) => t * r * (w ? w.data[j]! : 1));
  });
}

/** Applies f to each contiguous run of n trailing elements. */
function lines(x: ND, n: number, f: (v: number[]) => number[]): ND {
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < x.data.length; o += n) out.set(f(Array.from(x.data.subarray(o, o + n))), o);
  return { shape: [...x.shape], data: out };
}

export function crossEntropy(
  logits: ND,
  target: ND,
  opts: { ignoreIndex?: number; labelSmoothing?: number; reduction?: 'mean' | 'sum' | 'none' } = {},
): ND {
  const ignore = opts.ignoreIndex ?? -100, s = opts.labelSmoothing ?? 0, red = opts.reduction ?? 'mean';
  const [N, C] = logits.shape as [number, number];
  const lp = logSoftmax(logits, 1);
  const per = new Float64Array(N);
  let count = 0;
  for (let i = 0; i < N; i++) {
    const t = target.data[i]!;
    if (t === ignore) continue;
    count++;
    let all = 0;
    for (let c = 0; c < C; c++) all += lp.data[i * C + c]!;
    per[i] = -(1 - s) * lp.data[i * C + t]! - (s / C) * all;
  }
  if (red === 'none') return { shape: [N], data: per };
  const tot = sumOf(Array.from(per));
  return nd([], [red === 'sum' ? tot : tot / count]);
}

export function gather(x: ND, dim: number, index: ND): ND {
  const d = normAxis(dim, x.shape.length);
  return nd(index.shape, (i) => {
    const idx = unravel(i, index.shape);
    idx[d] = index.data[i]!;
    return x.data[ravel(idx, x.shape)]!;
  });
}

export function indexSelect(x: ND, dim: number, index: ND): ND {
  const d = normAxis(dim, x.shape.length);
  const shape = x.shape.map((s, k) => (k === d ? index.data.length : s));
  return nd(shape, (i) => {
    const idx = unravel(i, shape);
    idx[d] = index.data[idx[d]!]!;
    return x.data[ravel(idx, x.shape)]!;
  });
}

export function embedding(indices: ND, weight: ND): ND {
  const D = weight.shape[1]!;
  return nd([...indices.shape, D], (i) => weight.data[indices.data[Math.floor(i / D)]! * D + (i % D)]!);
}

export function scatterAdd(x: ND, dim: number, index: ND, src: ND): ND {
  const d = normAxis(dim, x.shape.length);
  const out = { shape: [...x.shape], data: x.data.slice() };
  for (let i = 0; i < index.data.length; i++) {
    const idx = unravel(i, index.shape);
    const srcIdx = ravel(idx, src.shape);
    idx[d] = index.data[i]!;
    out.data[ravel(idx, x.shape)]! += src.data[srcIdx]!;
  }
  return out;
}

export function attention(
  q: ND,
  k: ND,
  v: ND,
  opts: { mask?: ND; maskIsBool?: boolean; causal?: boolean; scale?: number } = {},
): ND {
  const d = q.shape[q.shape.length - 1]!;
  const tq = q.shape[q.shape.length - 2]!, tk = k.shape[k.shape.length - 2]!;
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  let s = map(matmul(q, transpose(k, -1, -2)), (x) => x * scale);
  if (opts.mask) {
    s = opts.maskIsBool
      ? zip(s, opts.mask, (x, m) => (m ? x : -Infinity))
      : zip(s, opts.mask, (x, m) => x + m);
  }
  if (opts.causal) {
    s = map(s, (x, i) => {
      const idx = unravel(i, s.shape);
      const qi = idx[idx.length - 2]!, kj = idx[idx.length - 1]!;
      return kj <= qi + (tk - tq) ? x : -Infinity;
    });
  }
  return matmul(softmax(s, -1), v);
}

export interface AdamWOpts { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number }

export function adamw(p: ND, g: ND, m: ND, v: ND, o: AdamWOpts): { param: ND; m: ND; v: ND } {
  const m2 = zip(m, g, (a, b) => o.beta1 * a + (1 - o.beta1) * b);
  const v2 = zip(v, g, (a, b) => o.beta2 * a + (1 - o.beta2) * b * b);
  const bc1 = 1 - o.beta1 ** o.step, bc2 = 1 - o.beta2 ** o.step;
  const p2 = zipN([p, m2, v2], (pp, mm, vv) => pp - o.lr * (o.weightDecay * pp + mm / bc1 / (Math.sqrt(vv / bc2) + o.eps)));
  return { param: p2, m: m2, v: v2 };
}

// ---- scalar functions ---------------------------------------------------------------------------

/** erf to ~1e-15 relative: all-positive series (A&S 7.1.6), no cancellation; smooth in x. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a, sum = a;
  const t2 = 2 * a * a;
  for (let n = 1; n < 400; n++) {
    term *= t2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const geluErf = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const geluTanh = (x: number): number =>
  0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
