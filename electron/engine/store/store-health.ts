// The store's health (writable? last write error, quarantined files, damage
// found: see quarantine.ts) and two small helpers of DurableStore, kept apart
// so store.ts stays about the store's operations.
import type { StoreDamageKind, StoreHealth } from '../../../shared/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DamageLog, keepBytes, moveAside, type DamageNote } from './quarantine';
import { writeErrorMessage, type UnreadableBytes } from './journal';
import type { Quarantine } from './segment-files';
import { StoreWriteError, type StoredEvent } from './types';

export class HealthTracker {
  private readonly state: Omit<StoreHealth, 'damage'> = { writable: true, lastWriteError: null, quarantined: [] };
  readonly damage: DamageLog;

  constructor(
    private readonly quarantineDir: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.damage = new DamageLog(quarantineDir, logger, clock);
  }

  snapshot(): StoreHealth {
    return { ...this.state, quarantined: [...this.state.quarantined], damage: this.damage.list };
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

  /**
   * Moves an unreadable file into the quarantine folder and records it as
   * damage. A file that cannot be moved stays where it is (and is reported so).
   */
  async quarantine(file: string, reason: string, note: DamageNote = {}): Promise<void> {
    const at = this.clock.now();
    let moved: { dest: string; bytes: number } | null = null;
    let failure = '';
    try {
      moved = await moveAside(this.quarantineDir, file, at);
      this.state.quarantined.push({ file, movedTo: moved.dest, reason, at: new Date(at).toISOString() });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (note.companion && code === 'ENOENT') return;
      failure = ` It could not be moved to ${this.quarantineDir} (${code ?? 'error'}) and was left where it is.`;
    }
    if (note.companion && moved) {
      this.logger.info('Moved a file aside with the damaged file it belongs to', { file, movedTo: moved.dest });
      return;
    }
    const where = moved
      ? ` ${note.kept ?? 'It'} was kept at ${moved.dest}; ${note.restore ?? 'restore a good copy from a backup and restart Hookdock.'}`
      : failure;
    const headline = note.headline ?? `Hookdock could not read ${file}: ${reason}.`;
    await this.damage.record({
      file: note.file ?? file,
      kind: note.kind ?? 'unreadable-file',
      bytes: moved?.bytes ?? 0,
      quarantinedAs: moved?.dest ?? null,
      message: `${headline}${note.lost ? ' ' + note.lost : ''}${where}`,
    });
  }

  /**
   * Copies bytes that cannot be read (journal lines) into the quarantine folder
   * before the file holding them is cut or deleted. With `damage` they are
   * reported as damage; without (a torn last line a crash left, never
   * acknowledged) they are only kept and logged. Returns where they went, or
   * null when they could not be copied (then reported so).
   */
  async keepBytes(
    file: string,
    name: string,
    bytes: Buffer,
    reason: string,
    damage: { kind: StoreDamageKind; message: string } | null,
  ): Promise<string | null> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (damage && this.damage.has(sha256)) return null; // kept and reported by an earlier start
    const at = this.clock.now();
    let dest: string | null = null;
    try {
      dest = await keepBytes(this.quarantineDir, name, bytes, at);
      this.state.quarantined.push({ file, movedTo: dest, reason, at: new Date(at).toISOString() });
    } catch (err) {
      this.logger.error('Could not copy unreadable bytes into the quarantine folder', { file, err });
    }
    const where = dest
      ? ` They were kept at ${dest}.`
      : ` They could not be copied to ${this.quarantineDir}: free some disk space and restart Hookdock before they are lost.`;
    if (damage)
      await this.damage.record({
        file,
        kind: damage.kind,
        bytes: dest ? bytes.length : 0,
        quarantinedAs: dest,
        message: damage.message + where,
        ...(dest ? { sha256 } : {}),
      });
    else this.logger.info(`${reason}.${where}`, { file, bytes: bytes.length });
    return dest;
  }

  /** The segment loader's view: quarantine(file, reason, note) plus missing(). */
  forSegments(): Quarantine {
    return Object.assign((file: string, reason: string, note?: DamageNote) => this.quarantine(file, reason, note), {
      missing: (file: string, kind: StoreDamageKind, message: string) => this.missing(file, kind, message),
    });
  }

  /** Damage with no bytes to keep: a file that should be there and is not. */
  async missing(file: string, kind: StoreDamageKind, message: string, keptAs: string | null = null): Promise<void> {
    await this.damage.record({ file, kind, bytes: 0, quarantinedAs: keptAs, message });
  }
}

/**
 * Keeps what journal replay could not use. Damaged lines are damage: they may
 * hold acknowledged changes. A torn last line is not: the crash that cut it
 * also stopped its write from returning, so nothing in it was acknowledged; it
 * is kept all the same (quarantine, `quarantined`, an info log line) but raises
 * no alarm, since every kill -9 or power cut during a write leaves one.
 */
export async function keepJournalBytes(health: HealthTracker, u: UnreadableBytes): Promise<void> {
  const name = path.basename(u.file);
  if (u.lines.length) {
    const bytes = Buffer.concat(u.lines.flatMap((l) => [l.bytes, Buffer.from('\n')]));
    const shown = u.lines.slice(0, 10).map((l) => l.offset);
    const offsets =
      shown.join(', ') + (u.lines.length > shown.length ? ` and ${u.lines.length - shown.length} more` : '');
    const count = u.lines.length === 1 ? 'One line' : `${u.lines.length} lines`;
    await health.keepBytes(u.file, `${name}-unreadable-lines`, bytes, 'unreadable journal lines', {
      kind: 'journal-lines',
      message:
        `${count} of the journal ${u.file} could not be read (at byte ${offsets}): ` +
        'the new events, status changes or records written there are missing.',
    });
  }
  if (u.torn) {
    await health.keepBytes(
      u.file,
      `${name}-torn-tail`,
      u.torn,
      `Cut off a half-written last journal line of ${u.file} (${u.torn.length} bytes, left by a crash during a write; never acknowledged)`,
      null,
    );
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
