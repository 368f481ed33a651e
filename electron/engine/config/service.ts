// DATA_DIR/config.json: loaded and validated at start (a default one is written
// when missing), edited by the UI through update(), and edited by hand while
// running. Hand edits are noticed by fs.watch on the folder plus a cheap poll,
// because fs.watch misses some atomic renames (editors, `mv`) on some systems.
// An invalid hand edit never replaces the last good config: it sets error().
// Secrets go through the host's SecretCodec (secrets.ts) to and from the file,
// and the file is kept readable by this user only (0600) either way.
import { watch, type FSWatcher } from 'node:fs';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { configSchema, describeIssues, type Config } from '../../../shared/config';
import { isJson, parseConfigText, registerConfigSecrets, serializeConfig, defaultConfig } from './parse';
import type { Unsubscribe } from '../../../shared/events';
import type { ConfigService, SecretCodec } from '../types';
import type { Bus } from '../util/bus';
import { HttpError } from '../util/errors';
import type { Logger } from '../util/logger';
import { QUARANTINE_DIR, keepBytes } from '../store/quarantine';
import { writeFileAtomic } from './atomic-write';
import { ConfigError } from './errors';
import { createSecretsAtRest, unreadableMessage } from './secrets';

export const CONFIG_FILE = 'config.json';
export { defaultConfig, parseConfigText, registerConfigSecrets, serializeConfig } from './parse';

export interface ConfigServiceOptions {
  dataDir: string;
  bus: Bus;
  logger: Logger;
  /** Re-reads the file this often in case fs.watch missed a change. */
  pollMs?: number;
  /** Editors write in several steps: wait this long after the last change. */
  debounceMs?: number;
  /** Encrypts secrets at rest (desktop: the OS keychain). Absent = stored as written. */
  secretCodec?: SecretCodec;
}

/** A copied, restored or editor-rewritten file may have lost its 0600 mode: tighten it again, never widen. */
async function keepPrivate(file: string, logger: Logger): Promise<void> {
  if (process.platform === 'win32') return; // modes do not apply; the profile folder's ACL protects it
  try {
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  } catch (err) {
    logger.debug(`Could not restrict ${file} to this user`, { error: err });
  }
}

const HALF_WRITE_GRACE_MS = 200;

