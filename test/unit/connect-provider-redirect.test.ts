// GitHub and Square calls (connect/provider-http.ts) must not follow a redirect: a 307 would
// resend the request, with its token and its body (a webhook's signing secret), to another host.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callProvider } from '../../electron/engine/connect/provider-http';
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

describe('provider calls do not follow redirects', () => {
  it('a 307 to another host is refused and the other host gets nothing', async () => {
    let elsewhere = 0;
    const other = await listen((req, res) => {
      elsewhere += 1;
      res.end('{}');
    });
    const api = await listen((req, res) => {
      res.writeHead(307, { location: `${other.replace('127.0.0.1', 'localhost')}/steal` });
      res.end();
    });
    const err = await callProvider({ apiBase: api, credential: 'ghp_secretsecretsecret', fetch }, 'GitHub', {
      method: 'POST',
      url: `${api}/repos/o/r/hooks`,
      headers: { authorization: 'Bearer ghp_secretsecretsecret' },
      body: { config: { secret: 'whsec_signing' } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/redirect/);
    expect((err as ConnectError).message).not.toContain('ghp_secret');
    expect(elsewhere).toBe(0);
  });
});
