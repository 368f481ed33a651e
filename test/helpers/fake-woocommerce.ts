// A local stand-in for one WooCommerce site's REST API (wc/v3), on a real HTTP port,
// following woocommerce.github.io/woocommerce-rest-api-docs: HTTP Basic auth with the
// consumer key and secret (401 woocommerce_rest_authentication_error / _cannot_view; a
// Read-only key writing: 401 "...does not have write permissions."), errors as
// {code, message, data: {status}}, webhooks (one topic each; `secret` only with
// context=edit; DELETE needs force=true, else 501 woocommerce_rest_trash_not_supported;
// 404 woocommerce_rest_webhook_invalid_id), orders with modified_after / modified_before
// (dates_are_gmt) and X-WP-Total / X-WP-TotalPages paging (per_page at most 100),
// 404 rest_no_route for anything else, 301 under /moved/ (a site that moved), and 429 with Retry-After when a test asks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  resource: string;
  event: string;
  delivery_url: string;
  secret: string;
  date_created_gmt: string;
}

export type FakeWooOrder = Record<string, unknown> & {
  id: number;
  date_created_gmt: string;
  date_modified_gmt: string;
};

export interface FakeWooRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

const TOPIC = /^(order|product|customer|coupon)\.(created|updated|deleted|restored)$|^action\.[a-z_]+$/;

export interface FakeWoocommerce {
  url: string;
  /** `ck_…:cs_…` of a Read/Write key. */
  credential: string;
  /** `ck_…:cs_…` of a Read-only key. */
  readOnlyCredential: string;
  webhooks: Map<number, FakeWebhook>;
  orders: FakeWooOrder[];
  requests: FakeWooRequest[];
  /** The next `n` calls answer 429 with `Retry-After: retryAfter` (a host's limit). */
  limit(n: number, retryAfter: string): void;
  close(): Promise<void>;
}

const wpError = (
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify({ code, message, data: { status } }));
};
const ok = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
};

/** One page of `items` as WordPress pages them, with its X-WP-Total / X-WP-TotalPages. */
function paged<T>(items: T[], params: URLSearchParams): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(params.get('per_page') ?? 10), 1), 100);
  const page = Math.max(Number(params.get('page') ?? 1), 1);
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: { 'X-WP-Total': String(items.length), 'X-WP-TotalPages': String(Math.ceil(items.length / perPage)) },
  };
}

