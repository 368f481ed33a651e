// Pushes 'status.changed' when GET /api/status would answer differently: after any
// bus event (but live output) or job change, throttled to one look per 500 ms and
// sent only when the status actually changed.
import type { Status } from '../../shared/types';
import type { AutomationsService } from './types';
import type { Bus } from './util/bus';

const STATUS_THROTTLE_MS = 500;

/** Starts watching; returns the stop. */
export function watchStatus(opts: {
  bus: Bus;
  build: () => Status;
  automations: Pick<AutomationsService, 'onCountsChanged'>;
}): () => void {
  const { bus, build } = opts;
  let timer: NodeJS.Timeout | null = null;
  let lastEmit = 0;
  let lastJson = JSON.stringify(build());
  const emitIfChanged = () => {
    timer = null;
    lastEmit = Date.now();
    const status: Status = build();
    const json = JSON.stringify(status);
    if (json === lastJson) return;
    lastJson = json;
    bus.emit('status.changed', status);
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(emitIfChanged, Math.max(0, lastEmit + STATUS_THROTTLE_MS - Date.now()));
    timer.unref();
  };
  const off = bus.onAny((name) => {
    if (name !== 'status.changed' && name !== 'run.output') schedule();
  });
  // Jobs come and go without a bus event (a delivery's job goes after its last update): jobsPending.
  const offCounts = opts.automations.onCountsChanged?.(schedule);
  return () => {
    offCounts?.();
    off();
    if (timer) clearTimeout(timer);
  };
}
