import { TesseraError } from '@tessera/core';

/** A bad generation setting or processor option: the message names the field and what it takes. */
export class GenerationError extends TesseraError {
  constructor(message: string, code = 'ERR_GENERATION_CONFIG') {
    super(code, message);
  }
}
