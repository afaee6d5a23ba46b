// A GPT-2 for inference benchmarks, shared by every impl: seeded weights under HF's names, the ONNX
// graph of the same model (prefill with optional presents, or one decode step over past K/V), and a
// float64 forward pass as the reference. Logits are those of the last position only ([B, V]), as a
// generate() loop needs: every impl computes the LM head for one position.
import { buildModel } from './onnx.mjs';
import { rng } from './data.mjs';

/** [name, shape] of every tensor, in HF's GPT2LMHeadModel layout (Conv1D weights [in, out]). */
export function gpt2Shapes({ layers, dim: C, vocab: V, positions: P }) {
  const out = [['transformer.wte.weight', [V, C]], ['transformer.wpe.weight', [P, C]]];
  for (let l = 0; l < layers; l++) {
    const h = `transformer.h.${l}`;
    out.push([`${h}.ln_1.weight`, [C]], [`${h}.ln_1.bias`, [C]], [`${h}.attn.c_attn.weight`, [C, 3 * C]], [`${h}.attn.c_attn.bias`, [3 * C]],
      [`${h}.attn.c_proj.weight`, [C, C]], [`${h}.attn.c_proj.bias`, [C]], [`${h}.ln_2.weight`, [C]], [`${h}.ln_2.bias`, [C]],
      [`${h}.mlp.c_fc.weight`, [C, 4 * C]], [`${h}.mlp.c_fc.bias`, [4 * C]], [`${h}.mlp.c_proj.weight`, [4 * C, C]], [`${h}.mlp.c_proj.bias`, [C]]);
  }
  out.push(['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]]);
  return out;
}

/** Seeded weights: N(0, 0.02²)-sized uniform values, norm gains near 1. */
export function gpt2Weights(p, seed) {
  const r = rng(seed);
  const w = {};
  for (const [name, shape] of gpt2Shapes(p)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    const gain = /ln_.*weight$/.test(name);
    for (let i = 0; i < n; i++) a[i] = gain ? 1 + 0.1 * (r() - 0.5) : 0.07 * (r() - 0.5);
    w[name] = a;
  }
  return w;
}

const i64 = (values) => BigInt64Array.from(values.map(BigInt));

/**
 * The ONNX graph: `T` new tokens per row after `past` cached ones. Inputs ids / pos int64 [B, T] (and
 * past_k_l / past_v_l [B, H, past, D]); outputs logits [B, 1, V] of the last position (and, with
 * `presents`, present_k_l / present_v_l [B, H, past + T, D]).
 */
export function gpt2Onnx(p, weights, { batch: B, T, past = 0, presents = false }) {
  const { layers, heads: H, dim: C, vocab: V } = p, D = C / H, S = past + T, eps = 1e-5;
  const nodes = [];
  const n = (op, inputs, outputs, attrs) => { nodes.push({ op, inputs, outputs, attrs }); return outputs[0]; };
  const inits = Object.entries(weights).map(([name, data]) => ({ name, shape: gpt2Shapes(p).find(([k]) => k === name)[1], data }));
  const init = (name, shape, data) => { inits.push({ name, shape, data }); return name; };
  init('split3', [3], i64([C, C, C]));
  init('heads', [4], i64([0, 0, H, D]));
  init('merged', [3], i64([0, 0, C]));
  init('scale', [], new Float32Array([1 / Math.sqrt(D)]));
  if (T > 1) {
    const mask = new Float32Array(T * S);
    for (let i = 0; i < T; i++) for (let j = 0; j < S; j++) mask[i * S + j] = j > past + i ? -1e9 : 0;
    init('causal', [T, S], mask);
  }
  const inputs = [{ name: 'ids', shape: [B, T], type: 'int64' }, { name: 'pos', shape: [B, T], type: 'int64' }];
  const outputs = [{ name: 'logits', shape: [B, 1, V] }];
  let x = n('Add', [n('Gather', ['transformer.wte.weight', 'ids'], ['tok']), n('Gather', ['transformer.wpe.weight', 'pos'], ['posemb'])], ['x0']);
  const ln = (pre, src, out) => n('LayerNormalization', [src, `${pre}.weight`, `${pre}.bias`], [out], { axis: -1, epsilon: eps });
  const linear = (pre, src, out) => n('Add', [n('MatMul', [src, `${pre}.weight`], [`${out}_mm`]), `${pre}.bias`], [out]);
  for (let l = 0; l < layers; l++) {
    const h = `transformer.h.${l}`, t = (s) => `l${l}_${s}`;
    const qkv = linear(`${h}.attn.c_attn`, ln(`${h}.ln_1`, x, t('ln1')), t('qkv'));
    n('Split', [qkv, 'split3'], [t('q'), t('k'), t('v')], { axis: -1 });
    const headsOf = (s) => n('Transpose', [n('Reshape', [t(s), 'heads'], [t(`${s}_r`)])], [t(`${s}_h`)], { perm: [0, 2, 1, 3] });
    let [k, v] = [headsOf('k'), headsOf('v')];
    const q = headsOf('q');
    if (past) {
      inputs.push({ name: `past_k_${l}`, shape: [B, H, past, D] }, { name: `past_v_${l}`, shape: [B, H, past, D] });
      k = n('Concat', [`past_k_${l}`, k], [t('kall')], { axis: 2 });
      v = n('Concat', [`past_v_${l}`, v], [t('vall')], { axis: 2 });
    }
    if (presents) {
      k = n('Identity', [k], [`present_k_${l}`]);
      v = n('Identity', [v], [`present_v_${l}`]);
      outputs.push({ name: `present_k_${l}`, shape: [B, H, S, D] }, { name: `present_v_${l}`, shape: [B, H, S, D] });
    }
    let s = n('Mul', [n('MatMul', [q, n('Transpose', [k], [t('kT')], { perm: [0, 1, 3, 2] })], [t('s0')]), 'scale'], [t('s1')]);
    if (T > 1) s = n('Add', [s, 'causal'], [t('s2')]);
    const ctx = n('MatMul', [n('Softmax', [s], [t('p')], { axis: -1 }), v], [t('ctx')]);
    const merged = n('Reshape', [n('Transpose', [ctx], [t('ctx_t')], { perm: [0, 2, 1, 3] }), 'merged'], [t('ctx_m')]);
    const a = n('Add', [x, linear(`${h}.attn.c_proj`, merged, t('attn'))], [t('x1')]);
    const f = n('Gelu', [linear(`${h}.mlp.c_fc`, ln(`${h}.ln_2`, a, t('ln2')), t('fc'))], [t('gelu')], { approximate: 'tanh' });
    x = n('Add', [a, linear(`${h}.mlp.c_proj`, f, t('mlp'))], [t('x2')]);
  }
  init('lastStart', [1], i64([T - 1]));
  init('lastEnd', [1], i64([T]));
  init('axis1', [1], i64([1]));
  const last = n('Slice', [ln('transformer.ln_f', x, 'lnf'), 'lastStart', 'lastEnd', 'axis1'], ['last']);
  n('MatMul', [last, n('Transpose', ['transformer.wte.weight'], ['wteT'], { perm: [1, 0] })], ['logits']);
  return buildModel({ name: 'gpt2', inputs, outputs, nodes, initializers: inits });
}

/** float64 forward of every position of ids [B][T]; returns the last position's logits [B * V]. */
export function gpt2Reference64(p, w, ids) {
  const { layers, heads: H, dim: C, vocab: V } = p, D = C / H, B = ids.length, T = ids[0].length;
  const ln = (x, g, b) => {
    const mu = x.reduce((a, v) => a + v, 0) / x.length;
    const va = x.reduce((a, v) => a + (v - mu) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mu) / Math.sqrt(va + 1e-5)) * g[i] + b[i]);
  };
  const lin = (x, W, b, out) => Array.from({ length: out }, (_, j) => x.reduce((a, v, i) => a + v * W[i * out + j], b[j]));
  const gelu = (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const out = [];
  for (let b = 0; b < B; b++) {
    let xs = ids[b].map((id, t) => Array.from({ length: C }, (_, c) => w['transformer.wte.weight'][id * C + c] + w['transformer.wpe.weight'][t * C + c]));
    for (let l = 0; l < layers; l++) {
      const g = (s) => w[`transformer.h.${l}.${s}`];
      const qkv = xs.map((x) => lin(ln(x, g('ln_1.weight'), g('ln_1.bias')), g('attn.c_attn.weight'), g('attn.c_attn.bias'), 3 * C));
      const att = xs.map((_, i) => {
        const o = new Array(C).fill(0);
        for (let h = 0; h < H; h++) {
          const sc = Array.from({ length: i + 1 }, (_, j) => {
            let d = 0;
            for (let e = 0; e < D; e++) d += qkv[i][h * D + e] * qkv[j][C + h * D + e];
            return d / Math.sqrt(D);
          });
          const m = Math.max(...sc), ex = sc.map((s) => Math.exp(s - m)), z = ex.reduce((a, v) => a + v, 0);
          for (let j = 0; j <= i; j++) for (let e = 0; e < D; e++) o[h * D + e] += (ex[j] / z) * qkv[j][2 * C + h * D + e];
        }
        return o;
      });
      xs = xs.map((x, i) => {
        const a = lin(att[i], g('attn.c_proj.weight'), g('attn.c_proj.bias'), C).map((v, c) => v + x[c]);
        const f = lin(ln(a, g('ln_2.weight'), g('ln_2.bias')), g('mlp.c_fc.weight'), g('mlp.c_fc.bias'), 4 * C).map(gelu);
        return lin(f, g('mlp.c_proj.weight'), g('mlp.c_proj.bias'), C).map((v, c) => v + a[c]);
      });
    }
    const last = ln(xs[T - 1], w['transformer.ln_f.weight'], w['transformer.ln_f.bias']);
    for (let v = 0; v < V; v++) out.push(last.reduce((a, x, c) => a + x * w['transformer.wte.weight'][v * C + c], 0));
  }
  return out;
}