export function createConfigService(options: ConfigServiceOptions): ConfigService {
  const { bus, logger } = options;
  const file = join(options.dataDir, CONFIG_FILE);
  const pollMs = options.pollMs ?? 1000;
  const debounceMs = options.debounceMs ?? 100;
  const secrets = createSecretsAtRest(options.secretCodec);

  let current: Config | null = null;
  let lastError: string | null = null;
  /** The hand edit on disk that was rejected, until a good file is read or the app saves over it. */
  let rejectedEdit: string | null = null;
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

  /** Null, or the secrets still waiting to be pasted again (a config that started with undecryptable ones). */
  const secretsError = (config: Config): string | null => {
    const unreadable = secrets.unreadable(config);
    return unreadable.length ? unreadableMessage(file, unreadable, secrets.codec) : null;
  };

  const apply = (config: Config) => {
    registerConfigSecrets(config);
    current = config;
    lastError = secretsError(config);
    rejectedEdit = null; // a good file was read, or the app's save replaced the bad one
    for (const fn of listeners) {
      try {
        fn(config);
      } catch (err) {
        logger.error('A config listener failed', { error: err });
      }
    }
    bus.emit('config.changed', { error: lastError });
  };

  /**
   * A secret typed into the file by hand is saved again encrypted at once, so it
   * does not stay on disk in clear. lastText becomes the written text, so the
   * watcher sees no change (no loop); a file edited again meanwhile is left alone.
   */
  const resaveEncrypted = async (readText: string, raw: unknown): Promise<void> => {
    try {
      const text = serializeConfig(secrets.encode(raw));
      if ((await readFile(file, 'utf8')) !== readText) return;
      await writeFileAtomic(file, text);
      lastText = text;
      logger.info(`Encrypted the secrets written by hand in ${file}`);
    } catch (err) {
      logger.warn(`Could not encrypt the secrets written by hand in ${file}; they stay readable by this user only`, {
        error: err,
      });
    }
  };

  const reject = (error: string) => {
    lastError = error;
    rejectedEdit = error;
    logger.warn(`Ignoring the edited config, the last good one stays in use: ${error}`);
    bus.emit('config.changed', { error });
  };

  /**
   * Copies the config file Hookdock could not use into DATA_DIR/quarantine
   * before a save replaces it (nothing is deleted because it could not be
   * read); refuses the save when the copy cannot be made.
   */
  const keepRejectedFile = async (): Promise<string | null> => {
    try {
      const bytes = await readFile(file);
      return await keepBytes(join(options.dataDir, QUARANTINE_DIR), CONFIG_FILE, bytes, Date.now());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      logger.error(`Could not keep a copy of the invalid ${file}`, { error: err });
      throw new HttpError(
        500,
        'config_keep_failed',
        `Hookdock could not keep a copy of your hand-edited ${file} (${code ?? 'error'}) before replacing it, so nothing was saved. Fix the file by hand, or free some disk space and try again.`,
      );
    }
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
      // An editor (or a script) that writes in place can be caught mid-write: a
      // half-written file is not JSON. Look once more a moment later before
      // calling it invalid, so a save in progress never shows as an error.
      if (text !== lastText && !isJson(text)) {
        await new Promise((r) => setTimeout(r, HALF_WRITE_GRACE_MS));
        text = await readFile(file, 'utf8').catch(() => text);
      }
      if (text === lastText) return;
      lastText = text;
      await keepPrivate(file, logger);
      const parsed = parseConfigText(text, file, secrets);
      if (!parsed.ok) return reject(parsed.error);
      logger.info('Config reloaded from a hand edit');
      secrets.forgetStandIns();
      apply(parsed.config);
      if (parsed.plainFound) await resaveEncrypted(text, parsed.raw);
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
    await keepPrivate(file, logger);
    // No last good config to fall back on: undecryptable secrets get stand-ins
    // and error() says which to paste again, rather than the app not starting.
    const parsed = parseConfigText(text, file, secrets, { standIns: true });
    if (!parsed.ok) throw new ConfigError(parsed.error);
    lastText = text;
    if (parsed.plainFound) await resaveEncrypted(text, parsed.raw);
    return parsed.config;
  };

  return {
    async start() {
      stopped = false;
      const config = await load();
      registerConfigSecrets(config);
      current = config;
      lastError = secretsError(config);
      if (lastError) logger.warn(lastError);
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

    rejectedEdit: () => rejectedEdit,

    secretsStorage: () => secrets.storage,

    update(mutate) {
      return exclusive(async () => {
        const draft = structuredClone(getCurrent());
        const out = mutate(draft) ?? draft;
        const result = configSchema.safeParse(out);
        if (!result.success) throw new HttpError(400, 'invalid_config', describeIssues(result.error));
        let text: string;
        try {
          text = serializeConfig(secrets.encode(result.data));
        } catch (err) {
          logger.error('The system keychain could not encrypt a secret', { error: err });
          const why =
            'The system keychain could not encrypt the secrets, so nothing was saved. Unlock the keychain and try again.';
          throw new HttpError(500, 'secrets_encrypt_failed', why);
        }
        // An invalid hand edit is about to be replaced: its bytes go to quarantine first.
        const replacing = lastError && lastError !== secretsError(getCurrent());
        const keptAt = replacing ? await keepRejectedFile() : null;
        try {
          await writeFileAtomic(file, text);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          logger.error(`Could not save ${file}`, { error: err });
          throw new HttpError(
            500,
            'config_write_failed',
            `Hookdock could not save ${file} (${code}). Check the disk and try again.`,
          );
        }
        if (replacing) {
          logger.warn(
            `The invalid hand edit of ${file} was replaced by the settings saved from the app; it was kept at ${keptAt}`,
          );
        }
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
