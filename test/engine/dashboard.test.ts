// The dashboard transport against a real express server on port 0. The
// handlers are a small in-memory set: these tests are about the transport
// (auth, guards, validation, error mapping, SSE, static), not the engine.
import { mkdtemp, mkdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/api';
import type { Status } from '../../shared/types';
import { createDashboardServer, loadOrCreateToken } from '../../electron/engine/dashboard';
import { TOKEN_FILE } from '../../electron/engine/dashboard/token';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { HttpError, notFound } from '../../electron/engine/util/errors';
import { memoryLogger } from '../../electron/engine/util/logger';

const TOKEN = 'test-token-0123456789abcdefghijklmnop';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const json = (r: Reply) =>
  JSON.parse(r.body) as Record<string, unknown> & { error?: { code: string; message: string } };

/** A bus that counts live onAny subscriptions, to see SSE clients unsubscribe. */
function countingBus(): Bus & { live: () => number } {
  const bus = createBus();
  let live = 0;
  return {
    emit: bus.emit,
    on: bus.on,
    onAny(fn) {
      live++;
      const off = bus.onAny(fn);
      let done = false;
      return () => {
        if (!done) live--;
        done = true;
        off();
      };
    },
    live: () => live,
  };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const calls: { method: string; args: unknown }[] = [];
const status = { version: '9.9.9', receiverUrl: 'http://127.0.0.1:1' } as Status;
const handlers = {
  getStatus: async (args) => (calls.push({ method: 'getStatus', args }), status),
  getEvent: async ({ id }) => {
    throw notFound(`The event ${id}`);
  },
  listEvents: async (args) => (calls.push({ method: 'listEvents', args }), { items: [], nextCursor: null }),
  replayEvent: async (args) => {
    calls.push({ method: 'replayEvent', args });
    throw new HttpError(409, 'conflict', 'This event is being replayed already.');
  },
  setAutomationsPaused: async ({ paused }) => ({ paused }),
  retryRun: async () => {
    throw new Error('kaboom with internal details');
  },
} as Partial<ApiHandlers> as ApiHandlers;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(os.tmpdir(), 'hookdock-dash-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('dashboard server', () => {
  const bus = countingBus();
  const logger = memoryLogger();
  let staticDir: string;
  let server: ReturnType<typeof createDashboardServer>;
  let port: number;

  beforeAll(async () => {
    staticDir = join(tmp, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><div id="root">HOOKDOCK-APP</div>');
    await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
    server = createDashboardServer({ handlers, bus, token: TOKEN, port: 0, logger, staticDir, version: '9.9.9' });
    ({ port } = await server.start());
  });
  afterAll(async () => {
    await server.stop();
  });
  afterEach(() => {
    calls.length = 0;
  });

  it('answers 401 JSON on /api without a token, and with a wrong one', async () => {
    const none = await request(port, '/api/status');
    expect(none.status).toBe(401);
    expect(json(none).error?.code).toBe('unauthorized');
    const wrong = await request(port, '/api/status', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('answers 200 with the bearer token, with security headers', async () => {
    const r = await request(port, '/api/status', { headers: bearer });
    expect(r.status).toBe(200);
    expect(json(r).version).toBe('9.9.9');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it('trades /?token= for an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
    const r = await request(port, `/events/abc?x=1&token=${TOKEN}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/events/abc?x=1');
    const cookie = String(r.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/^hookdock_session=[^;]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0];
    const api = await request(port, '/api/status', { headers: { cookie: `other=1; ${pair}` } });
    expect(api.status).toBe(200);
    const page = await request(port, '/events/abc?x=1', { headers: { cookie: pair } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('HOOKDOCK-APP');
    const forged = await request(port, '/api/status', { headers: { cookie: 'hookdock_session=' + TOKEN } });
    expect(forged.status).toBe(401);
  });

  it('refuses a wrong token in the link with the 401 help page, and sets no cookie', async () => {
    const r = await request(port, '/?token=nope');
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.body).toContain('Open the link printed by <code>hookdock serve</code>');
  });

  it('shows a small self-contained page without data to a browser with no token', async () => {
    const r = await request(port, '/');
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain('(it carries your access token)');
    expect(r.body).not.toContain('HOOKDOCK-APP');
    expect(r.body).not.toMatch(/<script|<link|src=/);
    // Its inline style is allowed by hash only.
    expect(String(r.headers['content-security-policy'])).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    const asset = await request(port, '/assets/app.js');
    expect(asset.status).toBe(401);
  });

  it('refuses a non-loopback Host (DNS rebinding) with 403, even with the token', async () => {
    const evil = await request(port, '/api/status', { headers: { ...bearer, host: `evil.example:${port}` } });
    expect(evil.status).toBe(403);
    expect(json(evil).error?.code).toBe('forbidden_host');
    const otherPort = await request(port, '/api/status', { headers: { ...bearer, host: `127.0.0.1:${port + 1}` } });
    expect(otherPort.status).toBe(403);
    const localhost = await request(port, '/api/status', { headers: { ...bearer, host: `localhost:${port}` } });
    expect(localhost.status).toBe(200);
  });

  it('refuses a foreign Origin with 403 and accepts its own', async () => {
    const evil = await request(port, '/api/status', { headers: { ...bearer, origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect(json(evil).error?.code).toBe('forbidden_origin');
    const nul = await request(port, '/api/status', { headers: { ...bearer, origin: 'null' } });
    expect(nul.status).toBe(403);
    const own = await request(port, '/api/status', { headers: { ...bearer, origin: `http://127.0.0.1:${port}` } });
    expect(own.status).toBe(200);
  });

  it('validates args with the zod schema: 400 with a readable message', async () => {
    const r = await request(port, '/api/events?limit=abc', { headers: bearer });
    expect(r.status).toBe(400);
    expect(json(r).error?.code).toBe('bad_request');
    expect(json(r).error?.message).toMatch(/^The request is not valid: limit: /);
    const extra = await request(port, '/api/events?bogus=1', { headers: bearer });
    expect(extra.status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('merges query into parsed args (coerced and defaulted)', async () => {
    const r = await request(port, '/api/events?limit=7&status=failed', { headers: bearer });
    expect(r.status).toBe(200);
    expect(calls[0]).toEqual({ method: 'listEvents', args: { limit: 7, status: 'failed' } });
    await request(port, '/api/events', { headers: bearer });
    expect(calls[1].args).toEqual({ limit: 50 });
  });

  it('merges the JSON body and path params (params win) into the args', async () => {
    const r = await request(port, '/api/events/evt_1/replay', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'other', payload: { a: 1 } }),
    });
    expect(r.status).toBe(409);
    expect(json(r)).toEqual({ error: { code: 'conflict', message: 'This event is being replayed already.' } });
    expect(calls[0].args).toEqual({ id: 'evt_1', payload: { a: 1 } });
    const paused = await request(port, '/api/automations/pause', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: '{"paused":true}',
    });
    expect(json(paused)).toEqual({ paused: true });
  });

  it('maps HttpError to its status and hides other errors behind a 500 sentence', async () => {
    const nf = await request(port, '/api/events/evt_404', { headers: bearer });
    expect(nf.status).toBe(404);
    expect(json(nf).error).toEqual({ code: 'not_found', message: 'The event evt_404 was not found.' });
    const boom = await request(port, '/api/runs/r1/retry', { method: 'POST', headers: bearer });
    expect(boom.status).toBe(500);
    expect(json(boom).error?.code).toBe('internal');
    expect(boom.body).not.toContain('kaboom');
    expect(logger.lines.join('\n')).toContain('kaboom');
  });

  it('answers bad JSON with 400, a missing handler with 501 and an unknown route with 404, all as error data', async () => {
    const bad = await request(port, '/api/automations/pause', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect(json(bad).error?.code).toBe('bad_request');
    const huge = await request(port, '/api/events/evt_1/replay', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ payload: 'x'.repeat(7 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(json(huge).error?.code).toBe('too_large');
    const missing = await request(port, '/api/config', { headers: bearer });
    expect(missing.status).toBe(501);
    const unknown = await request(port, '/api/nothing-here', { headers: bearer });
    expect(unknown.status).toBe(404);
    expect(json(unknown).error?.code).toBe('not_found');
  });

  it('streams bus events as SSE within 1 s and unsubscribes when the client goes', async () => {
    const before = bus.live();
    let text = '';
    const req = http.get({
      host: '127.0.0.1',
      port,
      path: '/api/stream',
      headers: { ...bearer, host: `127.0.0.1:${port}` },
    });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    await until(() => text.includes('event: hello'));
    expect(text).toContain('data: {"version":"9.9.9"}');
    expect(bus.live()).toBe(before + 1);
    const t0 = Date.now();
    bus.emit('automations.paused', { paused: true });
    await until(() => text.includes('event: automations.paused\ndata: {"paused":true}\n\n'), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    req.destroy();
    await until(() => bus.live() === before);
  });

  it('refuses the stream without a token', async () => {
    const r = await request(port, '/api/stream');
    expect(r.status).toBe(401);
  });

  it('drops a stream client that stops reading instead of buffering without end', async () => {
    const before = bus.live();
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.pause(); // never read: the server's backlog for it can only grow
    sock.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
    await until(() => bus.live() === before + 1);
    const big = { runId: 'r', eventId: 'e', attempt: 1, stream: 'stdout' as const, chunk: 'x'.repeat(256 * 1024) };
    for (let i = 0; i < 200 && bus.live() > before; i++) {
      bus.emit('run.output', big);
      await new Promise((r) => setImmediate(r));
    }
    await until(() => bus.live() === before, 5000);
    expect(logger.lines.join('\n')).toContain('stopped reading');
    sock.destroy();
  });

  it('serves the built app, with SPA fallback for client routes and 404 for missing files', async () => {
    const auth = { headers: bearer };
    const root = await request(port, '/', auth);
    expect(root.status).toBe(200);
    expect(root.body).toContain('HOOKDOCK-APP');
    const js = await request(port, '/assets/app.js', auth);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).toBe('console.log("app")');
    const route = await request(port, '/automations/refund-alert', auth);
    expect(route.status).toBe(200);
    expect(route.body).toContain('HOOKDOCK-APP');
    const missing = await request(port, '/assets/missing.js', auth);
    expect(missing.status).toBe(404);
  });
});

/** A dashboard of its own (not the shared one above), for tests that need other options. */
function standalone(extra: Partial<Parameters<typeof createDashboardServer>[0]> = {}) {
  return createDashboardServer({ handlers, bus: createBus(), token: TOKEN, port: 0, logger: memoryLogger(), ...extra });
}

/** Opens the SSE stream with the token; resolves on its response. */
async function openStream(port: number): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  const req = http.get({
    host: '127.0.0.1',
    port,
    path: '/api/stream',
    headers: { ...bearer, host: `127.0.0.1:${port}` },
  });
  req.on('error', () => undefined);
  const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
  return { req, res };
}

describe('dashboard server without a built UI', () => {
  it('tells an authenticated visitor to run npm run build', async () => {
    const server = standalone({ staticDir: join(tmp, 'absent') });
    const { port } = await server.start();
    try {
      const r = await request(port, '/', { headers: bearer });
      expect(r.status).toBe(200);
      expect(r.body).toContain('npm run build');
      const anon = await request(port, '/');
      expect(anon.status).toBe(401);
      expect(anon.body).not.toContain('npm run build');
    } finally {
      await server.stop();
    }
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const server = standalone({ heartbeatMs: 50 });
    const { port } = await server.start();
    try {
      const { req, res } = await openStream(port);
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      await until(() => (text.match(/^: heartbeat/gm) ?? []).length >= 2, 2000);
      req.destroy();
    } finally {
      await server.stop();
    }
  });

  it('stops promptly with a stream still open, and reports a port in use clearly', async () => {
    const a = standalone();
    const { port } = await a.start();
    await openStream(port);
    const b = standalone({ port });
    await expect(b.start()).rejects.toThrow(`The dashboard port ${port} is already in use.`);
    const t0 = Date.now();
    await a.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('loadOrCreateToken', () => {
  it('creates a random token in a 0600 file and returns the same one after a restart', async () => {
    const dir = join(tmp, 'data-a');
    const first = await loadOrCreateToken(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const st = await stat(join(dir, TOKEN_FILE));
    expect(st.mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, TOKEN_FILE), 'utf8')).trim()).toBe(first);
    expect(await loadOrCreateToken(dir)).toBe(first);
    expect(await loadOrCreateToken(join(tmp, 'data-b'))).not.toBe(first);
  });

  it('lets the environment token win without touching the file', async () => {
    const dir = join(tmp, 'data-c');
    const stored = await loadOrCreateToken(dir);
    expect(await loadOrCreateToken(dir, 'from-env-token-123')).toBe('from-env-token-123');
    expect(await loadOrCreateToken(dir, '')).toBe(stored);
  });
});
