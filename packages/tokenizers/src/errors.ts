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
    this.name = new.target.name;
    this.code = code;
  }
}

/** A file (tokenizer.json, vocab, .model, .tiktoken) that is malformed or not supported; the message names the field. */
export class TokenizerFileError extends TokenizerError {}
/** A bad argument to a public function; the message names the function and the argument. */
export class TokenizerArgumentError extends TokenizerError {
  constructor(message: string) { super('INVALID_ARGUMENT', message); }
}
/** A file that cannot be read or written. */
export class TokenizerIOError extends TokenizerError {
  constructor(message: string) { super('IO', message); }
}

/** The error class of a code. */
export function tokenizerError(code: TokenizerErrorCode, message: string): TokenizerError {
  if (code === 'INVALID_ARGUMENT') return new TokenizerArgumentError(message);
  if (code === 'IO') return new TokenizerIOError(message);
  return new TokenizerFileError(code, message);
}

export function fail(code: TokenizerErrorCode, message: string): never {
  throw tokenizerError(code, message);
}

/**
 * A short description of any value for an error message: never walks a large value (a vocabulary,
 * a buffer) and never throws (cycles, getters, symbols).
 */
export function describe(v: unknown, max = 60): string {
  try {
    let s: string;
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (typeof v === 'string') s = JSON.stringify(v.length > max ? v.slice(0, max) : v) + (v.length > max ? `… (${v.length} chars)` : '');
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v) + (typeof v === 'bigint' ? 'n' : '');
    else if (typeof v === 'function') s = `function ${v.name || '(anonymous)'}`;
    else if (typeof v === 'symbol') s = v.toString();
    else if (v instanceof Uint8Array) s = `Uint8Array(${v.length})`;
    else if (ArrayBuffer.isView(v)) s = `${v.constructor.name}(${(v as unknown as { length?: number }).length ?? v.byteLength})`;
    else if (Array.isArray(v)) s = v.length <= 4 && v.every((x) => x === null || typeof x !== 'object') ? `[${v.map((x) => describe(x, 16)).join(', ')}]` : `an array of ${v.length}`;
    else if (v instanceof Map) s = `Map(${v.size})`;
    else if (v instanceof Set) s = `Set(${v.size})`;
    else {
      const keys = Object.keys(v as object);
      const name = (v as object).constructor?.name;
      const head = keys.slice(0, 4).map((k) => JSON.stringify(k.slice(0, 20))).join(', ');
      s = `${name && name !== 'Object' ? name + ' ' : ''}{${head}${keys.length > 4 ? `, … ${keys.length} keys` : ''}}`;
    }
    return s.length > max + 40 ? s.slice(0, max + 40) + '…' : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
