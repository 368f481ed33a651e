// A local fake of GitHub's REST API for repository and organisation webhooks
// (node:http on 127.0.0.1, port 0), following the documented shapes
// (docs.github.com/rest/repos/webhooks, /rest/orgs/webhooks, "Repository webhook
// deliveries", "Rate limits for the REST API"):
//   POST   /repos/{o}/{r}/hooks | /orgs/{org}/hooks        201 hook, 422 "Hook already exists"
//   GET    …/hooks                                         200 [hook] (one page)
//   GET    …/hooks/{id}                                    200 hook, 404
//   PATCH  …/hooks/{id}        {events, active, config?}    a `config` without `secret` REMOVES the secret (as documented)
//   PATCH  …/hooks/{id}/config {url, content_type, …}       keeps the secret
//   DELETE …/hooks/{id}                                    204
//   GET    …/hooks/{id}/deliveries?per_page&cursor          newest first, Link rel="next" with a cursor
//   POST   …/hooks/{id}/deliveries/{did}/attempts           202; adds a redelivery with the same guid
// Auth: `Authorization: Bearer <token>`; an unknown token is 401 "Bad credentials"; a token without
// access to the repository is 404 (GitHub hides it), one with access but no Webhooks permission 403.
import { createServer } from 'node:http';
import { postDelivery, type FakeGithubPayload } from './fake-github-send';
import type { FakeDelivery, FakeGithub, FakeGithubRequest, FakeHook, FakeToken } from './fake-github-types';

export type { FakeDelivery, FakeGithub, FakeGithubRequest, FakeHook, FakeToken } from './fake-github-types';

