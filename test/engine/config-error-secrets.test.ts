// Secrets never appear in error text (issue #10, kind 9): a secret pasted into
// config.json without quotes (or anywhere else it breaks the file) must not show
// up, whole or as a prefix, in the config service's error (/api/status
// configError), its log lines or a ConfigError, while the message still says
// where the problem is. Real files in a temp dir.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, describeIssues } from '../../shared/config';
import { ConfigError, createConfigService } from '../../electron/engine/config';
import type { ConfigService } from '../../electron/engine/types';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { memoryLogger, redact } from '../../electron/engine/util/logger';
import { describeJsonError } from '../../electron/engine/util/json-error';
import { makeTempDir, removeDir } from '../helpers/tmp';

// One secret of each shape a provider hands out: Standard Webhooks/Stripe, Shopify
// (hex, no prefix the logger could recognise), an ngrok authtoken, a made-up API key.
const SECRETS = {
  whsec: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  hex: 'a3f9c1e07b5d42e8916f0c2d7e4b8a15f3c6d9e2',
  ngrok: '2Qx7LmN4pR8sT1vW3yZ5aB6cD_7eF8gH9iJ0kL1mN2oP3',
  apiKey: 'kq83jd92ks02jd83ks02kd93ks02kd83ks',
};

/** The secret, and every prefix of it 6 characters or longer (the leak was its first 10). */
function expectNoSecret(text: string, secret: string): void {
  for (let n = 6; n <= secret.length; n++) expect(text, `prefix of ${n}`).not.toContain(secret.slice(0, n));
}

let dir: string;
let bus: Bus;
let logger: ReturnType<typeof memoryLogger>;
let service: ConfigService | null;

const file = () => join(dir, 'config.json');
const make = () => {
  service = createConfigService({ dataDir: dir, bus, logger, pollMs: 50, debounceMs: 10 });
  return service;
};

beforeEach(async () => {
  dir = await makeTempDir();
  bus = createBus();
  logger = memoryLogger();
  service = null;
});
afterEach(async () => {
  await service?.stop();
  await removeDir(dir);
});

/** Config texts with `secret` pasted without quotes in each secret field, and what the error must name. */
function unquoted(secret: string): { field: string; text: string }[] {
  return [
    {
      field: 'sources[0].secret',
      text: `{\n  "sources": [\n    { "id": "pay", "provider": "stripe", "secret": ${secret} }\n  ]\n}\n`,
    },
    {
      field: 'destinations[0].secret',
      text: `{\n  "destinations": [\n    { "id": "d", "url": "https://example.com/h", "secret": ${secret} }\n  ]\n}\n`,
    },
    {
      field: 'tunnel.authtoken',
      text: `{\n  "tunnel": { "provider": "ngrok", "authtoken": ${secret}, "domain": null }\n}\n`,
    },
    // A field a later action kind adds (email's smtp.password, agent's apiKey): same rule, whatever the field.
    {
      field: 'automations[0].action.smtp.password',
      text: `{"automations": [{"id": "a", "action": {"kind": "email", "smtp": {"password": ${secret}}}}]}`,
    },
    { field: 'automations[0].action.apiKey', text: `{"automations": [{"id": "a", "action": {"apiKey": ${secret}}}]}` },
  ];
}

