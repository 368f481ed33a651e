// The dashboard's access token: random, kept in DATA_DIR/dashboard-token with
// mode 0600 so only the owner's account can read it, stable across restarts so
// a bookmarked link (and its session cookie) keeps working.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerSecret } from '../util/logger';

export const TOKEN_FILE = 'dashboard-token';

/** HOOKDOCK_DASHBOARD_TOKEN wins; else the stored token; else a new one is made and stored. */
export async function loadOrCreateToken(dataDir: string, envToken?: string): Promise<string> {
  const fromEnv = envToken?.trim();
  if (fromEnv) {
    registerSecret(fromEnv);
    return fromEnv;
  }
  const file = join(dataDir, TOKEN_FILE);
  const stored = await readToken(file);
  if (stored) {
    // A copied or restored file may have lost its mode; tighten it again.
    await chmod(file, 0o600).catch(() => undefined);
    registerSecret(stored);
    return stored;
  }
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  try {
    // 'wx' so two processes starting at once cannot overwrite each other's token.
    await writeFile(file, token + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readToken(file);
    if (winner) {
      registerSecret(winner);
      return winner;
    }
    // An empty file left by a crash: replace it.
    await writeFile(file, token + '\n', { mode: 0o600 });
  }
  await chmod(file, 0o600); // the umask may have narrowed nothing, but never widen
  registerSecret(token);
  return token;
}

async function readToken(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
