// Damage that cannot disappear without a trace. Every byte Hookdock cannot read
// is moved or copied into DATA_DIR/quarantine/<time>-<name> before anything
// rewrites or deletes it, and each piece of damage is recorded in
// DATA_DIR/quarantine/damage.jsonl (one JSON line each, fsync'd), so the
// dashboard keeps showing it after a restart until the owner clears the folder.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { StoreDamage, StoreDamageKind } from '../../../shared/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { fsyncDir } from './durable-file';

/** What a quarantine call adds to the owner's message. */
export interface DamageNote {
  kind?: StoreDamageKind;
  /** The file the damage is about, when not the one moved (a lone index of a missing segment). */
  file?: string;
  /** Replaces "Hookdock could not read <file> (<reason>)." */
  headline?: string;
  /** A sentence saying what is missing because of it (e.g. "Its 2000 events are not shown."). */
  lost?: string;
  /** What was moved, when not the damaged file itself ("Its index"). */
  kept?: string;
  /** What the owner can do, replacing "restore a good copy from a backup and restart Hookdock." */
  restore?: string;
  /**
   * Moved aside with a damaged file whose own report mentions it (a segment's
   * index): kept and listed in `quarantined`, not reported as damage twice. A
   * companion that does not exist is skipped quietly.
   */
  companion?: boolean;
}

export const QUARANTINE_DIR = 'quarantine';
export const DAMAGE_LOG = 'damage.jsonl';

/** `2026-11-30T04-25-00-123Z`: an ISO time that every file system accepts in a name. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** A free name DIR/<time>-<name>[-n] (never overwrites an earlier quarantined file). */
async function freeName(dir: string, name: string, ms: number): Promise<string> {
  const base = path.join(dir, `${stamp(ms)}-${name}`);
  for (let i = 0; ; i++) {
    const candidate = i ? `${base}-${i}` : base;
    const taken = await fsp.access(candidate).then(
      () => true,
      () => false,
    );
    if (!taken) return candidate;
  }
}

/**
 * Copies `bytes` durably into DATA_DIR/quarantine/<time>-<name> (0600: they may
 * hold customer data) and returns the path. Used by the store and by the config
 * service before it replaces a file it could not read.
 */
export async function keepBytes(quarantineDir: string, name: string, bytes: Buffer, ms: number): Promise<string> {
  await fsp.mkdir(quarantineDir, { recursive: true, mode: 0o700 });
  const dest = await freeName(quarantineDir, name, ms);
  const fh = await fsp.open(dest, 'wx', 0o600);
  try {
    await fh.writeFile(bytes);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fsyncDir(quarantineDir);
  return dest;
}

/**
 * Moves `file` into the quarantine folder (a rename: same disk, no copy) and
 * returns where it went and its size in bytes. Throws when the file cannot be
 * moved (then it stays where it was: nothing is lost either way).
 */
export async function moveAside(
  quarantineDir: string,
  file: string,
  ms: number,
): Promise<{ dest: string; bytes: number }> {
  await fsp.mkdir(quarantineDir, { recursive: true, mode: 0o700 });
  const bytes = (await fsp.stat(file)).size;
  const dest = await freeName(quarantineDir, path.basename(file), ms);
  await fsp.rename(file, dest);
  await fsyncDir(path.dirname(file)).catch(() => {});
  await fsyncDir(quarantineDir);
  return { dest, bytes };
}

/** The damage log of one data folder: what was found, kept across restarts. */
export class DamageLog {
  private readonly entries: StoreDamage[] = [];

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** True when bytes with this SHA-256 were already kept and reported (a journal replayed again after a crash). */
  has(sha256: string): boolean {
    return this.entries.some((e) => e.sha256 === sha256);
  }

  get list(): StoreDamage[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Reads the entries earlier runs recorded (a line that is not JSON is left in the file and skipped). */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await fsp.readFile(path.join(this.dir, DAMAGE_LOG), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as StoreDamage;
        if (typeof e?.file === 'string' && typeof e.message === 'string') this.entries.push(e);
      } catch {
        this.logger.warn('Skipped a damaged line of the damage log', { file: path.join(this.dir, DAMAGE_LOG) });
      }
    }
  }

  /** Records one piece of damage: logged as an error, shown in /api/status, appended to damage.jsonl. */
  async record(entry: Omit<StoreDamage, 'at'>): Promise<StoreDamage> {
    const full: StoreDamage = { at: new Date(this.clock.now()).toISOString(), ...entry };
    this.entries.push(full);
    this.logger.error(full.message, { file: full.file, kind: full.kind, quarantinedAs: full.quarantinedAs });
    try {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const fh = await fsp.open(path.join(this.dir, DAMAGE_LOG), 'a', 0o600);
      try {
        await fh.appendFile(JSON.stringify(full) + '\n');
        await fh.datasync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      // Still shown for this run; the quarantined bytes stay either way.
      this.logger.warn('Could not record the damage in the damage log', { err });
    }
    return full;
  }
}
