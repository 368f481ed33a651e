// Secrets at rest in config.json, on real files: encoded on disk through the
// host's codec, decoded for use, hand-typed plain secrets re-saved encoded
// (without looping on the watcher), undecryptable values reported by JSON path,
// and the headless mode (no codec) unchanged: plain text in a 0600 file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/config';
import { createConfigService, toPublicConfig } from '../../electron/engine/config';
import { KEYCHAIN_PREFIX } from '../../electron/engine/config/secrets';
import { createEngine } from '../../electron/engine/engine';
import type { ConfigService, Engine, SecretCodec } from '../../electron/engine/types';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { createSecretCodec } from '../../electron/shell/secrets';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const STRIPE_SECRET = 'whsec_' + Buffer.from('at-rest-stripe-secret').toString('base64');
const DEST_SECRET = 'whsec_' + Buffer.from('at-rest-destination-secret').toString('base64');
const NGROK_TOKEN = 'ngrok-at-rest-token-abcdef';
const PREFIX = 'test-enc:';
const posix = process.platform !== 'win32';

/** A reversible AES-GCM codec standing in for the keychain; another key = another computer. */
function aesCodec(key = randomBytes(32)): SecretCodec & { encodes: number } {
  const codec = {
    mode: 'os-keychain' as const,
    encodes: 0,
    encode(plain: string) {
      if (!plain || plain.startsWith(PREFIX)) return plain;
      codec.encodes++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decode(stored: string) {
      if (!stored.startsWith(PREFIX)) return stored;
      const buf = Buffer.from(stored.slice(PREFIX.length), 'base64');
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
  return codec;
}

/** Electron's safeStorage as the shell's codec uses it, over a real cipher. */
function fakeSafeStorage(key = randomBytes(32)) {
  const aes = aesCodec(key);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret' as never,
    encryptString: (plain: string) => Buffer.from(aes.encode(plain), 'utf8'),
    decryptString: (buf: Buffer) => aes.decode(buf.toString('utf8')),
  };
}

let dir: string;
let bus: Bus;
let logger: ReturnType<typeof memoryLogger>;
let services: ConfigService[];
let engine: Engine | null;

const file = () => join(dir, 'config.json');
const readDisk = () => readFile(file(), 'utf8');
const make = (secretCodec?: SecretCodec) => {
  const svc = createConfigService({ dataDir: dir, bus, logger, pollMs: 100, debounceMs: 20, secretCodec });
  services.push(svc);
  return svc;
};
const plainConfig = () => ({
  sources: [
    { id: 'payments', provider: 'stripe', secret: STRIPE_SECRET },
    { id: 'open', provider: 'none' },
  ],
  destinations: [{ id: 'analytics', url: 'https://example.com/hooks', secret: DEST_SECRET }],
  tunnel: { provider: 'ngrok', authtoken: NGROK_TOKEN, domain: null },
});
const writeJson = (value: unknown) => writeFile(file(), JSON.stringify(value, null, 2));
const mode = async () => (await stat(file())).mode & 0o777;
const expectNoPlainSecret = (text: string) => {
  for (const s of [STRIPE_SECRET, DEST_SECRET, NGROK_TOKEN]) expect(text).not.toContain(s);
};

beforeEach(async () => {
  dir = await makeTempDir();
  bus = createBus();
  logger = memoryLogger();
  services = [];
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  for (const svc of services) await svc.stop();
  await removeDir(dir);
});

describe('config secrets at rest, with a keychain codec', () => {
  it('re-saves hand-typed plain secrets encoded at start, uses them decoded, masks them', async () => {
    await writeJson(plainConfig());
    if (posix) await chmod(file(), 0o644);
    const svc = make(aesCodec());
    await svc.start();

    const disk = await readDisk();
    expectNoPlainSecret(disk);
    const raw = JSON.parse(disk) as ReturnType<typeof plainConfig>;
    expect(raw.sources[0].secret?.startsWith(PREFIX)).toBe(true);
    expect(raw.destinations[0].secret.startsWith(PREFIX)).toBe(true);
    expect(raw.tunnel.authtoken.startsWith(PREFIX)).toBe(true);
    expect(raw.sources[1]).toEqual({ id: 'open', provider: 'none' });
    if (posix) expect(await mode()).toBe(0o600);

    expect(svc.current().sources[0].secret).toBe(STRIPE_SECRET);
    expect(svc.current().destinations[0].secret).toBe(DEST_SECRET);
    expect(svc.current().tunnel.authtoken).toBe(NGROK_TOKEN);
    expect(svc.error()).toBeNull();
    expect(svc.secretsStorage?.()).toBe('os-keychain');

    const pub = toPublicConfig(svc.current(), null, svc.secretsStorage?.());
    expectNoPlainSecret(JSON.stringify(pub));
    expect(JSON.stringify(pub)).not.toContain(PREFIX);
    expect(pub.sources[0].secret).toBe(SECRET_MASK);
    expect(pub.secretsStorage).toBe('os-keychain');
  });

  it('writes encoded on update(), reads it back on the next start, keeps 0600', async () => {
    const codec = aesCodec();
    const svc = make(codec);
    await svc.start();
    await svc.update((d) => {
      d.sources.push({ id: 'payments', provider: 'stripe', secret: STRIPE_SECRET });
      d.tunnel.authtoken = NGROK_TOKEN;
    });
    expectNoPlainSecret(await readDisk());
    if (posix) expect(await mode()).toBe(0o600);
    await svc.stop();

    const again = make(codec);
    await again.start();
    expect(again.current().sources[0].secret).toBe(STRIPE_SECRET);
    expect(again.current().tunnel.authtoken).toBe(NGROK_TOKEN);
  });

  it('re-saves a plain hand edit made while running once, without looping on the watcher', async () => {
    const codec = aesCodec();
    const svc = make(codec);
    await svc.start();
    const handSecret = 'hand-typed-' + Date.now();
    const edited = plainConfig();
    edited.sources[0] = { id: 'payments', provider: 'shopify', secret: handSecret };
    await writeJson(edited);
    await waitFor(() => svc.current().sources[0]?.secret === handSecret, 5000, 'hand edit');
    const saved = await waitFor(
      async () => {
        const text = await readDisk();
        return text.includes(handSecret) ? null : text;
      },
      5000,
      'encrypted re-save',
    );
    expectNoPlainSecret(saved);
    const encodes = codec.encodes;
    // Several polls and watch events later: no further writes, no further encryption.
    await new Promise((r) => setTimeout(r, 500));
    expect(await readDisk()).toBe(saved);
    expect(codec.encodes).toBe(encodes);
    expect(logger.lines.filter((l) => l.includes('Encrypted the secrets written by hand')).length).toBe(1);
    expect(svc.current().sources[0].secret).toBe(handSecret);
    expect(svc.error()).toBeNull();
  });

  it('rejects a hand edit holding a secret from another computer, naming the path; the last good config stays', async () => {
    const svc = make(aesCodec());
    await svc.start();
    await svc.update((d) => {
      d.sources.push({ id: 'payments', provider: 'stripe', secret: STRIPE_SECRET });
    });
    const foreign = plainConfig();
    foreign.sources[0].secret = aesCodec().encode('from-another-computer');
    await writeJson(foreign);
    const error = await waitFor(
      () => (svc.error()?.includes('could not be decrypted') ? svc.error() : null),
      5000,
      'config error',
    );
    expect(error).toContain('sources[0].secret could not be decrypted on this computer');
    expect(error).toContain('paste the secret again');
    expect(svc.current().sources[0].secret).toBe(STRIPE_SECRET);
    expect(svc.current().destinations).toEqual([]);
  });

  it('starts on a file from another computer with the error set, keeps the value until a new secret is pasted', async () => {
    const foreignStored = aesCodec().encode(STRIPE_SECRET);
    const config = plainConfig();
    config.sources[0].secret = foreignStored;
    await writeJson(config);
    const svc = make(aesCodec());
    await svc.start(); // no crash: the owner can fix it in the app
    expect(svc.error()).toContain('sources[0].secret could not be decrypted on this computer');
    const standIn = svc.current().sources[0].secret;
    expect(standIn).not.toBe(foreignStored);
    expect(standIn).not.toBe(STRIPE_SECRET);
    expect(svc.current().destinations[0].secret).toBe(DEST_SECRET); // the readable ones work

    // Saving something else keeps the undecryptable value as it was, and the error.
    await svc.update((d) => {
      d.retention.days = 7;
    });
    expect((JSON.parse(await readDisk()) as typeof config).sources[0].secret).toBe(foreignStored);
    expect(svc.error()).toContain('sources[0].secret');

    await svc.update((d) => {
      d.sources[0].secret = 'whsec_' + Buffer.from('pasted-again').toString('base64');
    });
    expect(svc.error()).toBeNull();
    expect(await readDisk()).not.toContain(foreignStored);
  });
});

describe('config secrets at rest, headless (no codec)', () => {
  it('stores secrets as written, in a 0600 file, and says so', async () => {
    await writeJson(plainConfig());
    if (posix) await chmod(file(), 0o644);
    const before = await readDisk();
    const svc = make();
    await svc.start();
    expect(await readDisk()).toBe(before); // not rewritten
    if (posix) expect(await mode()).toBe(0o600);
    expect(svc.current().sources[0].secret).toBe(STRIPE_SECRET);
    expect(svc.secretsStorage?.()).toBe('plain-file');
    expect(toPublicConfig(svc.current(), null, svc.secretsStorage?.()).secretsStorage).toBe('plain-file');

    await svc.update((d) => {
      d.retention.days = 3;
    });
    const disk = await readDisk();
    expect(disk).toContain(STRIPE_SECRET);
    expect(disk).toContain(NGROK_TOKEN);
    if (posix) expect(await mode()).toBe(0o600);
  });

  it('creates the default config with mode 0600', async () => {
    const svc = make();
    await svc.start();
    if (posix) expect(await mode()).toBe(0o600);
  });
  it('starts on a file whose secrets the desktop app encrypted: says which and what to do, never uses the ciphertext', async () => {
    const encrypted = createSecretCodec(fakeSafeStorage(), 'linux').encode(STRIPE_SECRET);
    expect(encrypted.startsWith(KEYCHAIN_PREFIX)).toBe(true);
    const config = plainConfig();
    config.sources[0].secret = encrypted;
    await writeJson(config);
    const svc = make();
    await svc.start();
    expect(svc.error()).toContain('sources[0].secret was encrypted by the Hookdock desktop app');
    expect(svc.error()).toContain('hookdock serve cannot use');
    const standIn = svc.current().sources[0].secret;
    expect(standIn).not.toBe(encrypted);
    expect(svc.current().destinations[0].secret).toBe(DEST_SECRET);
    // Saving something else leaves the desktop app's value as it was, for the app to read.
    await svc.update((d) => {
      d.retention.days = 9;
    });
    expect((JSON.parse(await readDisk()) as typeof config).sources[0].secret).toBe(encrypted);
    // Pasting it again in the dashboard fixes it.
    await svc.update((d) => {
      d.sources[0].secret = STRIPE_SECRET;
    });
    expect(svc.error()).toBeNull();
    expect(svc.current().sources[0].secret).toBe(STRIPE_SECRET);
  });
});

describe('engine with the shell codec', () => {
  it('verifies signatures with the decoded secret, before and after a restart', async () => {
    const sources = sampleSources();
    const stripe = sources.find((s) => s.id === 'payments')!;
    await writeFile(file(), JSON.stringify({ sources, tunnel: { provider: 'none' } }));
    const secretCodec = createSecretCodec(fakeSafeStorage(), 'linux');
    const start = async () => {
      engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger, secretCodec });
      await engine.start();
      return engine;
    };

    let e = await start();
    const disk = await readDisk();
    for (const s of sources) if (s.secret) expect(disk).not.toContain(s.secret);
    const first = await postHook(e.receiverUrl(), 'payments', await signedRequest(stripe));
    expect(first.status).toBe(200);
    const forged = await postHook(
      e.receiverUrl(),
      'payments',
      await signedRequest({ ...stripe, secret: 'whsec_d3Jvbmc=' }),
    );
    expect(forged.status).toBe(401);
    const pub = await e.handlers.getConfig({});
    expect(pub.secretsStorage).toBe('os-keychain');
    expect(pub.sources.find((s) => s.id === 'payments')?.secret).toBe(SECRET_MASK);
    await e.stop();

    e = await start();
    expect(await readDisk()).toBe(disk); // already encrypted: not rewritten
    const second = await postHook(e.receiverUrl(), 'payments', await signedRequest(stripe));
    expect(second.status).toBe(200);
  });
});
