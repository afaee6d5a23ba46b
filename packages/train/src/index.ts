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
