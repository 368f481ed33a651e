// Errors from the API, as sentences a shop owner can read. Both transports
// throw ApiError, so views only ever show `error.message`.
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NOT_ANSWERING = 'Hookdock is not answering. Check that it is still running, then try again.';

/** True for a value shaped like `{ error: { message } }`, the API's error body. */
export function isErrorBody(value: unknown): value is { error: { code?: string; message: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const e = (value as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

/** Any thrown thing as a sentence; never a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) {
    // Electron wraps IPC errors: "Error invoking remote method 'x': Error: the real message".
    return err.message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
  }
  return 'Something went wrong. Please try again.';
}
