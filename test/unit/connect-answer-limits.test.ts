// A provider that accepts the connection and never answers, or answers without end, must not
// hold a Connect check forever or fill memory: Shopify and WooCommerce (connect/http.ts) and
// GitHub and Square (connect/provider-http.ts) give up with a sentence.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../electron/engine/connect/http';
import { callProvider } from '../../electron/engine/connect/provider-http';
import { ConnectError, type ConnectorContext } from '../../electron/engine/connect/types';

const servers: Server[] = [];
const hanging: ServerResponse[] = [];
afterEach(async () => {
  for (const res of hanging.splice(0)) res.destroy();
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ctx = (apiBase: string): ConnectorContext => ({ apiBase, credential: 'shpat_secret', fetch });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** 40 MB of JSON-ish bytes, in 1 MB chunks, without a Content-Length. */
function huge(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let left = 40;
  const more = () => {
    while (left > 0) {
      left -= 1;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end('{}');
  };
  res.on('error', () => {});
  more();
}

describe('provider answers that never end', () => {
  it('Shopify/WooCommerce: a server that never answers times out', async () => {
    const base = await listen((_req, res) => void hanging.push(res));
    const err = await failure(send(ctx(base), 'Shopify', `${base}/admin/api/x/graphql.json`, { method: 'POST' }, 200));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).kind).toBe('unreachable');
    expect((err as ConnectError).message).toMatch(/did not answer/);
  });

  it('Shopify/WooCommerce: an answer larger than the cap is refused', async () => {
    const base = await listen((_req, res) => huge(res));
    const err = await failure(send(ctx(base), 'Shopify', `${base}/orders.json`, { method: 'GET' }));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/larger than/);
  });

  it('GitHub/Square: an answer larger than the cap is refused', async () => {
    const base = await listen((_req, res) => huge(res));
    const err = await failure(callProvider(ctx(base), 'GitHub', { method: 'GET', url: `${base}/x`, headers: {} }));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/larger than/);
  });
});
