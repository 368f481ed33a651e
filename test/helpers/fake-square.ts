// A local fake of Square's Webhook Subscriptions and Events APIs (node:http on
// 127.0.0.1, port 0), following the documented shapes (developer.squareup.com
// reference: webhook-subscriptions-api, events-api; "Handling errors"):
//   POST   /v2/webhooks/subscriptions       {idempotency_key, subscription} -> {subscription (with signature_key)}
//   GET    /v2/webhooks/subscriptions       {subscriptions} (one page, no signature keys)
//   GET    /v2/webhooks/subscriptions/{id}  {subscription} | 404 NOT_FOUND
//   PUT    /v2/webhooks/subscriptions/{id}  {subscription: changes} -> {subscription}
//   DELETE /v2/webhooks/subscriptions/{id}  {}
//   PUT    /v2/events/enable                {} (events become searchable from now on)
//   POST   /v2/events                       {cursor, limit (<= 100), query: {filter: {event_types, created_at:
//                                           {start_at, end_at}}, sort}} -> {events, metadata, cursor}
// Errors are {errors: [{category, code, detail, field?}]}: 401 UNAUTHORIZED, 403 INSUFFICIENT_SCOPES,
// 404 NOT_FOUND, 400 INVALID_VALUE / INVALID_CURSOR, 429 RATE_LIMITED.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface FakeSquareSubscription {
  id: string;
  name: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key: string;
}

export interface FakeSquareEvent {
  event_id: string;
  type: string;
  created_at: string;
  /** The event as JSON text (so numbers past 2^53 keep their digits on the wire). */
  json: string;
  /** Made while event search was enabled (only those are searchable, as Square documents). */
  searchable: boolean;
}

export interface FakeSquareRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeSquare {
  baseUrl: string;
  /** Access token -> the permissions it lacks (empty: a personal access token, all permissions). */
  tokens: Map<string, { missingScopes: string[] }>;
  subscriptions: Map<string, FakeSquareSubscription>;
  events: FakeSquareEvent[];
  eventsEnabled: boolean;
  /** PUT /v2/events/enable answers 403 FORBIDDEN. */
  refuseEnable: boolean;
  requests: FakeSquareRequest[];
  /** The next request is answered 429 RATE_LIMITED (with Retry-After when given). */
  rateLimitNext(retryAfterSeconds?: number): void;
  /**
   * Adds an event; `dataJson` is the `data` object as JSON text. Returns the event's JSON text, i.e.
   * the fields a webhook notification of it carries.
   */
  addEvent(e: { event_id: string; type: string; created_at: string; dataJson: string; location_id?: string }): string;
  close(): Promise<void>;
}

export const FAKE_MERCHANT = 'ML8M1AQ1GQG2K';
const SCOPES: Record<string, string> = { payment: 'PAYMENTS_READ', refund: 'PAYMENTS_READ', order: 'ORDERS_READ' };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function error(
  res: ServerResponse,
  status: number,
  category: string,
  code: string,
  detail: string,
  field?: string,
): void {
  send(res, status, { errors: [{ category, code, detail, ...(field ? { field } : {}) }] });
}

