// The renderer's HTTP client against a real express server on port 0: routes
// built from shared/api.ts, args in path/query/body, errors as readable
// ApiErrors; and the IPC adapter over a bridge-shaped object.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookdockBridge } from '../../shared/bridge';
import { ApiError, errorMessage } from '../../renderer/api/errors';
import { buildRequest, createHttpApi } from '../../renderer/api/http';
import { createIpcApi } from '../../renderer/api/ipc';
import { formatDuration, formatRelative, slugify, uniqueId } from '../../renderer/lib/format';
import { shellQuote, toCurl } from '../../renderer/views/event/eventExport';

let server: Server;
let base: string;
const seen: { method: string; url: string; body: unknown; auth?: string }[] = [];

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    seen.push({ method: req.method, url: req.originalUrl, body: req.body, auth: req.headers.authorization });
    next();
  });
  app.get('/api/events', (req, res) => res.json({ items: [], nextCursor: null, query: req.query }));
  app.get('/api/events/:id', (req, res) => {
    if (req.params.id === 'missing')
      return res.status(404).json({ error: { code: 'not_found', message: 'That event was not found.' } });
    res.json({ id: req.params.id });
  });
  app.post('/api/events/:id/replay', (req, res) =>
    res.json({ event: { id: req.params.id }, runs: [], body: req.body }),
  );
  app.put('/api/sources/:id', (req, res) => res.json({ saved: req.params.id, body: req.body }));
  app.get('/api/status', (_req, res) => res.status(500).send('<html>boom</html>'));
  await new Promise<void>((r) => {
    server = app.listen(0, '127.0.0.1', () => r());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

describe('buildRequest', () => {
  it('substitutes path params and puts GET args in the query, skipping empty ones', () => {
    expect(buildRequest('getEvent', { id: 'evt 1/2' })).toEqual({
      verb: 'GET',
      url: '/api/events/evt%201%2F2',
      body: undefined,
    });
    const r = buildRequest('listEvents', { source: 'shop', q: '', limit: 50, cursor: undefined });
    expect(r.url).toBe('/api/events?source=shop&limit=50');
  });

  it('sends the other args of a POST/PUT as a JSON body', () => {
    const r = buildRequest('replayEvent', { id: 'e1', payload: { a: 1 } });
    expect(r).toEqual({ verb: 'POST', url: '/api/events/e1/replay', body: '{"payload":{"a":1}}' });
  });

  it('refuses a missing path param instead of calling a wrong URL', () => {
    expect(() => buildRequest('getEvent', {} as { id: string })).toThrow(ApiError);
  });
});

describe('createHttpApi over real HTTP', () => {
  it('calls the routes and returns the JSON', async () => {
    const api = createHttpApi({ baseUrl: base, headers: { Authorization: 'Bearer t0k' } });
    const page = (await api.listEvents({ status: 'failed', limit: 10 })) as unknown as {
      query: Record<string, string>;
    };
    expect(page.query).toEqual({ status: 'failed', limit: '10' });
    expect(await api.getEvent({ id: 'abc' })).toEqual({ id: 'abc' });
    const saved = (await api.saveSource({ id: 'shop', provider: 'shopify', secret: 's' })) as unknown as {
      saved: string;
      body: object;
    };
    expect(saved).toEqual({ saved: 'shop', body: { provider: 'shopify', secret: 's' } });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', auth: 'Bearer t0k' });
  });

  it('throws the server’s sentence as an ApiError', async () => {
    const api = createHttpApi({ baseUrl: base });
    const err = await api.getEvent({ id: 'missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('That event was not found.');
    expect((err as ApiError).status).toBe(404);
  });

  it('turns a non-JSON failure and an unreachable server into sentences', async () => {
    const api = createHttpApi({ baseUrl: base });
    const err = (await api.getStatus({}).catch((e: unknown) => e)) as ApiError;
    expect(err.message).toMatch(/Something went wrong inside Hookdock/);
    const down = createHttpApi({ baseUrl: 'http://127.0.0.1:1' });
    const e2 = (await down.getStatus({}).catch((e: unknown) => e)) as ApiError;
    expect(e2.message).toMatch(/not answering/);
  });

  it('reports a 401 so the app can ask for the printed link', async () => {
    let told = 0;
    const api = createHttpApi({
      baseUrl: base,
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'The token is wrong.' } }), {
          status: 401,
        }),
      onUnauthorized: () => told++,
    });
    await expect(api.getConfig({})).rejects.toThrow('The token is wrong.');
    expect(told).toBe(1);
  });
});

describe('createIpcApi', () => {
  it('passes calls to the bridge and turns its errors into sentences', async () => {
    const bridge = {
      getEvent: async ({ id }: { id: string }) => ({ id }),
      replayEvent: async () => {
        throw new Error("Error invoking remote method 'hookdock:api:replayEvent': Error: That event was not found.");
      },
      getStatus: async () => ({ error: { code: 'x', message: 'The store is closed.' } }),
      listen: () => () => undefined,
    } as unknown as HookdockBridge;
    const api = createIpcApi(bridge);
    expect(await api.getEvent({ id: 'e1' })).toEqual({ id: 'e1' });
    await expect(api.replayEvent({ id: 'e1' })).rejects.toThrow(/^That event was not found\.$/);
    await expect(api.getStatus({})).rejects.toThrow('The store is closed.');
    expect(errorMessage(42)).toMatch(/Something went wrong/);
  });
});

describe('copy as curl and small formatters', () => {
  it('builds a curl command that survives quotes in the payload', () => {
    const cmd = toCurl(
      {
        source: 'shop',
        headers: { 'X-Shopify-Topic': 'orders/create', Host: 'x', 'content-length': '9' },
        body: { text: `{"n":"O'Brien"}` },
      },
      'http://127.0.0.1:8787/',
    );
    expect(cmd).toContain(`curl -X POST 'http://127.0.0.1:8787/hooks/shop'`);
    expect(cmd).toContain(`-H 'X-Shopify-Topic: orders/create'`);
    expect(cmd).not.toMatch(/Host:|content-length/i);
    expect(cmd).toContain(`--data-binary '{"n":"O'\\''Brien"}'`);
    expect(shellQuote(`a'b`)).toBe(`'a'\\''b'`);
    const bin = toCurl({ source: 's', headers: {}, body: { base64: 'AAEC' } }, 'http://h');
    expect(bin).toMatch(/^printf %s 'AAEC' \| base64 -d \| curl/);
  });

  it('formats durations, relative times and ids in plain words', () => {
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    const now = Date.UTC(2026, 0, 1, 12);
    expect(formatRelative(new Date(now + 5 * 60_000).toISOString(), now)).toBe('in 5 min');
    expect(formatRelative(new Date(now - 2 * 3_600_000).toISOString(), now)).toBe('2 h ago');
    expect(slugify('Tell me about Refunds!')).toBe('tell-me-about-refunds');
    expect(uniqueId('shop', ['shop', 'shop-2'])).toBe('shop-3');
  });
});
