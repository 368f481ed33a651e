// A local stand-in for one shop's Shopify Admin API (2025-07), on a real HTTP port, following
// the documented shapes: X-Shopify-Access-Token auth (401 {"errors":"[API] Invalid API key or
// access token ..."}), GraphQL answers with `data`, `userErrors`, top-level `errors` with
// extensions.code THROTTLED (and the cost extensions) or ACCESS_DENIED (requiredAccess), the
// REST orders list with Link-header paging by page_info (shopify.dev/docs/api/usage/pagination-rest:
// with page_info only `limit` may be sent), 403 for a missing scope, 429 with Retry-After.
// GraphQL operations are told apart by their root field; this is not a GraphQL engine.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const SHOPIFY_VERSION = '2025-07';

export interface FakeSubscription {
  id: string;
  topic: string;
  callbackUrl: string;
  format: string;
}

export type FakeOrder = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

export interface FakeRequest {
  method: string;
  path: string;
  token: string | undefined;
  body: { query?: string; variables?: Record<string, unknown> } | undefined;
}

const KNOWN_TOPICS = new Set([
  'ORDERS_CREATE',
  'ORDERS_UPDATED',
  'ORDERS_PAID',
  'ORDERS_FULFILLED',
  'ORDERS_CANCELLED',
  'REFUNDS_CREATE',
  'PRODUCTS_CREATE',
  'INVENTORY_ITEMS_CREATE',
]);

export interface FakeShopify {
  url: string;
  token: string;
  subscriptions: Map<string, FakeSubscription>;
  orders: FakeOrder[];
  requests: FakeRequest[];
  /** Scopes the app was granted; without read_orders, orders and orders/* topics are refused. */
  scopes: Set<string>;
  /** The next `n` GraphQL calls answer THROTTLED (HTTP 200, as Shopify does). */
  throttleGraphql(n: number): void;
  /** The next `n` REST calls answer 429 with `Retry-After: retryAfter`. */
  limitRest(n: number, retryAfter: string): void;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

export async function startFakeShopify(opts: { token?: string } = {}): Promise<FakeShopify> {
  const token = opts.token ?? 'shpat_0123456789abcdef0123456789abcdef';
  const subscriptions = new Map<string, FakeSubscription>();
  const orders: FakeOrder[] = [];
  const requests: FakeRequest[] = [];
  const scopes = new Set(['read_orders']);
  let nextSub = 1;
  let throttle = 0;
  let limited: { n: number; retryAfter: string } = { n: 0, retryAfter: '2.0' };

  const node = (s: FakeSubscription) => ({
    id: s.id,
    topic: s.topic,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: s.callbackUrl },
  });
  const scopeProblem = (topic: string) =>
    (topic.startsWith('ORDERS_') || topic.startsWith('REFUNDS_')) && !scopes.has('read_orders');

  function graphql(query: string, variables: Record<string, unknown>): unknown {
    if (throttle > 0) {
      throttle--;
      return {
        errors: [
          {
            message: 'Throttled',
            extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
          },
        ],
        extensions: {
          cost: {
            requestedQueryCost: 12,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 },
          },
        },
      };
    }
    const input = (variables.webhookSubscription ?? {}) as { callbackUrl?: string; format?: string };
    const invalidUrl = (url: string | undefined) =>
      !url || !url.startsWith('https://')
        ? [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address protocol http:// is not supported' }]
        : [];
    if (query.includes('webhookSubscriptionCreate(')) {
      const topic = String(variables.topic);
      if (!KNOWN_TOPICS.has(topic)) {
        return {
          errors: [
            {
              message: `Variable $topic of type WebhookSubscriptionTopic! was provided invalid value`,
              extensions: { code: 'INVALID_VARIABLE' },
            },
          ],
        };
      }
      if (scopeProblem(topic)) {
        return {
          errors: [
            {
              message: 'Access denied for webhookSubscriptionCreate field.',
              extensions: { code: 'ACCESS_DENIED', requiredAccess: '`read_orders` access scope.' },
            },
          ],
        };
      }
      const userErrors = invalidUrl(input.callbackUrl);
      const taken = [...subscriptions.values()].some((s) => s.topic === topic && s.callbackUrl === input.callbackUrl);
      if (taken)
        userErrors.push({
          field: ['webhookSubscription', 'callbackUrl'],
          message: 'Address for this topic has already been taken',
        });
      if (userErrors.length) return { data: { webhookSubscriptionCreate: { userErrors, webhookSubscription: null } } };
      const sub = {
        id: `gid://shopify/WebhookSubscription/${nextSub++}`,
        topic,
        callbackUrl: input.callbackUrl!,
        format: input.format ?? 'JSON',
      };
      subscriptions.set(sub.id, sub);
      return { data: { webhookSubscriptionCreate: { userErrors: [], webhookSubscription: node(sub) } } };
    }
    if (query.includes('webhookSubscriptionUpdate(')) {
      const sub = subscriptions.get(String(variables.id));
      if (!sub)
        return {
          data: {
            webhookSubscriptionUpdate: {
              userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
              webhookSubscription: null,
            },
          },
        };
      const userErrors = input.callbackUrl !== undefined ? invalidUrl(input.callbackUrl) : [];
      if (userErrors.length) return { data: { webhookSubscriptionUpdate: { userErrors, webhookSubscription: null } } };
      if (input.callbackUrl) sub.callbackUrl = input.callbackUrl;
      return { data: { webhookSubscriptionUpdate: { userErrors: [], webhookSubscription: node(sub) } } };
    }
    if (query.includes('webhookSubscriptionDelete(')) {
      const id = String(variables.id);
      if (!subscriptions.delete(id)) {
        return {
          data: {
            webhookSubscriptionDelete: {
              userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
              deletedWebhookSubscriptionId: null,
            },
          },
        };
      }
      return { data: { webhookSubscriptionDelete: { userErrors: [], deletedWebhookSubscriptionId: id } } };
    }
    if (query.includes('webhookSubscriptions(')) {
      const topics = (variables.topics as string[] | undefined) ?? null;
      const nodes = [...subscriptions.values()]
        .filter(
          (s) =>
            (!topics || topics.includes(s.topic)) &&
            (!variables.callbackUrl || s.callbackUrl === variables.callbackUrl),
        )
        .map(node);
      return { data: { webhookSubscriptions: { nodes } } };
    }
    if (query.includes('webhookSubscription(')) {
      const sub = subscriptions.get(String(variables.id));
      return { data: { webhookSubscription: sub ? node(sub) : null } };
    }
    return { errors: [{ message: 'Field is not defined on QueryRoot', extensions: { code: 'undefinedField' } }] };
  }

