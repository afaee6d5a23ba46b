/**
 * The course notes' memory and compute arithmetic for a model of N parameters, each number with the
 * line that explains it: weights at 4 / 2 / 1 bytes a parameter; training with Adam at fp32 ≈ 24
 * bytes a parameter (weights 4 + gradients 4 + two Adam moments 8 + activations and temporaries ≈ 8);
 * per-GPU memory under DDP and ZeRO stages 1-3; Chinchilla's ≈ 20 tokens a parameter; training
 * compute ≈ 6·N·D FLOPs, in petaflop/s-days.
 */
export type PlanDType = 'fp32' | 'fp16' | 'bf16' | 'int8';
export type PlanOptimizer = 'adamw' | 'sgd';

export interface PlanInput { params: number; dtype: PlanDType; optimizer: PlanOptimizer; gpus: number; zero: 0 | 1 | 2 | 3; tokens?: number }

export interface PlanLine { name: string; value: number; unit: string; explain: string }

export interface PlanResult {
  input: PlanInput;
  bytesPerParam: { weights: number; gradients: number; optimizer: number; activations: number; training: number } | null;
  inferenceBytes: number;
  trainingBytes: number | null;
  perGpuBytes: { ddp: number; zero1: number; zero2: number; zero3: number; chosen: number } | null;
  tokens: number;
  flops: number;
  petaflopDays: number;
  lines: PlanLine[];
}

export const WEIGHT_BYTES: Record<PlanDType, number> = { fp32: 4, fp16: 2, bf16: 2, int8: 1 };
/** Activations and temporaries, per parameter (the notes' rough rule, at fp32). */
export const ACTIVATION_BYTES = 8;
export const CHINCHILLA_TOKENS_PER_PARAM = 20;
const PF_DAY = 1e15 * 86400;

export const GB = 1e9;
export const fmtBytes = (b: number) => (b >= 1e12 ? `${(b / 1e12).toFixed(2)} TB` : b >= GB ? `${(b / GB).toFixed(2)} GB` : `${(b / 1e6).toFixed(2)} MB`);
export const fmtCount = (n: number) => (n >= 1e12 ? `${+(n / 1e12).toFixed(2)}T` : n >= 1e9 ? `${+(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${+(n / 1e6).toFixed(2)}M` : `${n}`);

export function planTraining(input: PlanInput): PlanResult {
  const { params: N, dtype, optimizer, gpus, zero } = input;
  const w = WEIGHT_BYTES[dtype];
  const lines: PlanLine[] = [];
  const inferenceBytes = N * w;
  lines.push({ name: 'weights (inference)', value: inferenceBytes, unit: 'bytes', explain: `${fmtCount(N)} parameters × ${w} byte${w > 1 ? 's' : ''} (${dtype})` });

  let bytesPerParam: PlanResult['bytesPerParam'] = null;
  let trainingBytes: number | null = null;
  let perGpuBytes: PlanResult['perGpuBytes'] = null;
  if (dtype !== 'int8') {
    // 16-bit training keeps an fp32 master copy beside the 16-bit weights (mixed precision)
    const master = dtype === 'fp32' ? 0 : 4;
    const states = optimizer === 'adamw' ? 8 : 4;
    const opt = master + states;
    bytesPerParam = { weights: w, gradients: w, optimizer: opt, activations: ACTIVATION_BYTES, training: w + w + opt + ACTIVATION_BYTES };
    trainingBytes = N * bytesPerParam.training;
    const optExplain = optimizer === 'adamw' ? 'two Adam moments (m, v) at fp32 8' : 'SGD momentum at fp32 4';
    lines.push({
      name: `training (${optimizer === 'adamw' ? 'AdamW' : 'SGD with momentum'})`, value: trainingBytes, unit: 'bytes',
      explain: `weights ${w} + gradients ${w} + ${master ? 'fp32 master weights 4 + ' : ''}${optExplain} + activations and temporaries ≈ ${ACTIVATION_BYTES} = ${bytesPerParam.training} bytes a parameter`,
    });
    const W = N * w, G = N * w, O = N * opt, A = N * ACTIVATION_BYTES;
    const n = gpus;
    perGpuBytes = { ddp: W + G + O + A, zero1: W + G + O / n + A, zero2: W + (G + O) / n + A, zero3: (W + G + O) / n + A, chosen: 0 };
    perGpuBytes.chosen = [perGpuBytes.ddp, perGpuBytes.zero1, perGpuBytes.zero2, perGpuBytes.zero3][zero]!;
    if (gpus > 1 || zero > 0) {
      lines.push({ name: `per GPU, DDP (${n} GPUs)`, value: perGpuBytes.ddp, unit: 'bytes', explain: 'every GPU holds all weights, gradients and optimizer states' });
      lines.push({ name: 'per GPU, ZeRO-1', value: perGpuBytes.zero1, unit: 'bytes', explain: `optimizer states sharded: ${fmtBytes(O)} / ${n}` });
      lines.push({ name: 'per GPU, ZeRO-2', value: perGpuBytes.zero2, unit: 'bytes', explain: `+ gradients sharded: (${fmtBytes(G)} + ${fmtBytes(O)}) / ${n}` });
      lines.push({ name: 'per GPU, ZeRO-3', value: perGpuBytes.zero3, unit: 'bytes', explain: `+ parameters sharded: (${fmtBytes(W)} + ${fmtBytes(G)} + ${fmtBytes(O)}) / ${n}; activations stay per GPU` });
    }
  }
  const tokens = input.tokens ?? CHINCHILLA_TOKENS_PER_PARAM * N;
  lines.push({
    name: 'training tokens', value: tokens, unit: 'tokens',
    explain: input.tokens ? 'as given (--tokens)' : `Chinchilla: ≈ ${CHINCHILLA_TOKENS_PER_PARAM} tokens a parameter × ${fmtCount(N)}`,
  });
  const flops = 6 * N * tokens;
  const petaflopDays = flops / PF_DAY;
  lines.push({ name: 'training compute', value: flops, unit: 'FLOPs', explain: `≈ 6 × N × D = 6 × ${fmtCount(N)} × ${fmtCount(tokens)} (2 forward + 4 backward per parameter and token)` });
  lines.push({ name: 'in petaflop/s-days', value: petaflopDays, unit: 'PF-days', explain: `FLOPs / (10^15 FLOP/s × 86,400 s)` });
  return { input, bytesPerParam, inferenceBytes, trainingBytes, perGpuBytes, tokens, flops, petaflopDays, lines };
}

export function formatPlan(r: PlanResult): string {
  const val = (l: PlanLine) => (l.unit === 'bytes' ? fmtBytes(l.value) : l.unit === 'tokens' ? `${fmtCount(l.value)} tokens` : l.unit === 'FLOPs' ? `${l.value.toExponential(2)} FLOPs` : `${l.value.toPrecision(4)} PF-days`);
  const w = Math.max(...r.lines.map((l) => l.name.length));
  const out = [`plan for ${fmtCount(r.input.params)} parameters, ${r.input.dtype}, ${r.input.optimizer}, ${r.input.gpus} GPU${r.input.gpus > 1 ? 's' : ''}${r.input.zero ? `, ZeRO-${r.input.zero}` : ''}`];
  for (const l of r.lines) out.push(`  ${l.name.padEnd(w)}  ${val(l).padStart(16)}   ${l.explain}`);
  if (!r.bytesPerParam) out.push('  training: int8 holds weights for inference; training (and QAT) keeps fp32 or bf16 weights — plan it with --dtype fp32 / bf16');
  return out.join('\n');
}
