/** Error codes raised by @tessera/tokenizers. */
export type TokenizerErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_FIELD'
  | 'UNSUPPORTED'
  | 'INVALID_MODEL_FILE'
  | 'INVALID_VOCAB'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_FORMAT'
  | 'IO';

/** A typed error: `code` says what went wrong, the message names the field or file. */
export class TokenizerError extends Error {
  readonly code: TokenizerErrorCode;
  constructor(code: TokenizerErrorCode, message: string) {
    super(message);
    this.name = 'TokenizerError';
    this.code = code;
  }
}

export function fail(code: TokenizerErrorCode, message: string): never {
  throw new TokenizerError(code, message);
}
