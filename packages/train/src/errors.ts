import { TesseraError } from '@tessera/core';

/** Bad arguments to an optimizer, schedule, data source or trainer. */
export class TrainError extends TesseraError {
  constructor(message: string, code = 'ERR_ARGUMENT') {
    super(code, message);
  }
}

/** A data file or folder that cannot be read or is malformed (names the file and, for JSONL, the line). */
export class DataError extends TesseraError {
  constructor(message: string, code = 'ERR_DATA') {
    super(code, message);
  }
}

/** A checkpoint folder that is missing, incomplete or does not fit the model. */
export class CheckpointError extends TesseraError {
  constructor(message: string, code = 'ERR_CHECKPOINT') {
    super(code, message);
  }
}
