// The scheduler's jobs in memory: by id, by the record they work for (a run,
// a delivery), and how many are dead-lettered, kept in step on every change.
import type { JobRecord } from './types';

export class JobBook {
  private readonly byId = new Map<string, JobRecord>();
  private readonly byRef = new Map<string, string>();
  private dead = 0;

  constructor(private readonly onChange?: () => void) {}

  get(id: string): JobRecord | undefined {
    return this.byId.get(id);
  }

  forRef(refId: string): JobRecord | undefined {
    const id = this.byRef.get(refId);
    return id ? this.byId.get(id) : undefined;
  }

  /** A copy: callers change the book while they go through it. */
  all(): JobRecord[] {
    return [...this.byId.values()];
  }

  remember(job: JobRecord): void {
    if (this.byId.get(job.id)?.state === 'dead') this.dead--;
    if (job.state === 'dead') this.dead++;
    this.byId.set(job.id, job);
    this.byRef.set(job.refId, job.id);
    this.onChange?.();
  }

  forget(job: JobRecord): void {
    const prev = this.byId.get(job.id);
    if (!prev) return;
    if (prev.state === 'dead') this.dead--;
    this.byId.delete(job.id);
    if (this.byRef.get(job.refId) === job.id) this.byRef.delete(job.refId);
    this.onChange?.();
  }

  pendingCount(): number {
    return this.byId.size - this.dead;
  }

  deadCount(): number {
    return this.dead;
  }
}
