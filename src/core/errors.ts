/**
 * One error family for the whole platform. `code` is stable API: the HTTP layer maps it to a
 * status, the CLI to an exit code, and the MLflow surface to MLflow's error_code names.
 * docs/errors.md lists every code; errors.test.ts keeps the two in sync.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { http: 400, exit: 2, description: 'The input is malformed or names a field wrongly.' },
  NOT_FOUND: { http: 404, exit: 3, description: 'The named resource does not exist.' },
  ALREADY_EXISTS: { http: 409, exit: 4, description: 'A resource with that identity already exists.' },
  CONFLICT: { http: 409, exit: 4, description: 'The request conflicts with the current state (e.g. changing an immutable value).' },
  FAILED_PRECONDITION: { http: 412, exit: 5, description: 'The system is not in a state that allows the request.' },
  PERMISSION_DENIED: { http: 403, exit: 6, description: 'The caller may not do this.' },
  UNAUTHENTICATED: { http: 401, exit: 6, description: 'The caller is not authenticated.' },
  RESOURCE_EXHAUSTED: { http: 429, exit: 7, description: 'A limit was reached (queue full, batch too large).' },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 7, description: "The request body is larger than the server's limit (sending it again will not help)." },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, exit: 2, description: 'The request body is of a content type the route does not take (a JSON route takes application/json).' },
  UNAVAILABLE: { http: 503, exit: 8, description: 'A backend (database, Redis, model) is not reachable or not ready.' },
  DATA_CORRUPTED: { http: 500, exit: 9, description: 'Stored data failed an integrity check.' },
  CANCELLED: { http: 499, exit: 130, description: 'The caller stopped the work (Ctrl-C, an abort signal); nothing half-done was kept.' },
  INTERNAL: { http: 500, exit: 1, description: 'An unexpected error; details are logged, not returned.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface KeelErrorOptions {
  /** The field or argument the error is about, e.g. `columns[3].type` or `--target`. */
  readonly field?: string;
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeelError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const isKeelError = (e: unknown): e is KeelError => e instanceof KeelError;

export const invalidArgument = (field: string, message: string, cause?: unknown): KeelError =>
  new KeelError('INVALID_ARGUMENT', `${field}: ${message}`, { field, cause });

/** `field`: the argument the caller named it by (a monitor's `name`), in the message and the error, as lookupFor names it. */
export const notFound = (what: string, id: string, field?: string): KeelError =>
  new KeelError('NOT_FOUND', `${field !== undefined ? `${field}: ` : ''}${what} '${id}' not found`, { details: { what, id }, ...(field !== undefined ? { field } : {}) });

/**
 * Looks up something a request refers to in `field` (a dataset version in a model's lineage, a
 * monitor's reference): a NOT_FOUND the lookup throws without naming a field comes out naming
 * `field`, in `field` and in its message, so the caller sees which of its references is wrong.
 * So does one naming a field of `parts`: the parts of what the caller wrote as one (a model
 * reference `fraud@champion` is looked up as its name and alias; `keel schema save DATASET` asks
 * the server for the versions of the dataset `name`).
 */
export async function lookupFor<T>(field: string, lookup: () => Promise<T>, parts: readonly string[] = []): Promise<T> {
  try {
    return await lookup();
  } catch (e) {
    if (e instanceof KeelError && e.code === 'NOT_FOUND' && (e.field === undefined || parts.includes(e.field))) throw withField(e, field);
    throw e;
  }
}

/**
 * `e` said of `field` instead of its own field: named in `field` and at the start of its message
 * (where a message began with the old field, `name: dataset 'x' not found`, that goes), its code
 * and details kept, `e` its cause. lookupFor's, and the CLI's errors that name the flag typed.
 */
export function withField(e: KeelError, field: string): KeelError {
  const message = e.field !== undefined && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
  return new KeelError(e.code, `${field}: ${message}`, { field, cause: e, ...(e.details ? { details: e.details } : {}) });
}

/**
 * Runs `work` with its errors naming fields as its caller names them: a KeelError whose field is a
 * key of `names` comes out naming that name instead (withField), its code kept. A key `parent.*`
 * maps every field nested in `parent`, `*` in the name standing for the rest (`params.*` →
 * `--param *` says `params.max_depth` as `--param max_depth`). The CLI names the flags typed
 * (`keel predict`, `keel train`, `keel data add`), a route its query's parameters, where the
 * library or the server they call names them otherwise.
 */
export async function renamingFields<T>(names: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const field = e instanceof KeelError ? e.field : undefined;
    const name = field === undefined ? undefined : nameOf(names, field);
    throw name === undefined ? e : withField(e as KeelError, name);
  }
}

/** The name `names` gives `field`, exactly or as nested in a `parent.*` key; undefined if none. */
function nameOf(names: Readonly<Record<string, string>>, field: string): string | undefined {
  if (Object.hasOwn(names, field)) return names[field];
  const dot = field.indexOf('.');
  const nested = dot > 0 ? `${field.slice(0, dot)}.*` : undefined;
  return nested !== undefined && Object.hasOwn(names, nested) ? names[nested]!.replace('*', () => field.slice(dot + 1)) : undefined;
}

/** Wraps anything thrown into a KeelError, keeping KeelErrors as they are. */
export function toKeelError(e: unknown): KeelError {
  if (e instanceof KeelError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new KeelError('INTERNAL', message, { cause: e });
}

/** The error of work stopped by its AbortSignal (Ctrl-C in the CLI). */
export const cancelled = (what: string, reason?: unknown): KeelError => new KeelError('CANCELLED', `${what} was interrupted`, { cause: reason });

/** Throws `cancelled(what)` when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelled(what, signal.reason);
}
