import { AppError } from '../errors.ts';

/**
 * Why a backup or restore stopped. The CLIs print the message (no stack trace) and exit with
 * `exitCode`: 1 when the backup does not verify, 2 when the target or the arguments are wrong.
 */
export class OpsError extends AppError {
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number, details?: unknown) {
    super(exitCode === 1 ? 422 : 409, code, message, details);
    this.exitCode = exitCode;
  }
}

/** The backup file, its manifest or the restored data do not verify (exit code 1). */
export const notVerified = (code: string, message: string, details?: unknown) => new OpsError(code, message, 1, details);

/** The target or the arguments are wrong; nothing was written (exit code 2). */
export const refused = (code: string, message: string, details?: unknown) => new OpsError(code, message, 2, details);
