/**
 * The one error type for expected failures. `message` is for logs and operators; `userMessage` is
 * safe to show in Slack; `retryable` says whether trying again can help.
 */
export type KeyopsErrorCode =
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'NOT_CONFIGURED'
  | 'UNAVAILABLE';

export class KeyopsError extends Error {
  readonly code: KeyopsErrorCode;
  readonly userMessage: string;
  readonly retryable: boolean;

  constructor(options: { code: KeyopsErrorCode; message: string; userMessage?: string; retryable?: boolean; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'KeyopsError';
    this.code = options.code;
    this.userMessage = options.userMessage ?? options.message;
    this.retryable = options.retryable ?? false;
  }
}

export function isKeyopsError(error: unknown): error is KeyopsError {
  return error instanceof KeyopsError;
}
