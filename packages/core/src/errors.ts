/** Every error Tessera raises on purpose. `code` is stable; the message says what to do. */
export class TesseraError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an op; the message names the op and the shapes. */
export class ShapeError extends TesseraError {
  constructor(message: string) { super('ERR_SHAPE', message); }
}

/** A dtype an op cannot take. */
export class DTypeError extends TesseraError {
  constructor(message: string) { super('ERR_DTYPE', message); }
}

/** Use of a tensor after dispose(). */
export class DisposedError extends TesseraError {
  constructor(message: string) { super('ERR_DISPOSED', message); }
}

/** Tensors of two backends in one op. */
export class BackendMismatchError extends TesseraError {
  constructor(message: string) { super('ERR_BACKEND_MISMATCH', message); }
}

/** An unknown backend, or one that cannot start here (no adapter, no device). */
export class BackendUnavailableError extends TesseraError {
  constructor(message: string, code = 'ERR_BACKEND_UNAVAILABLE') { super(code, message); }
}

/** A bad argument value (axis out of range, bad option, index out of bounds...). */
export class ArgumentError extends TesseraError {
  constructor(message: string, code = 'ERR_ARGUMENT') { super(code, message); }
}

/** An index outside the tensor it selects from. */
export class IndexError extends TesseraError {
  constructor(message: string) { super('ERR_INDEX', message); }
}

/** Autograd misuse: backward on a non-scalar without a gradient, on a tensor without a graph... */
export class GradError extends TesseraError {
  constructor(message: string) { super('ERR_GRAD', message); }
}

/** A backend could not allocate memory; the message gives the requested size. */
export class OutOfMemoryError extends TesseraError {
  constructor(message: string) { super('ERR_OUT_OF_MEMORY', message); }
}

/** A synchronous read on a backend that can only read asynchronously (e.g. WebGPU). */
export class SyncReadError extends TesseraError {
  constructor(message: string) { super('ERR_SYNC_READ', message); }
}

/** An error that escaped an op untyped: a bug in Tessera (the message asks for a report). */
export class InternalError extends TesseraError {
  constructor(message: string) { super('ERR_INTERNAL', message); }
}
