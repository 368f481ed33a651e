// The config service on real files: defaults, validation with JSON paths,
// hand edits while running, atomic UI updates, masking and log redaction.
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK, type Config } from '../../shared/config';
import { ConfigError, createConfigService, toPublicConfig } from '../../electron/engine/config';
import type { ConfigService } from '../../electron/engine/types';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { HttpError } from '../../electron/engine/util/errors';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const STRIPE_SECRET = 'whsec_' + Buffer.from('config-test-stripe-secret').toString('base64');
const SHOP_SECRET = 'shopify-config-test-secret-9876';
const DEST_SECRET = 'whsec_' + Buffer.from('config-test-destination-secret').toString('base64');
const NGROK_TOKEN = 'ngrok-config-test-token-abcdef';

let dir: string;
let bus: Bus;
let logger: ReturnType<typeof memoryLogger>;
let service: ConfigService | null;
let changes: { error: string | null }[];

const file = () => join(dir, 'config.json');
const make = (pollMs = 1000) => {
  service = createConfigService({ dataDir: dir, bus, logger, pollMs, debounceMs: 30 });
  return service;
};
const writeJson = (value: unknown) => writeFile(file(), JSON.stringify(value, null, 2));

const goodConfig = () => ({
  sources: [
    { id: 'payments', provider: 'stripe', secret: STRIPE_SECRET },
    { id: 'shop', provider: 'shopify', secret: SHOP_SECRET },
    { id: 'open', provider: 'none' },
  ],
  destinations: [{ id: 'analytics', url: 'https://example.com/hooks', secret: DEST_SECRET }],
  tunnel: { provider: 'ngrok', authtoken: NGROK_TOKEN, domain: null },
});

beforeEach(async () => {
  dir = await makeTempDir();
  bus = createBus();
  logger = memoryLogger();
  service = null;
  changes = [];
  bus.on('config.changed', (c) => changes.push(c));
});

afterEach(async () => {
  await service?.stop();
  await removeDir(dir);
});