export async function startFakeWoocommerce(): Promise<FakeWoocommerce> {
  const credential = 'ck_4f1b2c3d4e5f60718293a4b5c6d7e8f901234567:cs_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d';
  const readOnlyCredential = 'ck_ro000000000000000000000000000000000000ro:cs_ro000000000000000000000000000000000000ro';
  const basic = (c: string) => `Basic ${Buffer.from(c).toString('base64')}`;
  const webhooks = new Map<number, FakeWebhook>();
  const orders: FakeWooOrder[] = [];
  const requests: FakeWooRequest[] = [];
  let nextId = 11;
  let limited = { n: 0, retryAfter: '5' };

  const view = (h: FakeWebhook, edit: boolean) => {
    const { secret, ...rest } = h;
    return edit ? { ...rest, secret } : rest;
  };

  function route(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    writeAllowed: boolean,
    res: http.ServerResponse,
  ): void {
    const path = url.pathname.replace(/^\/wp-json\/wc\/v3/, '');
    if (!url.pathname.startsWith('/wp-json/wc/v3/'))
      return wpError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
    if (method !== 'GET' && !writeAllowed) {
      return wpError(
        res,
        401,
        'woocommerce_rest_authentication_error',
        'The API key provided does not have write permissions.',
      );
    }
    const one = /^\/webhooks\/(\d+)$/.exec(path);
    if (path === '/webhooks' && method === 'GET') {
      const { page, headers } = paged([...webhooks.values()], url.searchParams);
      return ok(
        res,
        200,
        page.map((h) => view(h, false)),
        headers,
      );
    }
    if (path === '/webhooks' && method === 'POST') {
      const topic = String(body.topic ?? '');
      if (!TOPIC.test(topic)) return wpError(res, 400, 'rest_invalid_param', 'Invalid parameter(s): topic');
      const [resource, event] = topic.split('.') as [string, string];
      const hook: FakeWebhook = {
        id: nextId++,
        name: String(body.name ?? ''),
        status: (body.status as FakeWebhook['status']) ?? 'active',
        topic,
        resource,
        event,
        delivery_url: String(body.delivery_url ?? ''),
        secret: String(body.secret ?? ''),
        date_created_gmt: new Date().toISOString().slice(0, 19),
      };
      webhooks.set(hook.id, hook);
      return ok(res, 201, view(hook, true));
    }
    if (one) {
      const hook = webhooks.get(Number(one[1]));
      if (!hook) return wpError(res, 404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
      if (method === 'GET') return ok(res, 200, view(hook, url.searchParams.get('context') === 'edit'));
      if (method === 'PUT') {
        for (const k of ['delivery_url', 'status', 'secret', 'name'] as const) {
          if (typeof body[k] === 'string') (hook as unknown as Record<string, string>)[k] = body[k] as string;
        }
        return ok(res, 200, view(hook, true));
      }
      if (method === 'DELETE') {
        if (url.searchParams.get('force') !== 'true') {
          return wpError(res, 501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
        }
        webhooks.delete(hook.id);
        return ok(res, 200, view(hook, true));
      }
    }
    if (path === '/orders' && method === 'GET') {
      const p = url.searchParams;
      const gmt = (s: string) => Date.parse(`${s.replace(/Z$/, '')}Z`);
      const after = p.get('modified_after');
      const before = p.get('modified_before');
      const list = orders
        .filter(
          (o) =>
            (!after || gmt(o.date_modified_gmt) > gmt(after)) && (!before || gmt(o.date_modified_gmt) < gmt(before)),
        )
        .sort((a, b) => a.id - b.id);
      const { page, headers } = paged(list, p);
      return ok(res, 200, page, headers);
    }
    return wpError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const authorization = req.headers.authorization;
      requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization,
        body: text ? body : undefined,
      });
      // A site that moved (http to https, or to www): WordPress answers 301 before any auth.
      if (url.pathname.startsWith('/moved/')) {
        res.writeHead(301, { Location: `https://www.shop.example.com${url.pathname.slice('/moved'.length)}` });
        res.end();
        return;
      }
      if (limited.n > 0) {
        limited.n--;
        return wpError(res, 429, 'too_many_requests', 'Too many requests.', { 'Retry-After': limited.retryAfter });
      }
      const rw = authorization === basic(credential);
      if (!rw && authorization !== basic(readOnlyCredential)) {
        return wpError(res, 401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
      }
      route(req.method ?? 'GET', url, body, rw, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credential,
    readOnlyCredential,
    webhooks,
    orders,
    requests,
    limit: (n, retryAfter) => void (limited = { n, retryAfter }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HOUR = 3_600_000;

/** WooCommerce's `*_gmt` times: UTC without a zone. */
export const gmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** A wc/v3 order as GET /orders returns it (and an order.* webhook carries it). */
export function wooOrder(
  id: number,
  createdMs: number,
  modifiedMs = createdMs,
  extra: Record<string, unknown> = {},
): FakeWooOrder {
  return {
    id,
    number: String(id),
    status: 'processing',
    currency: 'EUR',
    date_created: gmt(createdMs + HOUR),
    date_created_gmt: gmt(createdMs),
    date_modified: gmt(modifiedMs + HOUR),
    date_modified_gmt: gmt(modifiedMs),
    total: '59.00',
    billing: { first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com' },
    line_items: [{ id: 1, name: 'Ceramic mug', quantity: 2, total: '54.00' }],
    refunds: [],
    ...extra,
  };
}
