// The gap ledger: every span when Hookdock was not receiving, kept on disk.
//
// - stopped: at start, the time since the last heartbeat (DATA_DIR/heartbeat, rewritten
//   atomically every heartbeatMs while running; a clean stop marks it `clean`).
// - asleep: a heartbeat tick that comes much later than it was due (the computer slept or
//   the process was frozen): wall-clock time advanced by more than 2 × heartbeatMs + 30 s.
// - tunnel-down / unreachable: opened and closed by the caller (see gaps/index.ts).
//
// Gaps live in DATA_DIR/gaps.json (atomic write), newest last, at most MAX_GAPS.
import { randomBytes } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from '../../../shared/config';
import type { Gap, GapCause } from '../../../shared/gaps';
import { writeFileAtomic } from '../util/atomic-write';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { sourcesForGap } from './policy';

export const HEARTBEAT_FILE = 'heartbeat';
export const GAPS_FILE = 'gaps.json';
const MAX_GAPS = 500;
/** A clean stop and restart within this long (a settings restart, an update) is not worth a gap. */
const CLEAN_RESTART_GRACE_MS = 60_000;

export interface LedgerOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  sources: () => readonly SourceConfig[];
  /** How often the heartbeat is written and sleep is checked, ms. Default 30 000. */
  heartbeatMs?: number;
  /** Called after a gap is added or changed. */
  onChange?: (gap: Gap) => void;
  /** Called on each tick after a sleep was noticed (the caller probes reachability again). */
  onWake?: () => void;
  /** Called on every heartbeat tick (the caller checks the network). */
  onTick?: () => void;
}

export interface GapLedger {
  /** Records a `stopped` gap from the last heartbeat, writes a fresh one, starts ticking. */
  start(): Promise<void>;
  /** Writes a clean final heartbeat and stops ticking. */
  stop(): Promise<void>;
  /** All gaps, newest first. */
  list(): Gap[];
  /** Opens a gap of this cause (no-op when one is already open); returns its id. */
  open(cause: GapCause, fromMs: number): string;
  /** Closes the open gap of this cause, if any, at toMs. */
  close(cause: GapCause, toMs: number): void;
  /** One heartbeat tick now (the timer calls it; exposed so tests can drive it). */
  tick(): Promise<void>;
}

interface Heartbeat {
  at: string;
  pid: number;
  clean?: boolean;
}

export function createGapLedger(opts: LedgerOptions): GapLedger {
  const { clock, logger, dataDir } = opts;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const sleepThresholdMs = 2 * heartbeatMs + 30_000;
  const heartbeatPath = join(dataDir, HEARTBEAT_FILE);
  const gapsPath = join(dataDir, GAPS_FILE);
  let gaps: Gap[] = [];
  let lastTick = 0;
  let timer: unknown = null;
  let running = false;
  /** Writes one after another, so an older state never lands after a newer one. */
  let writing: Promise<void> = Promise.resolve();

  const iso = (ms: number) => new Date(ms).toISOString();

  const save = () => {
    const json = JSON.stringify({ gaps }, null, 1);
    writing = writing
      .then(() => writeFileAtomic(gapsPath, json))
      .catch((err: unknown) =>
        logger.warn('Could not save the gap ledger; will try with the next change', { error: err }),
      );
    return writing;
  };

  const withSources = (gap: Gap): Gap => ({
    ...gap,
    sources: sourcesForGap(opts.sources(), {
      from: Date.parse(gap.from),
      to: gap.to === null ? null : Date.parse(gap.to),
      now: clock.now(),
    }),
  });

  const add = (cause: GapCause, fromMs: number, toMs: number | null): Gap => {
    const gap = withSources({
      id: `gap_${randomBytes(8).toString('hex')}`,
      from: iso(fromMs),
      to: toMs === null ? null : iso(toMs),
      cause,
      sources: [],
    });
    gaps.push(gap);
    if (gaps.length > MAX_GAPS) gaps = gaps.slice(-MAX_GAPS);
    void save();
    opts.onChange?.(gap);
    logger.info(`Not receiving (${cause}) from ${gap.from}${gap.to ? ` to ${gap.to}` : ''}`);
    return gap;
  };

  const writeHeartbeat = (clean = false) => {
    const beat: Heartbeat = { at: iso(clock.now()), pid: process.pid, ...(clean ? { clean } : {}) };
    return writeFileAtomic(heartbeatPath, JSON.stringify(beat)).catch((err: unknown) =>
      logger.warn('Could not write the heartbeat file', { error: err }),
    );
  };

  const schedule = () => {
    if (!running) return;
    timer = clock.setTimeout(() => void tick(), heartbeatMs);
    (timer as { unref?: () => void } | null)?.unref?.();
  };

  async function tick(): Promise<void> {
    timer = null;
    const now = clock.now();
    const late = now - lastTick;
    lastTick = now;
    if (late > sleepThresholdMs) {
      // Not running for most of that: from roughly when this tick was due, to now.
      add('asleep', now - late + heartbeatMs, now);
      opts.onWake?.();
    }
    await writeHeartbeat();
    await writing;
    opts.onTick?.();
    schedule();
  }

  async function load(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(gapsPath, 'utf8')) as { gaps?: unknown };
      gaps = Array.isArray(parsed.gaps) ? (parsed.gaps as Gap[]) : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      const aside = `${gapsPath}.unreadable-${Date.now()}`;
      await rename(gapsPath, aside).catch(() => undefined);
      logger.warn(`The gap ledger could not be read and was moved to ${aside}; starting a new one`, { error: err });
    }
  }

  async function readHeartbeat(): Promise<Heartbeat | null> {
    try {
      const beat = JSON.parse(await readFile(heartbeatPath, 'utf8')) as Heartbeat;
      return Number.isFinite(Date.parse(beat.at)) ? beat : null;
    } catch {
      return null; // first start, or a torn file from before atomic writes: nothing to say
    }
  }

  return {
    async start() {
      await load();
      const beat = await readHeartbeat();
      const now = clock.now();
      // Gaps left open by a process that died: they ended when it stopped beating.
      const lastAlive = beat ? Date.parse(beat.at) : now;
      for (const [i, g] of gaps.entries())
        if (g.to === null) gaps[i] = withSources({ ...g, to: iso(Math.max(Date.parse(g.from), lastAlive)) });
      if (beat) {
        const span = now - lastAlive;
        if (span > 0 && (!beat.clean || span > CLEAN_RESTART_GRACE_MS)) add('stopped', lastAlive, now);
        else void save();
      }
      running = true;
      lastTick = now;
      await writeHeartbeat();
      schedule();
    },

    async stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      const now = clock.now();
      for (const g of gaps) if (g.to === null) Object.assign(g, withSources({ ...g, to: iso(now) }));
      await save();
      await writeHeartbeat(true);
    },

    list: () => [...gaps].reverse().map((g) => (g.to === null ? withSources(g) : g)),

    open(cause, fromMs) {
      const current = gaps.find((g) => g.cause === cause && g.to === null);
      return current ? current.id : add(cause, fromMs, null).id;
    },

    close(cause, toMs) {
      const i = gaps.findIndex((g) => g.cause === cause && g.to === null);
      if (i < 0) return;
      gaps[i] = withSources({ ...gaps[i]!, to: iso(Math.max(toMs, Date.parse(gaps[i]!.from))) });
      void save();
      opts.onChange?.(gaps[i]!);
    },

    tick,
  };
}