function send(
  res: import('node:http').ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startFakeGithub(): Promise<FakeGithub> {
  let nextHookId = 1000;
  let nextDeliveryId = 50_000;
  let rateLimit: { primaryResetAt: number } | { retryAfterSeconds: number } | null = null;
  let hang = false;
  const fake = {
    tokens: new Map<string, FakeToken>(),
    hooks: new Map<number, FakeHook>(),
    deliveries: [] as FakeDelivery[],
    requests: [] as FakeGithubRequest[],
    redeliveryRequests: [] as number[],
    redelivered: [] as { guid: string; status: number }[],
    redeliveryStatus: 200,
  } as FakeGithub;
  fake.hangNext = () => {
    hang = true;
  };
  fake.rateLimitNext = (kind) => {
    rateLimit = kind;
  };
  fake.addDelivery = (d) => {
    const delivery: FakeDelivery = { redelivery: false, action: null, ...d, id: nextDeliveryId++ };
    fake.deliveries.push(delivery);
    return delivery;
  };

  const payloads = new Map<string, FakeGithubPayload>();
  const waiters: { n: number; ok: () => void }[] = [];
  fake.whenRedelivered = (count) =>
    new Promise<void>((ok) => {
      if (fake.redelivered.length >= count) ok();
      else waiters.push({ n: count, ok });
    });
  fake.send = async (hookId, p, opts = {}) => {
    const hook = fake.hooks.get(hookId)!;
    payloads.set(p.guid, p);
    const status = opts.lost ? 0 : await postDelivery(hook, p);
    return fake.addDelivery({
      hookId,
      guid: p.guid,
      event: p.event,
      action: p.action,
      delivered_at: new Date().toISOString(),
      status_code: opts.recordAs ?? status,
    });
  };

  const hookJson = (h: FakeHook) => {
    const base = h.owner.startsWith('org:') ? `/orgs/${h.owner.slice(4)}` : `/repos/${h.owner.slice(5)}`;
    return {
      type: h.owner.startsWith('org:') ? 'Organization' : 'Repository',
      id: h.id,
      name: 'web',
      active: h.active,
      events: h.events,
      config: {
        url: h.config.url,
        content_type: h.config.content_type,
        insecure_ssl: h.config.insecure_ssl,
        ...(h.config.secret ? { secret: '********' } : {}),
      },
      updated_at: new Date().toISOString(),
      created_at: new Date().toISOString(),
      url: `${fake.baseUrl}${base}/hooks/${h.id}`,
      deliveries_url: `${fake.baseUrl}${base}/hooks/${h.id}/deliveries`,
    };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', fake.baseUrl);
      const body: unknown = text ? JSON.parse(text) : undefined;
      fake.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
      if (hang) {
        hang = false;
        return; // answered never; close() ends the connection
      }

      if (rateLimit) {
        const limit = rateLimit;
        rateLimit = null;
        if ('primaryResetAt' in limit) {
          send(
            res,
            403,
            {
              message: 'API rate limit exceeded for user ID 1.',
              documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
            },
            {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(limit.primaryResetAt / 1000)),
            },
          );
        } else {
          send(
            res,
            403,
            { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
            { 'retry-after': String(limit.retryAfterSeconds) },
          );
        }
        return;
      }

      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const grant = token ? fake.tokens.get(token) : undefined;
      if (!grant) {
        send(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
        return;
      }
      const m =
        /^\/(repos\/([^/]+\/[^/]+)|orgs\/([^/]+))\/hooks(?:\/(\d+)(\/config|\/deliveries(?:\/(\d+)\/attempts)?)?)?$/.exec(
          url.pathname,
        );
      if (!m) {
        send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        return;
      }
      const owner = m[2] ? `repo:${m[2]}` : `org:${m[3]}`;
      const visible = m[2] ? grant.repos.includes(m[2]) : grant.orgs.includes(m[3]!);
      if (!visible) {
        send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        return;
      }
      if (!grant.webhooks) {
        send(res, 403, {
          message: 'Resource not accessible by personal access token',
          documentation_url: 'https://docs.github.com/rest',
          status: '403',
        });
        return;
      }
      const id = m[4] ? Number(m[4]) : null;
      const tail = m[5] ?? '';
      const hook = id !== null ? fake.hooks.get(id) : undefined;
      if (id !== null && (!hook || hook.owner !== owner)) {
        send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        return;
      }
      const b = (body ?? {}) as Record<string, unknown>;

      if (id === null && req.method === 'GET') {
        send(res, 200, [...fake.hooks.values()].filter((h) => h.owner === owner).map(hookJson));
        return;
      }
      if (id === null && req.method === 'POST') {
        const config = (b.config ?? {}) as Record<string, string>;
        if (!config.url) {
          send(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' }],
          });
          return;
        }
        if ([...fake.hooks.values()].some((h) => h.owner === owner && h.config.url === config.url)) {
          send(res, 422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'Hook',
                code: 'custom',
                message: `Hook already exists on this ${m[2] ? 'repository' : 'organization'}`,
              },
            ],
            documentation_url: 'https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook',
          });
          return;
        }
        const created: FakeHook = {
          id: nextHookId++,
          owner,
          active: b.active !== false,
          events: (b.events as string[] | undefined) ?? ['push'],
          config: {
            url: config.url,
            content_type: config.content_type ?? 'form',
            insecure_ssl: config.insecure_ssl ?? '0',
            ...(config.secret ? { secret: config.secret } : {}),
          },
        };
        fake.hooks.set(created.id, created);
        send(res, 201, hookJson(created));
        return;
      }
      if (!hook) {
        send(res, 404, { message: 'Not Found' });
        return;
      }
      if (tail === '' && req.method === 'GET') return send(res, 200, hookJson(hook));
      if (tail === '' && req.method === 'DELETE') {
        fake.hooks.delete(hook.id);
        return send(res, 204);
      }
      if (tail === '' && req.method === 'PATCH') {
        if (Array.isArray(b.events)) hook.events = b.events as string[];
        if (typeof b.active === 'boolean') hook.active = b.active;
        if (b.config) {
          // "If you previously had a secret set, you must provide the same secret or set a new secret or the secret will be removed."
          const c = b.config as Record<string, string>;
          hook.config = {
            url: c.url ?? hook.config.url,
            content_type: c.content_type ?? 'form',
            insecure_ssl: c.insecure_ssl ?? '0',
            ...(c.secret ? { secret: c.secret } : {}),
          };
        }
        return send(res, 200, hookJson(hook));
      }
      if (tail === '/config' && req.method === 'PATCH') {
        const c = b as Record<string, string>;
        hook.config = {
          ...hook.config,
          ...(c.url ? { url: c.url } : {}),
          ...(c.content_type ? { content_type: c.content_type } : {}),
          ...(c.insecure_ssl ? { insecure_ssl: c.insecure_ssl } : {}),
          ...(c.secret ? { secret: c.secret } : {}),
        };
        return send(res, 200, hookJson(hook).config);
      }
      if (tail === '/deliveries' && req.method === 'GET') {
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const cursor = url.searchParams.get('cursor');
        const before = cursor ? Number(cursor.replace(/^v1_/, '')) : Infinity;
        const mine = fake.deliveries.filter((d) => d.hookId === hook.id && d.id < before).sort((x, y) => y.id - x.id);
        const page = mine.slice(0, perPage);
        const headers: Record<string, string> = {};
        if (mine.length > perPage) {
          const next = new URL(url.pathname, fake.baseUrl);
          next.searchParams.set('per_page', String(perPage));
          next.searchParams.set('cursor', `v1_${page[page.length - 1]!.id}`);
          headers.link = `<${next.href}>; rel="next"`;
        }
        return send(
          res,
          200,
          page.map((d) => ({
            id: d.id,
            guid: d.guid,
            delivered_at: d.delivered_at,
            redelivery: d.redelivery,
            duration: 0.1,
            status: d.status_code === 200 ? 'OK' : 'failed to connect',
            status_code: d.status_code,
            event: d.event,
            action: d.action,
            installation_id: null,
            repository_id: 1,
          })),
          headers,
        );
      }
      if (tail.endsWith('/attempts') && req.method === 'POST') {
        const original = fake.deliveries.find((d) => d.id === Number(m[6]) && d.hookId === hook.id);
        if (!original) return send(res, 404, { message: 'Not Found' });
        fake.redeliveryRequests.push(original.id);
        const payload = payloads.get(original.guid);
        // Deliveries added by hand carry no payload: their redelivery gets `redeliveryStatus`.
        void (payload ? postDelivery(hook, payload) : Promise.resolve(fake.redeliveryStatus)).then((status) => {
          fake.addDelivery({
            ...original,
            redelivery: true,
            status_code: status,
            delivered_at: new Date().toISOString(),
          });
          fake.redelivered.push({ guid: original.guid, status });
          for (const w of waiters.filter((x) => fake.redelivered.length >= x.n)) w.ok();
        });
        return send(res, 202, {});
      }
      send(res, 404, { message: 'Not Found' });
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
