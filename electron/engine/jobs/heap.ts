// A binary min-heap of (at, id), kept in two parallel arrays so 10,000
// entries cost two arrays rather than 10,000 small objects.
export class MinHeap {
  private ats: number[] = [];
  private ids: string[] = [];

  get size(): number {
    return this.ats.length;
  }

  push(at: number, id: string): void {
    this.ats.push(at);
    this.ids.push(id);
    this.up(this.ats.length - 1);
  }

  peek(): { at: number; id: string } | undefined {
    return this.ats.length ? { at: this.ats[0], id: this.ids[0] } : undefined;
  }

  pop(): { at: number; id: string } | undefined {
    const n = this.ats.length;
    if (!n) return undefined;
    const top = { at: this.ats[0], id: this.ids[0] };
    const lastAt = this.ats.pop()!;
    const lastId = this.ids.pop()!;
    if (n > 1) {
      this.ats[0] = lastAt;
      this.ids[0] = lastId;
      this.down(0);
    }
    return top;
  }

  /** Rebuilds from the live entries only (id -> at). */
  rebuild(live: Map<string, number>): void {
    this.ats = [];
    this.ids = [];
    for (const [id, at] of live) {
      this.ats.push(at);
      this.ids.push(id);
    }
    for (let i = (this.ats.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private less(a: number, b: number): boolean {
    // Ties broken by id: ids are time-ordered, so equal due times run oldest first.
    return this.ats[a] < this.ats[b] || (this.ats[a] === this.ats[b] && this.ids[a] < this.ids[b]);
  }

  private swap(a: number, b: number): void {
    [this.ats[a], this.ats[b]] = [this.ats[b], this.ats[a]];
    [this.ids[a], this.ids[b]] = [this.ids[b], this.ids[a]];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ats.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Due times by job id, earliest first, over the heap. Entries are invalidated
 * lazily: one is live only while it matches the id's latest due time (a job
 * queued again gets a new entry; the old one is skipped when it surfaces).
 */
export class DueQueue {
  private readonly heap = new MinHeap();
  private readonly dueAt = new Map<string, number>();

  set(id: string, at: number): void {
    this.dueAt.set(id, at);
    this.heap.push(at, id);
    // Stale entries pile up behind lazy deletion: rebuild when they dominate.
    if (this.heap.size > 1024 && this.heap.size > 2 * this.dueAt.size) this.heap.rebuild(this.dueAt);
  }

  delete(id: string): void {
    this.dueAt.delete(id);
  }

  /** The earliest live entry, dropping stale ones on the way. */
  peek(): { at: number; id: string } | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (!top) return undefined;
      if (this.dueAt.get(top.id) === top.at) return top;
      this.heap.pop();
    }
  }

  /** Takes the earliest live entry out. */
  shift(): { at: number; id: string } | undefined {
    const top = this.peek();
    if (top) {
      this.heap.pop();
      this.dueAt.delete(top.id);
    }
    return top;
  }
}
