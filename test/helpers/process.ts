import { readFileSync } from 'node:fs';

/** Alive and not a zombie waiting to be reaped (Linux /proc; elsewhere, alive = signal 0 works). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
