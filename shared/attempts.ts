// A script attempt as it starts: no exit, no output yet. Pure, so the engine
// (which records it) and the renderer (which shows one whose output arrived
// before its record) build the same shape.
import type { Attempt, IsoTime } from './types';

export function startedAttempt(attempt: number, startedAt: IsoTime): Attempt {
  return {
    attempt,
    startedAt,
    finishedAt: null,
    exitCode: null,
    signal: null,
    error: null,
    stdout: '',
    stderr: '',
    truncated: false,
  };
}
