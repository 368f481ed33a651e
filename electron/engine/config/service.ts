// DATA_DIR/config.json: loaded and validated at start (a default one is written
// when missing), edited by the UI through update(), and edited by hand while
// running. Hand edits are noticed by fs.watch on the folder plus a cheap poll,
// because fs.watch misses some atomic renames (editors, `mv`) on some systems.
// An invalid hand edit never replaces the last good config: it sets error().
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configSchema, describeIssues, type Config } from '../../../shared/config';
import type { Unsubscribe } from '../../../shared/events';
import type { ConfigService } from '../types';
import type { Bus } from '../util/bus';
import { HttpError } from '../util/errors';
import { registerSecret, type Logger } from '../util/logger';
import { writeFileAtomic } from './atomic-write';
import { ConfigError } from './errors';

export const CONFIG_FILE = 'config.json';

export interface ConfigServiceOptions {
  dataDir: string;
  bus: Bus;
  logger: Logger;
  /** Re-reads the file this often in case fs.watch missed a change. */
  pollMs?: number;
  /** Editors write in several steps: wait this long after the last change. */
  debounceMs?: number;
}

type Parsed = { ok: true; config: Config } | { ok: false; error: string };

/** Parses the file's text; the error names the file and the JSON path of the bad field. */
export function parseConfigText(text: string, file: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${file} is not valid JSON (${(err as Error).message})` };
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) return { ok: false, error: `${file} is invalid: ${describeIssues(result.error)}` };
  return { ok: true, config: result.data };
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

export function serializeConfig(config: Config): string {
  return JSON.stringify(config, null, 2) + '\n';
}

/** Every secret the config holds is scrubbed from logs from now on. */
export function registerConfigSecrets(config: Config): void {
  for (const s of config.sources) registerSecret(s.secret);
  for (const d of config.destinations) registerSecret(d.secret);
  registerSecret(config.tunnel.authtoken);
}

export function createConfigService(options: ConfigServiceOptions): ConfigService {
  const { bus, logger } = options;
  const file = join(options.dataDir, CONFIG_FILE);
  const pollMs = options.pollMs ?? 1000;
  const debounceMs = options.debounceMs ?? 100;

  let current: Config | null = null;
  let lastError: string | null = null;
  /** The text last read from or written to the file: unchanged text is not parsed again. */
  let lastText: string | null = null;
  const listeners = new Set<(config: Config) => void>();
  let watcher: FSWatcher | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let debounceTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  // Updates and reloads run one at a time, so a UI save and a hand edit never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const getCurrent = (): Config => {
    if (!current) throw new Error('The config service is not started');
    return current;
  };

  const apply = (config: Config) => {
    registerConfigSecrets(config);
    current = config;
    lastError = null;
    for (const fn of listeners) {
      try {
        fn(config);
      } catch (err) {
        logger.error('A config listener failed', { error: err });
      }
    }
    bus.emit('config.changed', { error: null });
  };

  const reject = (error: string) => {
    lastError = error;
    logger.warn(`Ignoring the edited config, the last good one stays in use: ${error}`);
    bus.emit('config.changed', { error });
  };

  const reload = () =>
    exclusive(async () => {
      if (stopped) return;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Some editors delete then recreate: the next change event or poll will see the new file.
        if (code === 'ENOENT') return;
        if (lastText !== null) reject(`${file} cannot be read (${code ?? (err as Error).message})`);
        lastText = null;
        return;
      }
      if (text === lastText) return;
      lastText = text;
      const parsed = parseConfigText(text, file);
      if (!parsed.ok) return reject(parsed.error);
      logger.info('Config reloaded from a hand edit');
      apply(parsed.config);
    });

  const scheduleReload = () => {
    if (stopped) return;
    if (debounceTimer) clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => {
      debounceTimer = null;
      void reload();
    }, debounceMs);
    debounceTimer.unref();
  };

  const load = async (): Promise<Config> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ConfigError(`${file} cannot be read (${code ?? (err as Error).message})`);
      const config = defaultConfig();
      const fresh = serializeConfig(config);
      await writeFileAtomic(file, fresh);
      logger.info(`Wrote a default config to ${file}`);
      lastText = fresh;
      return config;
    }
    const parsed = parseConfigText(text, file);
    if (!parsed.ok) throw new ConfigError(parsed.error);
    lastText = text;
    return parsed.config;
  };

  return {
    async start() {
      stopped = false;
      const config = await load();
      registerConfigSecrets(config);
      current = config;
      lastError = null;
      try {
        watcher = watch(options.dataDir, { persistent: false }, (_event, name) => {
          if (!name || name.toString() === CONFIG_FILE) scheduleReload();
        });
        watcher.on('error', (err) => logger.debug('Config folder watch failed; polling only', { error: err }));
      } catch (err) {
        logger.debug('Cannot watch the config folder; polling only', { error: err });
      }
      pollTimer = setInterval(() => void reload(), pollMs);
      pollTimer.unref();
    },

    async stop() {
      stopped = true;
      watcher?.close();
      watcher = null;
      if (pollTimer) clearInterval(pollTimer);
      if (debounceTimer) clearTimeout(debounceTimer);
      pollTimer = debounceTimer = null;
      await queue;
    },

    current: getCurrent,

    error: () => lastError,

    update(mutate) {
      return exclusive(async () => {
        const draft = structuredClone(getCurrent());
        const out = mutate(draft) ?? draft;
        const result = configSchema.safeParse(out);
        if (!result.success) throw new HttpError(400, 'invalid_config', describeIssues(result.error));
        const text = serializeConfig(result.data);
        try {
          await writeFileAtomic(file, text);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          logger.error(`Could not save ${file}`, { error: err });
          throw new HttpError(500, 'config_write_failed', `Hookdock could not save ${file} (${code}). Check the disk and try again.`);
        }
        if (lastError) logger.warn(`The invalid hand edit of ${file} was replaced by the settings saved from the app`);
        lastText = text;
        apply(result.data);
        return result.data;
      });
    },

    onChange(fn): Unsubscribe {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