describe('config errors never carry a secret', () => {
  for (const [kind, secret] of Object.entries(SECRETS)) {
    it(`at start: a ${kind} secret without quotes, in every secret field`, async () => {
      for (const { field, text } of unquoted(secret)) {
        await writeFile(file(), text);
        const err = await make()
          .start()
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(err, field).toBeInstanceOf(ConfigError);
        const message = (err as Error).message;
        expect(message).toContain('config.json is not valid JSON');
        expect(message).toContain(`(at ${field})`);
        expect(message).toMatch(/line \d+, column \d+/);
        expectNoSecret(message, secret);
        expectNoSecret(logger.lines.join('\n'), secret);
        service = null;
      }
    });
  }

  it('while running: a hand edit with a secret without quotes is rejected naming line and path only', async () => {
    await writeFile(file(), JSON.stringify({ sources: [{ id: 'shop', provider: 'shopify', secret: 'old-secret-1' }] }));
    const svc = make();
    await svc.start();
    const changed = new Promise<string | null>((resolve) => bus.on('config.changed', (c) => resolve(c.error)));
    await writeFile(
      file(),
      `{\n  "sources": [\n    { "id": "shop", "provider": "shopify",\n      "secret": ${SECRETS.hex} }\n  ]\n}\n`,
    );
    const error = await changed;
    expect(error).toBe(svc.error());
    expect(error).toContain('line 4, column 17 (at sources[0].secret)');
    expectNoSecret(error!, SECRETS.hex);
    expectNoSecret(logger.lines.join('\n'), SECRETS.hex);
    expect(logger.lines.some((l) => l.includes('WARN') && l.includes('line 4, column 17'))).toBe(true);
  });

  it('other ways a secret breaks the file: single quotes, a missing colon, text after the end', async () => {
    const s = SECRETS.hex;
    const texts = [
      `{"sources":[{"id":"p","provider":"shopify","secret":'${s}'}]}`,
      `{"sources":[{"id":"p","provider":"shopify","${s}"}]}`,
      `{"sources":[{"id":"p","provider":"shopify", ${s}}]}`,
      `{"sources":[]} ${s}`,
      `{"sources":[{"id":"p","provider":"shopify","secret":"${s}`,
      `{"sources":[{"id":"p","provider":"shopify","secret":"${s}\n"}]}`,
    ];
    for (const text of texts) {
      const why = describeJsonError(text);
      expect(why, text).toMatch(/^line \d+, column \d+/);
      expectNoSecret(why!, s);
    }
  });

  it('a secret pasted where a field name goes is not echoed by the schema check', () => {
    const r = configSchema.safeParse({ sources: [{ id: 'p', provider: 'shopify', secret: 'x', [SECRETS.hex]: 1 }] });
    expect(r.success).toBe(false);
    const message = describeIssues(r.error!);
    expect(message).toContain('sources[0]');
    expectNoSecret(message, SECRETS.hex);
    // A short plain name (a typo) is still named.
    const typo = configSchema.safeParse({ sources: [{ id: 'p', provider: 'shopify', secret: 'x', secrte: 'y' }] });
    expect(describeIssues(typo.error!)).toContain('"secrte"');
  });

  it('the logger scrubs secrets it was never told about when they have a provider shape', () => {
    expect(redact(`token ${SECRETS.whsec} and ${SECRETS.ngrok}`)).toBe('token ****** and ******');
    expect(redact('sk_live_51HxYzAbCdEf0123 ghp_0123456789abcdefghijABCDEF')).toBe('****** ******');
    // Event ids and ordinary words stay readable.
    expect(redact('evt_01jd8x2k3m4n5p6q7r8s9t0v order_1042')).toBe('evt_01jd8x2k3m4n5p6q7r8s9t0v order_1042');
  });

  it('a secret in any secret-named field of a valid config is scrubbed from logs, future fields too', async () => {
    const smtpPassword = 'smtp-pass-Qz81kd02ks';
    await writeFile(
      file(),
      JSON.stringify({ sources: [{ id: 'shop', provider: 'shopify', secret: 'shop-secret-xyz1' }] }),
    );
    const svc = make();
    await svc.start();
    const { registerConfigSecrets } = await import('../../electron/engine/config/parse');
    registerConfigSecrets({
      automations: [{ action: { smtp: { password: smtpPassword }, apiKey: 'agent-key-77k2' } }],
    });
    logger.error(`failed with ${smtpPassword} and agent-key-77k2 and shop-secret-xyz1`);
    const last = logger.lines.at(-1)!;
    expect(last).not.toContain(smtpPassword);
    expect(last).not.toContain('agent-key-77k2');
    expect(last).not.toContain('shop-secret-xyz1');
  });

  it('an invalid hand edit replaced by a save from the app is kept in quarantine first', async () => {
    await writeFile(file(), JSON.stringify({ sources: [{ id: 'shop', provider: 'shopify', secret: 'old-secret-1' }] }));
    const svc = make();
    await svc.start();
    const broken = `{"sources": [{"id": "shop", "provider": "shopify", "secret": ${SECRETS.hex}}]}`;
    const changed = new Promise<void>((resolve) => bus.on('config.changed', () => resolve()));
    await writeFile(file(), broken);
    await changed;
    expect(svc.error()).toContain('not valid JSON');
    await svc.update((c) => {
      c.retention.days = 9;
    });
    // update() resolved: the copy was made before the file was replaced.
    const kept = (await readdir(join(dir, 'quarantine'))).find((n) => n.endsWith('-config.json'))!;
    expect(await readFile(join(dir, 'quarantine', kept), 'utf8')).toBe(broken);
    expect(JSON.parse(await readFile(file(), 'utf8')).retention.days).toBe(9);
    expect(logger.lines.some((l) => l.includes('was kept at') && l.includes(kept))).toBe(true);
  });
});
