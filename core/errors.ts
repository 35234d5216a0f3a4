/**
 * Errors a user can cause (bad file, unknown task, unreachable pose...) are YotoErrors:
 * the CLI prints their one-line message and exits non-zero; anything else is a bug and
 * shows its stack trace.
 */
export class YotoError extends Error {
  /** Where the problem is: a file path, a field, a frame range. */
  readonly where?: string;
  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'YotoError';
    this.where = where;
  }
}

export function isYotoError(e: unknown): e is YotoError {
  return e instanceof YotoError;
}
