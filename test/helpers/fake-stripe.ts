// A fake Stripe API on a real HTTP port (0), following Stripe's documented shapes
// (docs.stripe.com/api): form-encoded request bodies, `Authorization: Bearer <key>`,
// errors as {error: {type, message, code?}} with 401 for an unknown key and 403 for a
// restricted key lacking a permission, /v1/webhook_endpoints CRUD answering `whsec_`
// secrets on create only, /v1/events newest first with created[gte|gt|lte|lt] filters
// and `has_more` / `starting_after` paging, and 429 with Retry-After when told to.
// Tests drive it: delete or disable an endpoint behind Hookdock's back, add events,
// send a webhook signed with an endpoint's secret, read what was asked.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface FakeEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  description: string | null;
  api_version: string | null;
  created: number;
  livemode: false;
  secret: string;
}

export interface FakeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  data: { object: Record<string, unknown> };
}

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  status: number;
  /** When the answer was sent (ms). */
  at: number;
}

/** What a key may do: all (a secret key), or a restricted key's permissions. */
export type KeyPermissions = 'all' | { webhookEndpoints: 'write' | 'read' | 'none'; events: 'read' | 'none' };

export interface FakeStripe {
  url: string;
  endpoints: Map<string, FakeEndpoint>;
  events: FakeEvent[];
  requests: FakeRequest[];
  /** The most requests that were being answered at once (Hookdock sends one per source at a time). */
  maxInFlight(): number;
  /** Registers an API key with its permissions. */
  addKey(key: string, perms?: KeyPermissions): void;
  /** The next `count` API requests are answered 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext(count: number, retryAfterSec: number): void;
  /** The next `count` API requests are answered `status` (a Stripe outage: 500, 503). */
  failNext(count: number, status: number): void;
  deleteEndpoint(id: string): void;
  disableEndpoint(id: string): void;
  /** Adds an event (created in unix seconds; default now). */
  addEvent(type: string, opts?: { created?: number; object?: Record<string, unknown> }): FakeEvent;
  /** POSTs `event` to the endpoint's URL signed with its secret, as Stripe does; returns the answer. */
  deliver(endpointId: string, event: FakeEvent): Promise<{ status: number; body: unknown }>;
  /** Resolves when a request for this method and path prefix has been answered. */
  waitForRequest(method: string, pathPrefix: string, after?: number): Promise<FakeRequest>;
  close(): Promise<void>;
}

const id = (prefix: string) => prefix + randomBytes(12).toString('hex');

