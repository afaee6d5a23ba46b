export { SafetensorsError, type SafetensorsErrorCode } from './errors.js';
export {
  SAFETENSORS_DTYPES, ST_SIZE as SAFETENSORS_DTYPE_SIZE, ST_TO_CORE as SAFETENSORS_READ_AS,
  CORE_TO_ST as SAFETENSORS_WRITE_AS, type SafetensorsDType,
} from './dtypes.js';
export {
  MAX_HEADER_SIZE, parseSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo, type HeaderOptions,
} from './header.js';
export type { ReadOptions as SafetensorsReadOptions } from './decode.js';
export { readSafetensors, type SafetensorsContent } from './read.js';
export { writeSafetensors, writeSafetensorsAsync } from './write.js';
export { loadSafetensorsFile, saveSafetensorsFile, readSafetensorsHeader } from './file.js';
export {
  SAFETENSORS_WEIGHTS_NAME, SAFETENSORS_INDEX_NAME, DEFAULT_MAX_SHARD_SIZE, parseShardSize, parseSafetensorsIndex,
  loadShardedSafetensors, planShards, formatSafetensorsIndex, saveShardedSafetensors, loadSafetensorsCheckpoint,
  type SafetensorsIndex, type ShardedContent, type ShardPlan, type SaveShardedOptions,
} from './sharded.js';
