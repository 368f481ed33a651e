// The Stripe SDK path must not follow a redirect either: the request (and its key) goes only to
// the API base Hookdock was given.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeConnector } from '../../electron/engine/connect/stripe';
import { ConnectError } from '../../electron/engine/connect/types';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Stripe: redirects are not followed', () => {
  it('a 307 from the API base sends nothing to the other host', async () => {
    let elsewhere = 0;
    const other = await listen((_req, res) => {
      elsewhere += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"we_1","object":"webhook_endpoint","url":"https://x","enabled_events":[],"status":"enabled"}');
    });
    const api = await listen((req, res) => {
      res.writeHead(307, { location: `${other}${req.url}` });
      res.end();
    });
    const err = await stripeConnector
      .create(
        { apiBase: api, credential: 'rk_test_redirectRedirect0123', fetch },
        { url: 'https://hooks.example/hooks/p', events: ['charge.succeeded'], secret: 'x' },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).not.toContain('rk_test_redirect');
    expect(elsewhere).toBe(0);
  });
});
