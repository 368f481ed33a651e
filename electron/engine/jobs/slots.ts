// The concurrency limit, counted on the work of attempts only. An attempt may
// start (write its 'active' record, prepare) while every slot is busy, and
// waits here for one: so the disk's latency sits beside running scripts, not
// between one script's end and the next one's start (test/bench/scripts.ts).

export interface Ticket {
  /** true once a slot is held; false when the wait was called off (paused, stopping). */
  readonly granted: Promise<boolean>;
  /** Gives the slot back, or leaves the queue. Safe to call more than once. */
  done(): void;
}

interface Waiter {
  kind: string;
  grant(): void;
  cancel(): void;
}

export class WorkSlots {
  private busy = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limit: () => number) {}

  /** Whether a request now would be granted at once. */
  free(): boolean {
    return this.busy < this.limit() && this.queue.length === 0;
  }

  request(kind: string): Ticket {
    let state: 'waiting' | 'held' | 'over' = 'waiting';
    let resolve!: (ok: boolean) => void;
    const granted = new Promise<boolean>((r) => (resolve = r));
    const waiter: Waiter = {
      kind,
      grant: () => {
        state = 'held';
        this.busy++;
        resolve(true);
      },
      cancel: () => {
        state = 'over';
        resolve(false);
      },
    };
    if (this.free()) waiter.grant();
    else this.queue.push(waiter);
    return {
      granted,
      done: () => {
        if (state === 'held') {
          state = 'over';
          this.busy--;
          this.next();
        } else if (state === 'waiting') {
          this.remove(waiter);
          waiter.cancel();
        }
      },
    };
  }

  /** Calls off the waits whose kind matches (a kind paused; everything when stopping). */
  cancel(match: (kind: string) => boolean): void {
    for (const w of [...this.queue]) {
      if (!match(w.kind)) continue;
      this.remove(w);
      w.cancel();
    }
  }

  private remove(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private next(): void {
    while (this.busy < this.limit() && this.queue.length > 0) this.queue.shift()!.grant();
  }
}
