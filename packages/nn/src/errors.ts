import { TesseraError } from '@tessera/core';

/** A bad model config, checkpoint or model input; the message names the function, field and value. */
export class NnError extends TesseraError {
  constructor(message: string, code = 'ERR_NN') { super(code, message); }
}

/** A config.json field that is missing, of the wrong type or out of range. */
export class ConfigError extends NnError {
  constructor(message: string) { super(message, 'ERR_CONFIG'); }
}

/** stateDict keys that do not match the model (missing, unexpected, mis-shaped). */
export class StateDictError extends NnError {
  constructor(message: string) { super(message, 'ERR_STATE_DICT'); }
}

/** Bounded description of a value for messages. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  return (v as object).constructor?.name ?? 'object';
}