export async function startFakeSquare(): Promise<FakeSquare> {
  let n = 0;
  let rateLimit: { retryAfterSeconds?: number } | null = null;
  const byIdempotencyKey = new Map<string, string>();
  const cursors = new Map<string, { query: string; offset: number }>();
  const fake = {
    tokens: new Map(),
    subscriptions: new Map(),
    events: [],
    eventsEnabled: false,
    refuseEnable: false,
    requests: [],
  } as unknown as FakeSquare;
  fake.rateLimitNext = (retryAfterSeconds) => {
    rateLimit = { retryAfterSeconds };
  };
  fake.addEvent = (e) => {
    const json =
      `{"merchant_id":"${FAKE_MERCHANT}",${e.location_id ? `"location_id":"${e.location_id}",` : ''}` +
      `"type":"${e.type}","event_id":"${e.event_id}","created_at":"${e.created_at}","data":${e.dataJson}}`;
    fake.events.push({
      event_id: e.event_id,
      type: e.type,
      created_at: e.created_at,
      json,
      searchable: fake.eventsEnabled,
    });
    return json;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', fake.baseUrl);
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      fake.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      if (rateLimit) {
        const r = rateLimit;
        rateLimit = null;
        res.writeHead(429, {
          'content-type': 'application/json',
          ...(r.retryAfterSeconds ? { 'retry-after': String(r.retryAfterSeconds) } : {}),
        });
        res.end(
          JSON.stringify({
            errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Rate limit exceeded.' }],
          }),
        );
        return;
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const grant = token ? fake.tokens.get(token) : undefined;
      if (!grant)
        return error(res, 401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.');
      if (!req.headers['square-version'])
        return error(
          res,
          400,
          'INVALID_REQUEST_ERROR',
          'INVALID_SQUARE_VERSION_FORMAT',
          'Missing Square-Version header.',
        );
      const missing = (types: string[]) =>
        types.map((t) => SCOPES[t.split('.')[0]!]).find((s) => s && grant.missingScopes.includes(s));

      const subMatch = /^\/v2\/webhooks\/subscriptions(?:\/([^/]+))?$/.exec(url.pathname);
      if (subMatch && !subMatch[1] && req.method === 'GET') {
        // ListWebhookSubscriptions: no signature keys in the list.
        const subscriptions = [...fake.subscriptions.values()].map(({ signature_key: _k, ...rest }) => rest);
        return send(res, 200, { subscriptions });
      }
      if (subMatch && !subMatch[1] && req.method === 'POST') {
        const key = String(body.idempotency_key ?? '');
        const again = byIdempotencyKey.get(key);
        if (key && again && fake.subscriptions.has(again))
          return send(res, 200, { subscription: fake.subscriptions.get(again) });
        const s = (body.subscription ?? {}) as Record<string, unknown>;
        const notificationUrl = String(s.notification_url ?? '');
        if (!/^https:\/\//.test(notificationUrl)) {
          return error(
            res,
            400,
            'INVALID_REQUEST_ERROR',
            'INVALID_VALUE',
            'The notification URL must use the HTTPS protocol.',
            'subscription.notification_url',
          );
        }
        const types = (s.event_types as string[] | undefined) ?? [];
        const scope = missing(types);
        if (scope) {
          return error(
            res,
            403,
            'AUTHENTICATION_ERROR',
            'INSUFFICIENT_SCOPES',
            `The merchant has not given your application sufficient permissions to do that. The developer must request these permissions: ${scope}.`,
          );
        }
        const sub: FakeSquareSubscription = {
          id: `wbhk_${(++n).toString(16).padStart(32, '0')}`,
          name: String(s.name ?? ''),
          enabled: true,
          event_types: types,
          notification_url: notificationUrl,
          api_version: String(s.api_version ?? '2025-01-23'),
          signature_key: `sigkey_${n}_${Math.random().toString(36).slice(2)}`,
        };
        fake.subscriptions.set(sub.id, sub);
        if (key) byIdempotencyKey.set(key, sub.id);
        return send(res, 200, {
          subscription: { ...sub, created_at: new Date().toISOString(), updated_at: new Date().toISOString() },
        });
      }
      if (subMatch?.[1]) {
        const sub = fake.subscriptions.get(decodeURIComponent(subMatch[1]));
        if (!sub) return error(res, 404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Subscription not found.');
        if (req.method === 'GET') return send(res, 200, { subscription: sub });
        if (req.method === 'DELETE') {
          fake.subscriptions.delete(sub.id);
          return send(res, 200, {});
        }
        if (req.method === 'PUT') {
          const s = (body.subscription ?? {}) as Record<string, unknown>;
          if (s.notification_url !== undefined) {
            if (!/^https:\/\//.test(String(s.notification_url))) {
              return error(
                res,
                400,
                'INVALID_REQUEST_ERROR',
                'INVALID_VALUE',
                'The notification URL must use the HTTPS protocol.',
                'subscription.notification_url',
              );
            }
            sub.notification_url = String(s.notification_url);
          }
          if (Array.isArray(s.event_types)) sub.event_types = s.event_types as string[];
          if (typeof s.enabled === 'boolean') sub.enabled = s.enabled;
          return send(res, 200, { subscription: sub });
        }
      }
      if (url.pathname === '/v2/events/enable' && req.method === 'PUT') {
        if (fake.refuseEnable)
          return error(res, 403, 'AUTHENTICATION_ERROR', 'FORBIDDEN', 'You do not have permission to enable events.');
        fake.eventsEnabled = true;
        return send(res, 200, {});
      }
      if (url.pathname === '/v2/events' && req.method === 'POST') {
        const limit = body.limit === undefined ? 100 : Number(body.limit);
        if (!(limit >= 1 && limit <= 100))
          return error(res, 400, 'INVALID_REQUEST_ERROR', 'VALUE_TOO_HIGH', 'limit must be at most 100.', 'limit');
        const queryText = JSON.stringify(body.query ?? {});
        let offset = 0;
        if (body.cursor !== undefined) {
          const c = cursors.get(String(body.cursor));
          if (!c || c.query !== queryText)
            return error(
              res,
              400,
              'INVALID_REQUEST_ERROR',
              'INVALID_CURSOR',
              'The cursor is invalid for this query.',
              'cursor',
            );
          offset = c.offset;
        }
        const filter = ((body.query as Record<string, unknown> | undefined)?.filter ?? {}) as {
          event_types?: string[];
          created_at?: { start_at?: string; end_at?: string };
        };
        if (filter.event_types) {
          const scope = missing(filter.event_types);
          if (scope)
            return error(
              res,
              403,
              'AUTHENTICATION_ERROR',
              'INSUFFICIENT_SCOPES',
              `The developer must request these permissions: ${scope}.`,
            );
        }
        const start = filter.created_at?.start_at ? Date.parse(filter.created_at.start_at) : -Infinity;
        const end = filter.created_at?.end_at ? Date.parse(filter.created_at.end_at) : Infinity;
        const matching = fake.events
          .filter((e) => e.searchable)
          .filter((e) => !filter.event_types || filter.event_types.includes(e.type))
          .filter((e) => Date.parse(e.created_at) >= start && Date.parse(e.created_at) < end)
          .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
        const page = matching.slice(offset, offset + limit);
        let next = '';
        if (offset + limit < matching.length) {
          next = Buffer.from(`c${++n}`).toString('base64');
          cursors.set(next, { query: queryText, offset: offset + limit });
        }
        const metadata = page.map((e) => ({ event_id: e.event_id, api_version: '2025-01-23' }));
        return send(
          res,
          200,
          `{"events":[${page.map((e) => e.json).join(',')}],"metadata":${JSON.stringify(metadata)}${next ? `,"cursor":"${next}"` : ''}}`,
        );
      }
      error(res, 404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Resource not found.');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  fake.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  fake.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return fake;
}
