// Collections of small mutable records (runs, deliveries, jobs, meta). Every
// change goes through the journal; a checkpoint writes the changed records
// into lowdb shard files, one per collection and id-day:
//   collections/<name>.<bucket>.json   { records: T[] }
// Ids from util/ids.ts are time-ordered, so a shard holds one day's records
// and the records being worked on (recent ones) sit in small recent shards:
// a checkpoint never rewrites the whole history. Other ids go to "misc".
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Collection } from './types';
import { CorruptFileError, fsyncDir, readJson, writeJson, type Faults } from './durable-file';
import { idTime } from '../util/ids';
import type { CheckpointTask } from './segments';

export type CollectionName = 'runs' | 'deliveries' | 'jobs' | 'meta';
export type JournalRecord = { t: 'put'; c: string; r: { id: string } } | { t: 'del'; c: string; id: string };

type Write = (record: JournalRecord, apply: () => void) => Promise<void>;

const NEW_ID = /^[A-Za-z0-9-]+_[0-9a-z]{12}[0-9a-f]{10}$/;
const DAY = 86_400_000;
const SHARD_FILE = /^([a-z]+)\.([a-z0-9]+)\.json$/;

export function shardOf(id: string): string {
  if (!NEW_ID.test(id)) return 'misc';
  const t = idTime(id);
  return Number.isFinite(t) ? `d${Math.floor(t / DAY)}` : 'misc';
}

export class StoredCollection<T extends { id: string }> implements Collection<T> {
  private readonly records = new Map<string, T>();
  private readonly shards = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();

  constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly write: Write,
  ) {}

  get size(): number {
    return this.records.size;
  }

  put(record: T): Promise<void> {
    if (!record || typeof record.id !== 'string' || !record.id)
      return Promise.reject(new TypeError(`A ${this.name} record needs a string id.`));
    return this.write({ t: 'put', c: this.name, r: record }, () => this.applyPut(record));
  }

  delete(id: string): Promise<void> {
    return this.write({ t: 'del', c: this.name, id }, () => this.applyDelete(id));
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  values(): IterableIterator<T> {
    return this.records.values();
  }

  applyPut(record: T): void {
    const shard = shardOf(record.id);
    this.records.set(record.id, record);
    let ids = this.shards.get(shard);
    if (!ids) this.shards.set(shard, (ids = new Set()));
    ids.add(record.id);
    this.dirty.add(shard);
  }

  applyDelete(id: string): void {
    if (!this.records.delete(id)) return;
    const shard = shardOf(id);
    this.shards.get(shard)?.delete(id);
    this.dirty.add(shard);
  }

  /** Loading a checkpointed shard: not a change, nothing becomes dirty. */
  load(records: T[]): void {
    for (const r of records) {
      if (!r || typeof r.id !== 'string') continue;
      this.applyPut(r);
      this.dirty.delete(shardOf(r.id));
    }
  }

  get isDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** Captures the changed shards now (by reference); the tasks write or delete their files. */
  snapshot(faults: Faults): CheckpointTask[] {
    const tasks: CheckpointTask[] = [];
    for (const shard of [...this.dirty].sort()) {
      const file = path.join(this.dir, `${this.name}.${shard}.json`);
      const ids = this.shards.get(shard);
      const records = ids ? [...ids].map((id) => this.records.get(id)!) : [];
      if (ids && !ids.size) this.shards.delete(shard);
      tasks.push({
        run: async () => {
          if (records.length) await writeJson(file, { records }, faults);
          else {
            await fsp.rm(file, { force: true });
            await fsyncDir(this.dir);
          }
        },
        failed: () => this.dirty.add(shard),
      });
    }
    this.dirty.clear();
    return tasks;
  }
}

/** Reads every shard file into its collection; an unreadable one is quarantined and skipped. */
export async function loadCollections(
  dir: string,
  collection: (name: string) => StoredCollection<{ id: string }>,
  quarantine: (file: string, reason: string) => Promise<void>,
): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  for (const name of (await fsp.readdir(dir)).sort()) {
    const file = path.join(dir, name);
    if (name.endsWith('.tmp')) {
      await fsp.rm(file, { force: true });
      continue;
    }
    const m = SHARD_FILE.exec(name);
    if (!m) continue;
    try {
      const data = await readJson<{ records?: { id: string }[] }>(file);
      collection(m[1]).load(Array.isArray(data?.records) ? data.records : []);
    } catch (err) {
      if (!(err instanceof CorruptFileError)) throw err;
      await quarantine(file, err.message);
    }
  }
}
