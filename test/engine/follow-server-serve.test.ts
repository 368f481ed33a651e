// `hookdock serve --follow-port`: the built CLI in a child process, its printed Follow line,
// the followers API on the dashboard, and the mistakes a person can make with the options.
import { createServer } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Status } from '../../shared/types';
import {
  dashboardApi,
  ensureBuilt,
  runCli,
  serveArgs,
  startServe,
  waitForOutput,
  type ServeProcess,
} from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { writeConfig } from './follow-server-helpers';

let dir: string;
let serve: ServeProcess | null;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(async () => {
  dir = await makeTempDir();
  await writeConfig(dir);
  serve = null;
});
afterEach(async () => {
  await serve?.stop();
  await removeDir(dir);
});

describe('hookdock serve --follow-port', () => {
  it('prints the follow address, pairs a follower through the dashboard API, and stops cleanly', async () => {
    serve = await startServe(dir, { args: ['--follow-port', '0'] });
    // Printed after the receiver and dashboard lines startServe waits for: wait for the whole line.
    await waitForOutput(serve, 'Follow:');
    const base = /^Follow:\s+(\S+)$/m.exec(serve.stdout())?.[1];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ports = new Set([base, serve.receiverUrl, serve.dashboardBase].map((u) => new URL(u!).port));
    expect(ports.size).toBe(3);
    const created = await dashboardApi<{ id: string; pairingLink: string }>(serve, '/api/followers', {
      method: 'POST',
      body: JSON.stringify({ name: 'Laptop' }),
    });
    expect(created.status).toBe(200);
    const [linkBase, token] = created.body.pairingLink.split('/#');
    expect(linkBase).toBe(base);
    const hello = await fetch(`${linkBase}/follow/v1/hello`, { headers: { Authorization: `Bearer ${token}` } });
    expect(hello.status).toBe(200);
    const status = await dashboardApi<Status>(serve, '/api/status');
    expect(status.body.followers).toEqual({ count: 1, warnings: [] });
    expect(serve.stdout() + serve.stderr()).not.toContain(token);
    expect(await serve.stop()).toBe(0);
  });

  it('says how to turn follow mode on when it is off', async () => {
    serve = await startServe(dir);
    expect(serve.stdout()).not.toMatch(/^Follow:/m);
    const r = await dashboardApi<{ error: { message: string } }>(serve, '/api/followers', {
      method: 'POST',
      body: JSON.stringify({ name: 'Laptop' }),
    });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/--follow-port/);
  });

  it('refuses --follow-host without --follow-port, and a follow port in use, in one line each', async () => {
    const alone = await runCli(serveArgs(dir, ['--follow-host', '127.0.0.1']).slice(1));
    expect(alone.code).toBe(2);
    expect(alone.stderr.trim()).toBe(
      'hookdock: --follow-host and --follow-public-url need --follow-port (or HOOKDOCK_FOLLOW_PORT).',
    );
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await runCli(serveArgs(dir, ['--follow-port', String(port)]).slice(1));
      expect(busy.code).toBe(2);
      expect(busy.stderr.trim().split('\n')).toEqual([
        `hookdock: The follow port ${port} is already in use: pick another with --follow-port.`,
      ]);
    } finally {
      taken.close();
    }
  });
});
