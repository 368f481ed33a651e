// The store's health (writable? last write error, quarantined files) and two
// small helpers of DurableStore, kept apart so store.ts stays about the
// store's operations. Behaviour is unchanged from when they lived there.
import type { StoreHealth } from '../../../shared/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { quarantineFile } from './durable-file';
import { writeErrorMessage } from './journal';
import { StoreWriteError, type StoredEvent } from './types';

export class HealthTracker {
  private readonly state: StoreHealth = { writable: true, lastWriteError: null, quarantined: [] };

  constructor(
    private readonly quarantineDir: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  snapshot(): StoreHealth {
    return { ...this.state, quarantined: [...this.state.quarantined] };
  }

  /** After every journal batch: null on success, the error otherwise. Logs each change once, not per batch. */
  noteWrite(err: unknown | null): void {
    if (err) {
      const message = writeErrorMessage(err);
      if (this.state.writable || this.state.lastWriteError !== message)
        this.logger.error('Store write failed', { err, message });
      this.state.writable = false;
      this.state.lastWriteError = message;
    } else if (!this.state.writable) {
      this.state.writable = true;
      this.state.lastWriteError = null;
      this.logger.info('Store writes work again');
    }
  }

  async quarantine(file: string, reason: string): Promise<void> {
    const at = this.clock.now();
    const movedTo = await quarantineFile(file, this.quarantineDir, at);
    this.state.quarantined.push({ file, movedTo, reason, at: new Date(at).toISOString() });
    this.logger.error('Moved an unreadable store file aside', { file, movedTo, reason });
  }
}

export function closedError(state: string): StoreWriteError {
  return new StoreWriteError(
    state === 'new' ? 'The store is not open yet.' : 'The store is closed: Hookdock is shutting down.',
  );
}

/** What goes to disk: the stored fields only (never runs/deliveries), defaults filled in. */
export function normalize(event: StoredEvent): StoredEvent {
  const {
    runs: _runs,
    deliveries: _deliveries,
    ...rest
  } = event as StoredEvent & { runs?: unknown; deliveries?: unknown };
  return {
    ...rest,
    providerEventId: rest.providerEventId ?? null,
    summary: rest.summary ?? null,
    redeliveries: rest.redeliveries ?? 0,
    replayOf: rest.replayOf ?? null,
  };
}
