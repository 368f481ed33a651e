// `hookdock serve --exit-when-unreachable MINUTES`: when the public URL has been
// unreachable for that long, the host exits non-zero so a supervisor (systemd,
// Docker) restarts it. Kept out of cli.ts so it can be tested with a fake clock.
import type { Reachability } from '../../../shared/gaps';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';

/**
 * Calls onExpired(message) once the reachability state has stayed `unreachable` for
 * `minutes` (0 = at once); a reachable or unknown state in between resets the wait.
 * Returns the unsubscribe.
 */
export function watchUnreachable(
  bus: Bus,
  clock: Clock,
  minutes: number,
  onExpired: (message: string) => void,
  current?: Reachability,
): () => void {
  let timer: unknown = null;
  const clear = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };
  const onState = (r: Reachability) => {
    if (r.state !== 'unreachable') return clear();
    if (timer !== null) return;
    timer = clock.setTimeout(() => {
      timer = null;
      onExpired(
        `the public URL has not been reachable for ${minutes} minute${minutes === 1 ? '' : 's'}; exiting so your supervisor can restart Hookdock.`,
      );
    }, minutes * 60_000);
  };
  const off = bus.on('reachability.changed', onState);
  if (current) onState(current);
  return () => {
    off();
    clear();
  };
}
