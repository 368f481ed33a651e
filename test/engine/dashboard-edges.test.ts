// The dashboard server's HTTP edges, like the receiver's: a half-closed request
// is answered, and past its own connection cap the oldest idle connection is
// closed so the person at the browser still gets in.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/api';
import { createDashboardServer } from '../../electron/engine/dashboard';
import { createBus } from '../../electron/engine/util/bus';
import { DASHBOARD_MAX_CONNECTIONS } from '../../electron/engine/util/fd-limit';
import { memoryLogger } from '../../electron/engine/util/logger';
import { connect } from '../helpers/raw-http';

const TOKEN = 'edge-token-0123456789abcdefghijklmnop';
const handlers = { getStatus: () => Promise.resolve({ version: 'edge' }) } as unknown as ApiHandlers;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function startDashboard(): Promise<number> {
  const d = createDashboardServer({ handlers, bus: createBus(), token: TOKEN, port: 0, logger: memoryLogger() });
  const { port } = await d.start();
  stops.push(() => d.stop());
  return port;
}

const statusRequest = (port: number) =>
  `GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;

describe('dashboard HTTP edges', () => {
  it('answers a request whose sender half-closed right after it', async () => {
    const port = await startDashboard();
    const c = await connect(port);
    c.socket.end(statusRequest(port));
    const [res] = await c.responses(1);
    expect(res!.status).toBe(200);
    expect(JSON.parse(res!.body)).toMatchObject({ version: 'edge' });
  });

  it('stays reachable past its connection cap: the oldest idle connection makes room', async () => {
    const port = await startDashboard();
    const idle = [];
    for (let i = 0; i < DASHBOARD_MAX_CONNECTIONS + 10; i++) idle.push(await connect(port));
    await Promise.all(idle.slice(0, 10).map((c) => c.closed));
    const c = await connect(port);
    c.socket.write(statusRequest(port));
    expect((await c.responses(1))[0]!.status).toBe(200);
    await idle[10]!.closed;
    expect(idle.at(-1)!.socket.destroyed).toBe(false);
    c.socket.destroy();
    for (const s of idle) s.socket.destroy();
  });
});
