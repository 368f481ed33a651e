/** A reason the engine cannot start, as one sentence a person can act on. */
export class StartupError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}
