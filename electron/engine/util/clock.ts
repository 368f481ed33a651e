// Injected clock, so tests can move time without waiting.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { unref?: () => void } | unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
