// Desktop-only preferences in DATA_DIR/desktop.json: which event types raise a
// notification, and whether the "still running in the tray" notice was shown.
// Not in config.json: the headless host has no use for them, and a bad hand
// edit here must never stop the engine (a broken file just means defaults).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DesktopPreferences } from '../../shared/desktop';
import { writeFileAtomic } from '../engine/util/atomic-write';
import { QUARANTINE_DIR, keepBytes } from '../engine/store/quarantine';
import type { Logger } from '../engine/util/logger';

export const PREFS_FILE = 'desktop.json';

export const preferencesInputSchema = z
  .object({
    notifyEventTypes: z.array(z.string().min(1).max(200)).max(100).optional(),
    notificationsEnabled: z.boolean().optional(),
    keepAwake: z.boolean().optional(),
  })
  .strict();

const fileSchema = z.object({
  notifyEventTypes: z.array(z.string()).default([]),
  notificationsEnabled: z.boolean().default(true),
  closeNoticeShown: z.boolean().default(false),
  /** Null: the owner never chose; keepAwakeDefault() decides. */
  keepAwake: z.boolean().nullable().default(null),
});

type StoredPrefs = z.output<typeof fileSchema>;

export interface PrefsStore {
  get(): DesktopPreferences;
  set(patch: z.output<typeof preferencesInputSchema>): Promise<DesktopPreferences>;
  closeNoticeShown(): boolean;
  markCloseNoticeShown(): Promise<void>;
  /** fn is called after every set(); one listener (the desktop app's keep-awake). */
  onChange(fn: () => void): void;
}

/** keepAwakeDefault: the keep-awake value while the owner has not chosen (keep-awake.ts). */
export async function loadPrefs(
  dataDir: string,
  logger: Logger,
  keepAwakeDefault: () => boolean = () => false,
): Promise<PrefsStore> {
  const file = path.join(dataDir, PREFS_FILE);
  let prefs: StoredPrefs = fileSchema.parse({});
  let bytes: Buffer | null = null;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn(`${PREFS_FILE} could not be read; using the defaults`);
  }
  if (bytes) {
    let parsed: ReturnType<typeof fileSchema.safeParse> | null = null;
    try {
      parsed = fileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    } catch {
      // not JSON: kept below
    }
    if (parsed?.success) prefs = parsed.data;
    else {
      // The next save replaces the file: keep what could not be read first.
      const kept = await keepBytes(path.join(dataDir, QUARANTINE_DIR), PREFS_FILE, bytes, Date.now()).catch(() => null);
      logger.warn(
        `${PREFS_FILE} could not be read; using the defaults.` +
          (kept ? ` The file was kept at ${kept}.` : ' A copy could not be kept.'),
      );
    }
  }
  let onChange: (() => void) | undefined;
  // Saves run one after another, so two quick toggles land in order.
  let chain: Promise<void> = Promise.resolve();
  const save = () => {
    const text = JSON.stringify(prefs, null, 2) + '\n';
    chain = chain
      .then(() => writeFileAtomic(file, text))
      .catch((err) => logger.warn('could not save desktop preferences', { error: err }));
    return chain;
  };
  const publicPrefs = (): DesktopPreferences => ({
    notifyEventTypes: [...prefs.notifyEventTypes],
    notificationsEnabled: prefs.notificationsEnabled,
    keepAwake: prefs.keepAwake ?? keepAwakeDefault(),
  });
  return {
    get: publicPrefs,
    async set(patch) {
      prefs = {
        ...prefs,
        ...(patch.notifyEventTypes ? { notifyEventTypes: patch.notifyEventTypes } : {}),
        ...(patch.notificationsEnabled !== undefined ? { notificationsEnabled: patch.notificationsEnabled } : {}),
        ...(patch.keepAwake !== undefined ? { keepAwake: patch.keepAwake } : {}),
      };
      onChange?.();
      await save();
      return publicPrefs();
    },
    closeNoticeShown: () => prefs.closeNoticeShown,
    onChange: (fn) => void (onChange = fn),
    async markCloseNoticeShown() {
      prefs = { ...prefs, closeNoticeShown: true };
      await save();
    },
  };
}