/** Stripe's form encoding: `a[b]=1`, `list[0]=x` or `list[]=x`, into nested values. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.replace(/\]/g, '').split('[');
    let cur: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const key = part === '' ? String(Object.keys(cur).length) : part;
      if (last) cur[key] = value;
      else cur = (cur[key] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v && typeof v === 'object' ? Object.values(v).map(String) : [];

export async function startFakeStripe(): Promise<FakeStripe> {
  const keys = new Map<string, KeyPermissions>();
  const endpoints = new Map<string, FakeEndpoint>();
  const events: FakeEvent[] = [];
  const requests: FakeRequest[] = [];
  const waiters: { method: string; prefix: string; after: number; resolve: (r: FakeRequest) => void }[] = [];
  let limited = { count: 0, retryAfterSec: 0 };
  let failing = { count: 0, status: 500 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req_'), ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}) =>
    send(res, status, { error: { type: 'invalid_request_error', message, ...extra } });
  const masked = (key: string) => `${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}`;
  const publicEndpoint = ({ secret: _secret, ...rest }: FakeEndpoint) => rest;

  const handle = (req: IncomingMessage, res: ServerResponse, bodyText: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const auth = req.headers.authorization;
    const key = /^Bearer (.+)$/.exec(auth ?? '')?.[1] ?? '';
    if (limited.count > 0) {
      limited.count--;
      return send(
        res,
        429,
        {
          error: {
            type: 'invalid_request_error',
            code: 'rate_limit',
            message: 'Too many requests made to the API too quickly',
          },
        },
        { 'retry-after': String(limited.retryAfterSec) },
      );
    }
    if (failing.count > 0) {
      failing.count--;
      return send(res, failing.status, { error: { type: 'api_error', message: 'An unknown error occurred.' } });
    }
    const perms = keys.get(key);
    if (!perms) {
      return error(res, 401, key ? `Invalid API Key provided: ${masked(key)}` : 'You did not provide an API key.');
    }
    const allowed = (what: 'webhookEndpoints' | 'events', need: 'read' | 'write') => {
      if (perms === 'all') return true;
      const have = perms[what];
      return have === 'write' || have === need;
    };
    const denied = (what: string) =>
      error(
        res,
        403,
        `The provided key '${masked(key)}' does not have the required permissions for this endpoint on account 'acct_fake'. Having the '${what}' permission would allow this request to continue.`,
      );
    const form = parseForm(req.method === 'GET' ? url.searchParams.toString() : bodyText);
    const path = url.pathname;

    const one = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(path);
    if (path === '/v1/webhook_endpoints' && req.method === 'POST') {
      if (!allowed('webhookEndpoints', 'write')) return denied('rak_webhook_write');
      const events = list(form.enabled_events);
      if (typeof form.url !== 'string' || events.length === 0) {
        return error(res, 400, 'Missing required param: url or enabled_events.', { param: 'url' });
      }
      const endpoint: FakeEndpoint = {
        id: id('we_'),
        object: 'webhook_endpoint',
        url: form.url,
        enabled_events: events,
        status: 'enabled',
        description: typeof form.description === 'string' ? form.description : null,
        api_version: typeof form.api_version === 'string' ? form.api_version : null,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        secret: 'whsec_' + randomBytes(24).toString('base64url'),
      };
      endpoints.set(endpoint.id, endpoint);
      return send(res, 200, endpoint); // the secret is shown on create only
    }
    if (path === '/v1/webhook_endpoints' && req.method === 'GET') {
      if (!allowed('webhookEndpoints', 'read')) return denied('rak_webhook_read');
      return send(res, 200, {
        object: 'list',
        url: path,
        has_more: false,
        data: [...endpoints.values()].map(publicEndpoint),
      });
    }
    if (one) {
      const endpoint = endpoints.get(one[1]!);
      const write = req.method !== 'GET';
      if (!allowed('webhookEndpoints', write ? 'write' : 'read'))
        return denied(write ? 'rak_webhook_write' : 'rak_webhook_read');
      if (!endpoint) {
        return error(res, 404, `No such webhook endpoint: '${one[1]}'`, { code: 'resource_missing', param: 'id' });
      }
      if (req.method === 'GET') return send(res, 200, publicEndpoint(endpoint));
      if (req.method === 'DELETE') {
        endpoints.delete(endpoint.id);
        return send(res, 200, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
      }
      if (typeof form.url === 'string') endpoint.url = form.url;
      const events = list(form.enabled_events);
      if (events.length) endpoint.enabled_events = events;
      if (form.disabled !== undefined) endpoint.status = form.disabled === 'true' ? 'disabled' : 'enabled';
      return send(res, 200, publicEndpoint(endpoint));
    }
    if (path === '/v1/events' && req.method === 'GET') {
      if (!allowed('events', 'read')) return denied('rak_event_read');
      const created = (form.created ?? {}) as Record<string, string>;
      const limit = Math.min(100, Math.max(1, Number(form.limit ?? 10)));
      let matching = [...events]
        .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
        .filter(
          (e) =>
            (created.gte === undefined || e.created >= Number(created.gte)) &&
            (created.gt === undefined || e.created > Number(created.gt)) &&
            (created.lte === undefined || e.created <= Number(created.lte)) &&
            (created.lt === undefined || e.created < Number(created.lt)),
        );
      if (typeof form.starting_after === 'string') {
        const at = matching.findIndex((e) => e.id === form.starting_after);
        matching = at < 0 ? [] : matching.slice(at + 1);
      }
      const data = matching.slice(0, limit);
      return send(res, 200, { object: 'list', url: path, has_more: matching.length > limit, data });
    }
    return error(res, 404, `Unrecognized request URL (${req.method}: ${path}).`);
  };

  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const origEnd = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        const r = origEnd(...args);
        const entry: FakeRequest = {
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://fake').pathname,
          authorization: req.headers.authorization,
          status: res.statusCode,
          at: Date.now(),
        };
        requests.push(entry);
        for (const w of [...waiters]) {
          if (requests.length > w.after && w.method === entry.method && entry.path.startsWith(w.prefix)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(entry);
          }
        }
        return r;
      }) as typeof res.end;
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    endpoints,
    events,
    requests,
    maxInFlight: () => maxInFlight,
    addKey: (key, perms = 'all') => void keys.set(key, perms),
    rateLimitNext: (count, retryAfterSec) => void (limited = { count, retryAfterSec }),
    failNext: (count, status) => void (failing = { count, status }),
    deleteEndpoint: (eid) => void endpoints.delete(eid),
    disableEndpoint: (eid) => {
      const e = endpoints.get(eid);
      if (e) e.status = 'disabled';
    },
    addEvent(type, opts = {}) {
      const event: FakeEvent = {
        id: id('evt_'),
        object: 'event',
        type,
        created: opts.created ?? Math.floor(Date.now() / 1000),
        api_version: '2024-06-20',
        livemode: false,
        pending_webhooks: 1,
        data: { object: opts.object ?? { id: id('ch_'), object: 'charge', amount: 5900, currency: 'eur' } },
      };
      events.push(event);
      return event;
    },
    async deliver(endpointId, event) {
      const endpoint = endpoints.get(endpointId);
      if (!endpoint) throw new Error(`no endpoint ${endpointId}`);
      const body = JSON.stringify(event);
      const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: endpoint.secret });
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
        body,
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    waitForRequest(method, prefix, after = 0) {
      const found = requests.slice(after).find((r) => r.method === method && r.path.startsWith(prefix));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ method, prefix, after, resolve }));
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
