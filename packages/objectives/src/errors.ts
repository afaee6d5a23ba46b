import { TesseraError } from '@tessera/core';

/** Bad arguments to a collator or objective. */
export class ObjectiveError extends TesseraError {
  constructor(message: string, code = 'ERR_ARGUMENT') {
    super(code, message);
  }
}
