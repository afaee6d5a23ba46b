/**
 * @tessera/train — optimizers, learning-rate schedules, gradient clipping, token data on disk and
 * a Trainer with atomic, exactly resumable checkpoints.
 */
export { TrainError, DataError, CheckpointError } from './errors.js';
export { Optimizer, type GroupOptions, type ParamGroup, type ParamGroupInput, type ParamsOrGroups, type ParamState, type OptimizerStateDict } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adamw.js';
export { configureOptimizers, type HasNamedParameters } from './optim/configure.js';
export { clipGradNorm } from './clip.js';
export {
  makeSchedule, constantSchedule, linearSchedule, cosineSchedule, inverseSqrtSchedule, SCHEDULE_NAMES,
  type Schedule, type ScheduleName, type ScheduleOptions,
} from './schedules.js';
export { openDataSource, readDocuments, type DataSource, type DataFormat, type SourceFile, type TextPiece } from './data/sources.js';
export { prepareTokens, TokenFile, type TokenFileHeader, type TokenDType, type PrepareTokensOptions } from './data/token-file.js';
export { TokenRange, TokenArray, trainValSplit, unigramBaseline, type BatchSource } from './data/blocks.js';
export {
  saveCheckpoint, loadCheckpoint, listCheckpoints, latestCheckpoint, TRAINER_STATE_NAME, OPTIMIZER_NAME,
  type SavableModel, type CheckpointContents,
} from './checkpoint.js';
export {
  Trainer, DEFAULT_ARGS, type TrainingArgs, type TrainerOptions, type TrainerCallbacks, type TrainerState,
  type StepMetrics, type EvalMetrics, type TrainableModel,
} from './trainer.js';
