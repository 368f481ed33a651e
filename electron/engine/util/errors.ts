// Errors cross a boundary as data: { error: { code, message } }. The HTTP
// status comes from the one HttpError; the message is a sentence for a person.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} was not found.`);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);

export function toErrorBody(err: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (err instanceof HttpError)
    return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong inside Hookdock. The log has the details.' } },
  };
}
