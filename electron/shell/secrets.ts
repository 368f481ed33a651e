// Secrets at rest. Where the OS offers a keychain (macOS Keychain, Windows
// DPAPI, libsecret/KWallet on Linux) the secrets in config.json are encrypted
// with Electron's safeStorage; elsewhere they stay as written in a file only
// this user can read (0600), and the UI says so. safeStorage is injected.
import type { SafeStorage } from 'electron';
import type { SecretsStorageStatus } from '../../shared/desktop';
import { KEYCHAIN_PREFIX } from '../engine/config/secrets';
import type { SecretCodec } from '../engine/types';

/** Marks a value we encrypted; anything else (a hand edit) is taken as plain text. */
export const ENCRYPTED_PREFIX = KEYCHAIN_PREFIX;

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/**
 * On Linux without a keyring, safeStorage falls back to 'basic_text': a key
 * hard-coded in Chromium. That is obfuscation, not encryption, so we do not
 * claim it: the file's 0600 mode is the real protection there.
 */
export function secretsMode(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretCodec['mode'] {
  try {
    if (!safeStorage.isEncryptionAvailable()) return 'plain-file';
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') return 'plain-file';
    }
    return 'os-keychain';
  } catch {
    return 'plain-file';
  }
}

export class SecretUnreadableError extends Error {
  constructor() {
    super(
      "A secret in config.json was encrypted with this computer's keychain and cannot be read any more. Enter it again in Settings.",
    );
    this.name = 'SecretUnreadableError';
  }
}

export function createSecretCodec(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretCodec {
  const mode = secretsMode(safeStorage, platform);
  return {
    mode,
    encode(plain) {
      if (mode !== 'os-keychain' || !plain || plain.startsWith(ENCRYPTED_PREFIX)) return plain;
      return ENCRYPTED_PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    decode(stored) {
      if (!stored || !stored.startsWith(ENCRYPTED_PREFIX)) return stored;
      try {
        return safeStorage.decryptString(Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64'));
      } catch {
        throw new SecretUnreadableError();
      }
    },
  };
}

/**
 * Wraps a codec to know whether the engine actually passes secrets through it,
 * so the UI never claims keychain encryption the config service does not apply.
 */
export function trackCodecUse(codec: SecretCodec): { codec: SecretCodec; used(): boolean } {
  let used = false;
  return {
    codec: {
      mode: codec.mode,
      encode: (plain) => ((used = true), codec.encode(plain)),
      decode: (stored) => ((used = true), codec.decode(stored)),
    },
    used: () => used,
  };
}

export function secretsStatus(mode: SecretCodec['mode']): SecretsStorageStatus {
  return mode === 'os-keychain'
    ? { mode, description: "Secrets are encrypted with your computer's keychain." }
    : {
        mode,
        description:
          'No keychain is available, so secrets are kept in a plain file that only your user account can read.',
      };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies `fn` to every secret of a raw (not yet validated) config object:
 * sources[].secret, destinations[].secret and tunnel.authtoken. Returns a
 * copy; for the config service to decode after JSON.parse and encode before writing.
 */
export function mapConfigSecrets(raw: unknown, fn: (value: string) => string): unknown {
  if (!isObject(raw)) return raw;
  const mapSecret = (item: unknown) =>
    isObject(item) && typeof item.secret === 'string' ? { ...item, secret: fn(item.secret) } : item;
  const out: Json = { ...raw };
  if (Array.isArray(raw.sources)) out.sources = raw.sources.map(mapSecret);
  if (Array.isArray(raw.destinations)) out.destinations = raw.destinations.map(mapSecret);
  if (isObject(raw.tunnel) && typeof raw.tunnel.authtoken === 'string') {
    out.tunnel = { ...raw.tunnel, authtoken: fn(raw.tunnel.authtoken) };
  }
  return out;
}
