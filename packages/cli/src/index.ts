/** @tessera/cli — the `tessera` command, and its pieces for programs that embed it. */
export { main, program } from './program.js';
export { UsageError } from './errors.js';
export { planTraining, formatPlan, fmtBytes, fmtCount, WEIGHT_BYTES, ACTIVATION_BYTES, CHINCHILLA_TOKENS_PER_PARAM, type PlanInput, type PlanResult, type PlanLine, type PlanDType, type PlanOptimizer } from './plan.js';
export { lossSvg, lossSpec, writeLossPlot, type LossPoint } from './plot.js';
export { MetricsLog, type MetricsLine } from './metrics.js';
export { progress, type Progress } from './progress.js';
export { useBackend, backendLabel, BACKENDS } from './backend.js';
export { runTrain, type TrainOptions } from './commands/train.js';
export { loadTokenizer, saveTokenizer, eosId } from './tokenizer.js';
