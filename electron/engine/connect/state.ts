// What Connect knows about each connected source's subscription, and what each
// recovery after a gap did: DATA_DIR/connect.json, written atomically (temp file,
// fsync, rename) after every change, one write after another. Never holds a
// credential or a signing secret: those live in config.json (config/secrets.ts).
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagedStatus, RecoveryReport } from '../../../shared/connect';
import { writeFileAtomic } from '../util/atomic-write';
import type { Logger } from '../util/logger';

export const CONNECT_FILE = 'connect.json';
/** Recovery reports kept (newest last); older ones are dropped. */
const MAX_REPORTS = 500;

/** One source's subscription as last seen, plus what the status shows. */
export interface SourceState extends ManagedStatus {
  provider: string;
  /** The event types the subscription was last set to. */
  events: string[];
  /** When Hookdock first created a subscription for it (ms): gaps before that were nothing Connect missed. */
  connectedAt: number;
}

export type StoredReport = RecoveryReport & { gapId: string };

export interface ConnectStateFile {
  sources: Record<string, SourceState>;
  reports: StoredReport[];
}

export interface ConnectState {
  load(): Promise<void>;
  get(sourceId: string): SourceState | undefined;
  ids(): string[];
  /** Sets (or with undefined removes) a source's state and saves. */
  set(sourceId: string, state: SourceState | undefined): Promise<void>;
  reports(): StoredReport[];
  hasReport(gapId: string, sourceId: string): boolean;
  addReport(report: StoredReport): Promise<void>;
  /** Resolves when every write issued so far is on disk. */
  flush(): Promise<void>;
}

export function createConnectState(dataDir: string, logger: Logger): ConnectState {
  const file = join(dataDir, CONNECT_FILE);
  let data: ConnectStateFile = { sources: {}, reports: [] };
  let writing: Promise<void> = Promise.resolve();

  const save = () => {
    const json = JSON.stringify(data, null, 1);
    writing = writing
      .then(() => writeFileAtomic(file, json))
      .catch((err: unknown) =>
        logger.warn('Could not save the Connect state; will try with the next change', { error: err }),
      );
    return writing;
  };

  return {
    async load() {
      try {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ConnectStateFile>;
        data = {
          sources: parsed.sources && typeof parsed.sources === 'object' ? parsed.sources : {},
          reports: Array.isArray(parsed.reports) ? parsed.reports : [],
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        const aside = `${file}.unreadable-${Date.now()}`;
        await rename(file, aside).catch(() => undefined);
        logger.warn(
          `The Connect state could not be read and was moved to ${aside}; Hookdock checks every subscription again`,
          {
            error: err,
          },
        );
      }
    },
    get: (id) => data.sources[id],
    ids: () => Object.keys(data.sources),
    set(id, state) {
      if (state) data.sources[id] = state;
      else delete data.sources[id];
      return save();
    },
    reports: () => [...data.reports],
    hasReport: (gapId, sourceId) => data.reports.some((r) => r.gapId === gapId && r.source === sourceId),
    addReport(report) {
      data.reports.push(report);
      if (data.reports.length > MAX_REPORTS) data.reports = data.reports.slice(-MAX_REPORTS);
      return save();
    },
    flush: () => writing,
  };
}
