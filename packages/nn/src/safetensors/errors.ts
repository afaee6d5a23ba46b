import { TesseraError } from '@tessera/core';

/** Stable codes of every safetensors failure; the message names the file part, tensor and field. */
export type SafetensorsErrorCode =
  | 'ERR_SAFETENSORS_HEADER_LENGTH' // the 8-byte length is missing, or points past the end of the file
  | 'ERR_SAFETENSORS_HEADER_TOO_LARGE' // the header is above the size limit (100 MB by default)
  | 'ERR_SAFETENSORS_HEADER_UTF8' // the header bytes are not valid UTF-8
  | 'ERR_SAFETENSORS_HEADER_JSON' // not JSON, or not a JSON object
  | 'ERR_SAFETENSORS_ENTRY' // a tensor entry is not {dtype, shape, data_offsets}
  | 'ERR_SAFETENSORS_DTYPE' // an unknown dtype, or one that cannot be read / written here
  | 'ERR_SAFETENSORS_SHAPE' // a shape that is not a list of non-negative integers
  | 'ERR_SAFETENSORS_OFFSETS' // offsets that are malformed, overlap, leave gaps, or miss the end
  | 'ERR_SAFETENSORS_BYTE_COUNT' // end - begin differs from numel * dtype size
  | 'ERR_SAFETENSORS_TRUNCATED' // offsets run past the end of the file
  | 'ERR_SAFETENSORS_METADATA' // __metadata__ is not a string -> string map
  | 'ERR_SAFETENSORS_RANGE' // an I64 / U64 / U32 value does not fit int32
  | 'ERR_SAFETENSORS_INDEX' // a bad model.safetensors.index.json, or a shard that disagrees with it
  | 'ERR_SAFETENSORS_FILE' // a file that cannot be opened / read / written
  | 'ERR_SAFETENSORS_ARGUMENT'; // a bad argument to a writer / reader (tensor, name, option)

/** Any malformed safetensors file, index or argument. */
export class SafetensorsError extends TesseraError {
  declare readonly code: SafetensorsErrorCode;
  constructor(code: SafetensorsErrorCode, message: string) {
    super(code, message);
  }
}
