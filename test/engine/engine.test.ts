// The real engine on port 0 with a temp data dir: signed events in over real
// HTTP, listed and read back through the handlers, surviving a restart.
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/config';
import type { Status } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { HttpError } from '../../electron/engine/util/errors';
import { memoryLogger } from '../../electron/engine/util/logger';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

let dir: string;
let engine: Engine | null;
let logger: ReturnType<typeof memoryLogger>;
const sources = sampleSources();
const source = (id: string) => sources.find((s) => s.id === id)!;

async function startEngine(): Promise<Engine> {
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger, version: '9.9.9-test' });
  await engine.start();
  return engine;
}

beforeEach(async () => {
  dir = await makeTempDir();
  logger = memoryLogger();
  await writeFile(join(dir, 'config.json'), JSON.stringify({ sources, tunnel: { provider: 'none' } }));
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

describe('engine', () => {
  it('starts on a free port, answers /healthz, and stops', async () => {
    const e = await startEngine();
    expect(e.receiverPort()).toBeGreaterThan(0);
    expect(e.receiverUrl()).toBe(`http://127.0.0.1:${e.receiverPort()}`);
    const res = await fetch(`${e.receiverUrl()}/healthz`);
    expect(res.status).toBe(200);
    await e.stop();
    await expect(fetch(`${e.receiverUrl()}/healthz`)).rejects.toThrow();
    engine = null;
  });

  it('finishes a request already in flight when stopped, and refuses new ones', async () => {
    const e = await startEngine();
    const { body, headers } = await signedRequest(source('shop'));
    const url = new URL(`${e.receiverUrl()}/hooks/shop`);
    // Send the headers and half the body, stop the engine, then the rest.
    const answer = new Promise<{ status: number; text: string }>((ok, fail) => {
      const req = request(
        url,
        { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 100));
      setTimeout(() => req.end(body.slice(100)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = e.stop();
    const res = await answer;
    await stopped;
    engine = null;
    expect(res.status).toBe(200);
    const { id } = JSON.parse(res.text) as { id: string };
    await expect(fetch(`${e.receiverUrl()}/healthz`)).rejects.toThrow();
    // It was durably stored before the 200.
    const again = await startEngine();
    expect((await again.handlers.getEvent({ id })).source).toBe('shop');
  });

  it('stores signed events of every provider, lists and returns them in full, and keeps them across a restart', async () => {
    let e = await startEngine();
    const ids: Record<string, string> = {};
    for (const s of sources) {
      const req = await signedRequest(s, { url: `${e.receiverUrl()}/hooks/${s.id}` });
      const { status, json } = await postHook(e.receiverUrl(), s.id, req);
      expect(status, `${s.provider}: ${JSON.stringify(json)}`).toBe(200);
      expect(json.duplicate).toBe(false);
      ids[s.id] = json.id!;
    }
    const page = await e.handlers.listEvents({ limit: 50 });
    expect(page.items.map((i) => i.id).sort()).toEqual(Object.values(ids).sort());

    const stripeEvent = await e.handlers.getEvent({ id: ids.payments });
    expect(stripeEvent.source).toBe('payments');
    expect(stripeEvent.type).toBe('charge.succeeded');
    expect(stripeEvent.verification.ok).toBe(true);
    expect(stripeEvent.headers['stripe-signature']).toMatch(/^t=\d+,v1=/);
    expect('text' in stripeEvent.body && JSON.parse(stripeEvent.body.text).type).toBe('charge.succeeded');
    expect((stripeEvent.payload as { data: { object: { amount: number } } }).data.object.amount).toBe(5900);
    expect(stripeEvent.runs).toEqual([]);
    expect(stripeEvent.deliveries).toEqual([]);
    const unsigned = await e.handlers.getEvent({ id: ids.open });
    expect(unsigned.verification.ok).toBe(true);

    await e.stop();
    e = await startEngine();
    const after = await e.handlers.listEvents({ limit: 50 });
    expect(after.items.map((i) => i.id).sort()).toEqual(Object.values(ids).sort());
    const again = await e.handlers.getEvent({ id: ids.code });
    expect(again.headers['x-github-event']).toBe('issues');
    await expect(e.handlers.getEvent({ id: 'evt_nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('answers a redelivery with duplicate:true and the first id, storing it once', async () => {
    const e = await startEngine();
    const req = await signedRequest(source('crm'));
    const first = await postHook(e.receiverUrl(), 'crm', req);
    const second = await postHook(e.receiverUrl(), 'crm', req);
    expect(first.status).toBe(200);
    expect(second).toMatchObject({ status: 200, json: { id: first.json.id, duplicate: true } });
    const page = await e.handlers.listEvents({ limit: 50 });
    expect(page.items.filter((i) => i.source === 'crm')).toHaveLength(1);
  });

  it('sends a correctly signed test event for every provider, marked as a test', async () => {
    const e = await startEngine();
    for (const s of sources) {
      const result = await e.handlers.sendTestEvent({ id: s.id, runAutomations: false });
      expect(result.statusCode, `${s.provider}: ${result.message}`).toBe(200);
      const event = await e.handlers.getEvent({ id: result.eventId! });
      expect(event.source).toBe(s.id);
      expect(event.verification.ok).toBe(true);
      expect(event.test, s.provider).toBe(true);
      // The token that marked it is not kept with the event.
      expect(Object.keys(event.headers)).not.toContain('x-hookdock-test');
    }
    const status = await e.handlers.getStatus({});
    expect(status.counts).toMatchObject({ events: sources.length, eventsToday: 0, rejectedToday: 0 });
    await expect(e.handlers.sendTestEvent({ id: 'missing', runAutomations: false })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('counts events and rejections in the status, and pushes status.changed', async () => {
    const e = await startEngine();
    const pushed: Status[] = [];
    e.bus.on('status.changed', (s) => pushed.push(s));
    const t0 = Date.now();
    const posts = await Promise.all(
      Array.from({ length: 12 }, async () => postHook(e.receiverUrl(), 'shop', await signedRequest(source('shop')))),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(12).fill(200));
    const forged = await signedRequest({ ...source('shop'), secret: 'not-the-right-secret' });
    expect((await postHook(e.receiverUrl(), 'shop', forged)).status).toBe(401);
    const status = await e.handlers.getStatus({});
    expect(status).toMatchObject({
      version: '9.9.9-test',
      receiverUrl: e.receiverUrl(),
      publicUrl: null,
      configError: null,
    });
    expect(status.counts).toMatchObject({ events: 13, eventsToday: 13, rejectedToday: 1 });
    expect(status.store.writable).toBe(true);
    await waitFor(() => pushed.at(-1)?.counts.events === 13, 3000, 'status.changed');
    expect(pushed.length).toBeLessThan(13);
    // Throttled to one per 500 ms window, not one per event.
    expect(pushed.length).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 500) + 1);
    expect(new Set(pushed.map((p) => JSON.stringify(p))).size).toBe(pushed.length); // only real changes
  });

  it('edits config through the handlers: secrets kept, generated, masked', async () => {
    const e = await startEngine();
    // Saving a source without a secret keeps the stored one.
    const saved = await e.handlers.saveSource({ id: 'shop', provider: 'shopify', name: 'My shop' });
    expect(saved.sources.find((s) => s.id === 'shop')).toMatchObject({
      name: 'My shop',
      secret: SECRET_MASK,
      hasSecret: true,
    });
    expect(e.config.current().sources.find((s) => s.id === 'shop')?.secret).toBe(source('shop').secret);
    expect(saved.sources.find((s) => s.id === 'shop')?.webhookUrl).toBe(`${e.receiverUrl()}/hooks/shop`);
    // A new stripe source may wait for its secret (Stripe shows it only once the endpoint exists).
    const waiting = await e.handlers.saveSource({ id: 'pay2', provider: 'stripe' });
    expect(waiting.sources.find((s) => s.id === 'pay2')).toMatchObject({ hasSecret: false });
    // An hmac source without its header settings is still refused with the path.
    const err = await e.handlers.saveSource({ id: 'forms2', provider: 'hmac', secret: 'abc' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/sources\[\d+\]\.hmac/);
    // A destination without a secret gets a generated whsec_ one, never shown.
    const withDest = await e.handlers.saveDestination({
      id: 'crm-out',
      url: 'https://example.com/in',
      enabled: true,
      timeoutMs: 15000,
    });
    expect(withDest.destinations[0]).toMatchObject({ secret: SECRET_MASK, hasSecret: true });
    const secret = e.config.current().destinations[0].secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    await e.handlers.saveDestination({
      id: 'crm-out',
      url: 'https://example.com/in2',
      enabled: true,
      timeoutMs: 15000,
    });
    expect(e.config.current().destinations[0]).toMatchObject({ url: 'https://example.com/in2', secret });
    await e.handlers.saveDestination({
      id: 'crm-out',
      url: 'https://example.com/in2',
      enabled: true,
      timeoutMs: 15000,
      secret: 'generate',
    });
    expect(e.config.current().destinations[0].secret).not.toBe(secret);
    await e.handlers.updateSettings({ retention: { days: 7 }, tunnel: { authtoken: 'ngrok-token-for-test-123456' } });
    const pub = await e.handlers.getConfig({});
    expect(pub.retention.days).toBe(7);
    expect(pub.tunnel).toMatchObject({ authtoken: SECRET_MASK, hasAuthtoken: true });
    expect(JSON.stringify(pub)).not.toContain('ngrok-token-for-test-123456');
    await e.handlers.deleteDestination({ id: 'crm-out' });
    await expect(e.handlers.deleteDestination({ id: 'crm-out' })).rejects.toMatchObject({ status: 404 });
    expect(logger.lines.join('\n')).not.toContain('ngrok-token-for-test-123456');
  });
});
