// Real HTTP servers on 127.0.0.1 for tests that need a provider's API (or another host) to
// answer one particular way, such as a redirect; each is closed after the test that started it.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/**
 * Registers, in the calling test file, the closing of every server started during a test, and
 * returns `listen(handler)`: starts a server answering with `handler` on a free port and resolves
 * its base URL, `http://127.0.0.1:<port>` (no trailing slash).
 */
export function httpServersPerTest(): (handler: RequestListener) => Promise<string> {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  return async (handler) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
