// Secrets at rest: the codec over a fake safeStorage (a real cipher, so a
// wrong key really fails), and the desktop preferences file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../electron/engine/util/logger';
import { loadPrefs, PREFS_FILE } from '../../electron/shell/prefs';
import {
  createSecretCodec,
  ENCRYPTED_PREFIX,
  mapConfigSecrets,
  secretsMode,
  secretsStatus,
  SecretUnreadableError,
  trackCodecUse,
} from '../../electron/shell/secrets';

/** Stands in for the OS keychain: AES-256-GCM with a key only this "keychain" holds. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; key?: Buffer } = {}) {
  const key = opts.key ?? randomBytes(32);
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => (opts.backend ?? 'gnome_libsecret') as never,
    encryptString(plain: string) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf: Buffer) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('secret codec', () => {
  it('encrypts with the keychain and reads back; plain values from hand edits pass through', () => {
    const codec = createSecretCodec(fakeSafeStorage(), 'darwin');
    expect(codec.mode).toBe('os-keychain');
    const stored = codec.encode('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(stored.startsWith(ENCRYPTED_PREFIX)).toBe(true);
    expect(stored).not.toContain('MfKQ9r8GKYqr');
    expect(codec.decode(stored)).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(codec.encode(stored)).toBe(stored); // never double-encrypted
    expect(codec.decode('whsec_typed_by_hand')).toBe('whsec_typed_by_hand');
  });

  it('says so in a sentence when the keychain cannot read a secret any more', () => {
    const stored = createSecretCodec(fakeSafeStorage(), 'win32').encode('shpss_abcdef');
    const otherKeychain = createSecretCodec(fakeSafeStorage(), 'win32');
    expect(() => otherKeychain.decode(stored)).toThrow(SecretUnreadableError);
    expect(() => otherKeychain.decode(stored)).toThrow(/Enter it again in Settings/);
  });

  it('falls back to a plain 0600 file without a real keychain, and says so', () => {
    expect(secretsMode(fakeSafeStorage({ available: false }), 'darwin')).toBe('plain-file');
    // Linux without a keyring: Chromium "encrypts" with a hard-coded key. We do not call that encryption.
    expect(secretsMode(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toBe('plain-file');
    expect(secretsMode(fakeSafeStorage({ backend: 'kwallet5' }), 'linux')).toBe('os-keychain');
    const throwing = {
      ...fakeSafeStorage(),
      isEncryptionAvailable: () => {
        throw new Error('not ready');
      },
    };
    expect(secretsMode(throwing, 'darwin')).toBe('plain-file');
    const plain = createSecretCodec(fakeSafeStorage({ available: false }), 'linux');
    expect(plain.encode('whsec_abc')).toBe('whsec_abc');
    expect(secretsStatus('plain-file').description).toMatch(/only your user account can read/);
    expect(secretsStatus('os-keychain').description).toMatch(/keychain/);
  });

  it('maps exactly the secrets of a raw config', () => {
    const raw = {
      sources: [
        { id: 'a', provider: 'stripe', secret: 's1' },
        { id: 'b', provider: 'none' },
      ],
      destinations: [{ id: 'd', url: 'https://x', secret: 'whsec_d' }],
      tunnel: { provider: 'ngrok', authtoken: 'tok', domain: null },
      automations: [{ id: 'x', secret: 'not-a-secret-field-here' }],
    };
    const out = mapConfigSecrets(raw, (v) => `<${v}>`) as typeof raw;
    expect(out.sources[0].secret).toBe('<s1>');
    expect(out.sources[1]).toEqual({ id: 'b', provider: 'none' });
    expect(out.destinations[0].secret).toBe('<whsec_d>');
    expect(out.tunnel.authtoken).toBe('<tok>');
    expect(out.automations[0].secret).toBe('not-a-secret-field-here');
    expect(raw.sources[0].secret).toBe('s1'); // a copy, not an edit
    expect(mapConfigSecrets({ tunnel: { authtoken: null } }, () => 'x')).toEqual({ tunnel: { authtoken: null } });
    expect(mapConfigSecrets('nonsense', () => 'x')).toBe('nonsense');
  });
});

describe('desktop preferences', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('saves to desktop.json (0600) and loads it back; a broken file means defaults', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hookdock-prefs-'));
    const logger = memoryLogger();
    const prefs = await loadPrefs(dir, logger);
    expect(prefs.get()).toEqual({ notifyEventTypes: [], notificationsEnabled: true, keepAwake: false });
    expect(prefs.closeNoticeShown()).toBe(false);
    await prefs.set({ notifyEventTypes: ['refund.*'] });
    await prefs.markCloseNoticeShown();
    const file = path.join(dir, PREFS_FILE);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadPrefs(dir, logger);
    expect(again.get()).toEqual({ notifyEventTypes: ['refund.*'], notificationsEnabled: true, keepAwake: false });
    expect(again.closeNoticeShown()).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8')).closeNoticeShown).toBe(true);

    await writeFile(file, '{ not json');
    const broken = await loadPrefs(dir, logger);
    expect(broken.get().notifyEventTypes).toEqual([]);
    expect(logger.lines.some((l) => l.includes('could not be read'))).toBe(true);
    // Kept before the next save replaces it (nothing is deleted because it could not be read).
    const kept = (await readdir(path.join(dir, 'quarantine'))).filter((n) => n.endsWith('-desktop.json'));
    expect(kept).toHaveLength(1);
    expect(await readFile(path.join(dir, 'quarantine', kept[0]), 'utf8')).toBe('{ not json');
    await broken.set({ notifyEventTypes: ['orders/*'] });
    expect(await readFile(path.join(dir, 'quarantine', kept[0]), 'utf8')).toBe('{ not json');
  });
});

describe('codec use tracking', () => {
  it('reports use only once the engine passed a secret through the codec', () => {
    const tracked = trackCodecUse(createSecretCodec(fakeSafeStorage(), 'darwin'));
    expect(tracked.used()).toBe(false);
    expect(tracked.codec.mode).toBe('os-keychain');
    const stored = tracked.codec.encode('whsec_abc');
    expect(tracked.used()).toBe(true);
    expect(tracked.codec.decode(stored)).toBe('whsec_abc');
  });
});