  function listOrders(url: URL, base: string, res: http.ServerResponse): void {
    if (!scopes.has('read_orders')) {
      json(res, 403, { errors: '[API] This action requires merchant approval for read_orders scope.' });
      return;
    }
    const params = url.searchParams;
    const limit = Math.min(Number(params.get('limit') ?? 50), 250);
    let filter: { min: string | null; max: string | null; offset: number };
    const pageInfo = params.get('page_info');
    if (pageInfo) {
      if ([...params.keys()].some((k) => k !== 'page_info' && k !== 'limit')) {
        json(res, 400, { errors: { page_info: 'Invalid value.' } });
        return;
      }
      filter = JSON.parse(Buffer.from(pageInfo, 'base64url').toString('utf8')) as typeof filter;
    } else {
      filter = { min: params.get('updated_at_min'), max: params.get('updated_at_max'), offset: 0 };
    }
    const all = orders
      .filter(
        (o) =>
          (!filter.min || Date.parse(o.updated_at) >= Date.parse(filter.min)) &&
          (!filter.max || Date.parse(o.updated_at) <= Date.parse(filter.max)),
      )
      .sort((a, b) => a.id - b.id);
    const pageOrders = all.slice(filter.offset, filter.offset + limit);
    const headers: Record<string, string> = {};
    if (filter.offset + limit < all.length) {
      const next = Buffer.from(JSON.stringify({ ...filter, offset: filter.offset + limit })).toString('base64url');
      headers.Link = `<${base}/admin/api/${SHOPIFY_VERSION}/orders.json?limit=${limit}&page_info=${next}>; rel="next"`;
    }
    json(res, 200, { orders: pageOrders }, headers);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const given = req.headers['x-shopify-access-token'] as string | undefined;
      const body = text ? (JSON.parse(text) as FakeRequest['body']) : undefined;
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, token: given, body });
      if (given !== token) {
        json(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
        return;
      }
      const base = `http://${req.headers.host}`;
      if (req.method === 'POST' && url.pathname === `/admin/api/${SHOPIFY_VERSION}/graphql.json`) {
        json(res, 200, graphql(body?.query ?? '', body?.variables ?? {}));
      } else if (req.method === 'GET' && url.pathname === `/admin/api/${SHOPIFY_VERSION}/orders.json`) {
        if (limited.n > 0) {
          limited.n--;
          json(
            res,
            429,
            {
              errors:
                'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
            },
            { 'Retry-After': limited.retryAfter },
          );
          return;
        }
        listOrders(url, base, res);
      } else {
        json(res, 404, { errors: 'Not Found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    subscriptions,
    orders,
    requests,
    scopes,
    throttleGraphql: (n) => void (throttle = n),
    limitRest: (n, retryAfter) => void (limited = { n, retryAfter }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HOUR = 3_600_000;

/** Shopify writes times in the shop's zone: `2026-11-29T05:00:00-05:00`. */
export function shopTime(ms: number): string {
  return new Date(ms - 5 * HOUR).toISOString().slice(0, 19) + '-05:00';
}

/** A REST Order as orders.json returns it (and an orders/* webhook carries it). */
export function order(
  id: number,
  createdMs: number,
  updatedMs = createdMs,
  extra: Record<string, unknown> = {},
): FakeOrder {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: 'jane@example.com',
    created_at: shopTime(createdMs),
    updated_at: shopTime(updatedMs),
    processed_at: shopTime(createdMs),
    cancelled_at: null,
    financial_status: 'paid',
    fulfillment_status: null,
    total_price: '59.00',
    currency: 'USD',
    fulfillments: [],
    refunds: [],
    ...extra,
  };
}