describe('config service', () => {
  it('writes a default config when there is none', async () => {
    const svc = make();
    await svc.start();
    const onDisk = JSON.parse(await readFile(file(), 'utf8')) as Config;
    expect(onDisk.sources).toEqual([]);
    expect(onDisk.automations).toEqual([]);
    expect(onDisk.destinations).toEqual([]);
    expect(onDisk.retention.days).toBe(30);
    expect(svc.current()).toEqual(onDisk);
    expect(svc.error()).toBeNull();
  });

  it('refuses to start on an invalid file, naming the JSON path', async () => {
    await writeJson({
      sources: [
        { id: 'ok', provider: 'none' },
        { id: 'payments', provider: 'stripe', secret: '' },
      ],
    });
    const svc = make();
    const err = await svc.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('sources[1].secret');
    expect((err as Error).message).toContain(file());
  });

  it('refuses to start on a file that is not JSON', async () => {
    await writeFile(file(), '{ "sources": [ ');
    const err = await make()
      .start()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/not valid JSON/);
  });

  it('picks up a hand edit while running', async () => {
    await writeJson(goodConfig());
    const svc = make();
    await svc.start();
    const seen: Config[] = [];
    svc.onChange((c) => seen.push(c));
    const edited = goodConfig();
    edited.sources.push({ id: 'crm', provider: 'none' });
    await writeJson(edited);
    await waitFor(() => svc.current().sources.some((s) => s.id === 'crm'), 5000, 'hand edit');
    expect(seen.at(-1)?.sources.map((s) => s.id)).toEqual(['payments', 'shop', 'open', 'crm']);
    expect(changes.at(-1)).toEqual({ error: null });
  });

  it('picks up an atomic rename (the poll catches what fs.watch misses)', async () => {
    await writeJson(goodConfig());
    const svc = make(200);
    await svc.start();
    const edited = { ...goodConfig(), retention: { days: 7 } };
    await writeFile(join(dir, 'config.json.new'), JSON.stringify(edited));
    await rename(join(dir, 'config.json.new'), file());
    await waitFor(() => svc.current().retention.days === 7, 5000, 'renamed config');
  });

  it('keeps the last good config when a hand edit is invalid, and says why', async () => {
    await writeJson(goodConfig());
    const svc = make();
    await svc.start();
    const bad = goodConfig();
    (bad.destinations[0] as { url: string }).url = 'ftp://nope';
    await writeJson(bad);
    await waitFor(() => svc.error(), 5000, 'config error');
    expect(svc.error()).toContain('destinations[0].url');
    expect(svc.current().destinations[0].url).toBe('https://example.com/hooks');
    expect(changes.at(-1)?.error).toContain('destinations[0].url');
    expect(logger.lines.some((l) => l.includes('destinations[0].url'))).toBe(true);

    // The UI asks before a save would replace this edit: the engine says which edit that is.
    expect(svc.rejectedEdit?.()).toContain('destinations[0].url');

    // Fixing the file clears the error.
    await writeJson(goodConfig());
    await waitFor(() => svc.error() === null, 5000, 'error cleared');
    expect(changes.at(-1)).toEqual({ error: null });
    expect(svc.rejectedEdit?.()).toBeNull();
  });

  it('does not report a file caught half-written by an editor saving in place', async () => {
    await writeJson(goodConfig());
    const svc = make(50);
    await svc.start();
    const text = JSON.stringify({ ...goodConfig(), retention: { days: 9 } });
    await writeFile(file(), text.slice(0, 20)); // the editor's first write...
    await new Promise((r) => setTimeout(r, 60));
    await writeFile(file(), text); // ...and the rest, a moment later
    await waitFor(() => svc.current().retention.days === 9, 5000, 'completed edit');
    expect(changes.filter((c) => c.error !== null)).toEqual([]);
    expect(svc.error()).toBeNull();
  });

  it('update() validates with the JSON path and writes atomically', async () => {
    const svc = make();
    await svc.start();
    const err = await svc
      .update((d) => {
        d.sources.push({ id: 'payments', provider: 'hmac', secret: 'x' });
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).message).toContain('sources[0].hmac');
    expect(svc.current().sources).toEqual([]);

    await svc.update((d) => {
      d.sources.push({ id: 'payments', provider: 'stripe', secret: STRIPE_SECRET });
    });
    const onDisk = JSON.parse(await readFile(file(), 'utf8')) as Config;
    expect(onDisk.sources[0].id).toBe('payments');
    expect(changes.at(-1)).toEqual({ error: null });
    // No temp file is left behind.
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('masks every secret in the public config', async () => {
    await writeJson(goodConfig());
    const svc = make();
    await svc.start();
    const pub = toPublicConfig(svc.current(), 'https://abc.ngrok.app');
    const text = JSON.stringify(pub);
    for (const secret of [STRIPE_SECRET, SHOP_SECRET, DEST_SECRET, NGROK_TOKEN]) expect(text).not.toContain(secret);
    expect(pub.sources[0]).toMatchObject({
      secret: SECRET_MASK,
      hasSecret: true,
      webhookUrl: 'https://abc.ngrok.app/hooks/payments',
    });
    expect(pub.sources[2]).toMatchObject({ hasSecret: false, webhookUrl: 'https://abc.ngrok.app/hooks/open' });
    expect(pub.destinations[0]).toMatchObject({ secret: SECRET_MASK, hasSecret: true });
    expect(pub.tunnel).toMatchObject({ authtoken: SECRET_MASK, hasAuthtoken: true });
  });

  it('never lets a secret reach the log', async () => {
    await writeJson(goodConfig());
    const svc = make();
    await svc.start();
    // Secrets show up in a rejected edit's message (zod echoes nothing, but the
    // owner's file might): log a line holding them and check it is scrubbed.
    logger.info(`oops ${STRIPE_SECRET} ${SHOP_SECRET} ${DEST_SECRET} ${NGROK_TOKEN}`);
    const bad = { ...goodConfig(), retention: { days: 0 } };
    await writeJson(bad);
    await waitFor(() => svc.error(), 5000, 'config error');
    // A secret that arrives later, by hand edit or through update(), is scrubbed too.
    const handSecret = 'hand-edited-secret-' + Date.now();
    const edited = goodConfig();
    edited.sources[1].secret = handSecret;
    await writeJson(edited);
    await waitFor(() => svc.current().sources[1].secret === handSecret, 5000, 'hand edit');
    const uiSecret = 'ui-typed-secret-' + Date.now();
    await svc.update((d) => {
      d.sources[1].secret = uiSecret;
    });
    logger.warn(`leak? ${handSecret} ${uiSecret}`);
    const all = logger.lines.join('\n');
    expect(all).toContain('oops');
    expect(all).toContain('leak?');
    for (const secret of [STRIPE_SECRET, SHOP_SECRET, DEST_SECRET, NGROK_TOKEN, handSecret, uiSecret])
      expect(all).not.toContain(secret);
  });
});
