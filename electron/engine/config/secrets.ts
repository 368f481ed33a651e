// Secrets at rest in config.json: sources[].secret, sources[].connect.credential, destinations[].secret,
// actions' secrets (automations[].action: shared/actions.ts ACTION_SECRET_PATHS) and
// tunnel.authtoken and follow.link go through the host's SecretCodec (the OS keychain on the
// desktop) on their way to and from the file. Without a codec (headless) they
// are stored as written, in a file only this user can read (0600).
import { randomBytes } from 'node:crypto';
import { mapActionSecrets } from '../../../shared/actions';
import type { Config } from '../../../shared/config';
import type { SecretCodec } from '../types';

export type SecretsStorage = SecretCodec['mode'];

/**
 * How the desktop app marks a secret it encrypted with the system keychain
 * (electron/shell/secrets.ts). The engine only recognises it: without the app
 * (hookdock serve) such a value cannot be read, and the owner is told so.
 */
export const KEYCHAIN_PREFIX = 'enc:safeStorage:v1:';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies `fn` to every secret of a raw (not yet validated) config object and
 * returns a copy; `path` is the JSON path shown to the owner ("sources[0].secret").
 */
export function mapSecretFields(raw: unknown, fn: (value: string, path: string) => string): unknown {
  if (!isObject(raw)) return raw;
  const out: Json = { ...raw };
  for (const list of ['sources', 'destinations'] as const) {
    const items = raw[list];
    if (!Array.isArray(items)) continue;
    out[list] = items.map((item: unknown, i) => {
      if (!isObject(item)) return item;
      let copy = typeof item.secret === 'string' ? { ...item, secret: fn(item.secret, `${list}[${i}].secret`) } : item;
      // A connected source's API credential (issue #14) is a secret like its signing secret.
      const connect = item.connect;
      if (isObject(connect) && typeof connect.credential === 'string') {
        copy = {
          ...copy,
          connect: { ...connect, credential: fn(connect.credential, `${list}[${i}].connect.credential`) },
        };
      }
      return copy;
    });
  }
  // Actions' secrets (a forward's signing secret, an SMTP password): shared/actions.ts ACTION_SECRET_PATHS.
  if (Array.isArray(raw.automations)) {
    out.automations = raw.automations.map((item: unknown, i) =>
      isObject(item) && isObject(item.action)
        ? { ...item, action: mapActionSecrets(item.action, (v, p) => fn(v, `automations[${i}].action.${p}`)) }
        : item,
    );
  }
  if (isObject(raw.tunnel) && typeof raw.tunnel.authtoken === 'string') {
    out.tunnel = { ...raw.tunnel, authtoken: fn(raw.tunnel.authtoken, 'tunnel.authtoken') };
  }
  // The pairing link of follow mode carries the follower's token.
  if (isObject(raw.follow) && typeof raw.follow.link === 'string') {
    out.follow = { ...raw.follow, link: fn(raw.follow.link, 'follow.link') };
  }
  return out;
}

export interface DecodedSecrets {
  raw: unknown;
  /** JSON paths of the values this computer's keychain could not decrypt. */
  unreadable: string[];
  /** A plain secret (a hand edit) that the codec would encrypt: the file should be saved again. */
  plainFound: boolean;
}

export interface SecretsAtRest {
  readonly storage: SecretsStorage;
  /** 'none': no keychain codec at all (hookdock serve). */
  readonly codec: SecretsStorage | 'none';
  /**
   * After JSON.parse, before validation. With `standIns`, an undecryptable value
   * is replaced by a random secret that never verifies (and is written back as
   * the original value), so the app can start and let the owner paste it again.
   */
  decode(raw: unknown, opts?: { standIns?: boolean }): DecodedSecrets;
  /** Before writing: a copy with every secret encoded. */
  encode(raw: unknown): unknown;
  /** Paths of the config's secrets that are still stand-ins for undecryptable values. */
  unreadable(config: Config): string[];
  /** Forgets the stand-ins once a freshly read file replaced the config holding them. */
  forgetStandIns(): void;
}

export function unreadableMessage(file: string, paths: string[], storage: SecretsStorage | 'none'): string {
  const which = paths.join(', ');
  if (storage === 'none') {
    return `${file}: ${which} ${paths.length > 1 ? 'were' : 'was'} encrypted by the Hookdock desktop app with this system's keychain, which hookdock serve cannot use — run the desktop app, or paste the secret again in the dashboard (hookdock serve keeps it in this file, readable only by you).`;
  }
  return `${file}: ${which} could not be decrypted on this computer (the file may come from another computer or user account) — paste the secret again in the app.`;
}

/** True when the codec would store this plain value differently (a keychain that works). */
function wouldEncrypt(codec: SecretCodec, plain: string): boolean {
  try {
    return codec.encode(plain) !== plain;
  } catch {
    return false; // the keychain refuses now: the file stays as it is (0600), and saving will say so
  }
}

export function createSecretsAtRest(codec: SecretCodec | undefined): SecretsAtRest {
  /** stand-in value -> the stored text it replaces, so saving keeps the original until the owner replaces it. */
  const standIns = new Map<string, string>();

  const decodeOne = (stored: string, path: string, acc: DecodedSecrets, allowStandIn: boolean): string => {
    const unreadable = () => {
      acc.unreadable.push(path);
      if (!allowStandIn) return stored;
      // whsec_<base64> passes every secret field's validation (destinations need that shape).
      const standIn = 'whsec_' + randomBytes(24).toString('base64');
      standIns.set(standIn, stored);
      return standIn;
    };
    // Headless: the desktop app's ciphertext would otherwise pass for the secret itself.
    if (!codec) return stored.startsWith(KEYCHAIN_PREFIX) ? unreadable() : stored;
    let plain: string;
    try {
      plain = codec.decode(stored);
    } catch {
      return unreadable();
    }
    if (plain === stored && !acc.plainFound) acc.plainFound = wouldEncrypt(codec, stored);
    return plain;
  };

  return {
    storage: codec?.mode ?? 'plain-file',
    codec: codec?.mode ?? 'none',

    decode(raw, opts = {}) {
      const acc: DecodedSecrets = { raw, unreadable: [], plainFound: false };
      acc.raw = mapSecretFields(raw, (value, path) => decodeOne(value, path, acc, opts.standIns ?? false));
      return acc;
    },

    encode(raw) {
      if (!codec && standIns.size === 0) return raw;
      return mapSecretFields(raw, (value) => standIns.get(value) ?? (codec ? codec.encode(value) : value));
    },

    unreadable(config) {
      if (standIns.size === 0) return [];
      const paths: string[] = [];
      mapSecretFields(config, (value, path) => {
        if (standIns.has(value)) paths.push(path);
        return value;
      });
      return paths;
    },

    forgetStandIns: () => standIns.clear(),
  };
}
