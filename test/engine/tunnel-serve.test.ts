// `hookdock serve` with a tunnel that hangs: ngrok's server address points at a
// local listener that accepts TCP and never speaks (what a broken middlebox
// does). Start-up must not wait for it, and SIGTERM must still exit 0 promptly.
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../shared/types';
import { dashboardApi, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

let dir: string | undefined;
let running: ServeProcess | null = null;
const sockets: net.Socket[] = [];
let silent: net.Server | null = null;

beforeAll(() => ensureBuilt(), 180_000);

afterEach(async () => {
  if (running) await running.stop('SIGKILL');
  running = null;
  sockets.splice(0).forEach((s) => s.destroy());
  await new Promise((r) => (silent ? silent.close(r) : r(undefined)));
  silent = null;
  await removeDir(dir);
});

describe('hookdock serve with a hanging tunnel', () => {
  it('starts without waiting for the tunnel, shows it connecting, and exits 0 within 5 s on SIGTERM', async () => {
    dir = await makeTempDir();
    silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;

    running = await startServe(dir, {
      args: ['--tunnel', 'ngrok'],
      env: { NGROK_AUTHTOKEN: 'bogus_authtoken_for_tests', HOOKDOCK_NGROK_SERVER_ADDR: `127.0.0.1:${port}` },
    });
    await waitFor(() => sockets.length > 0, 5000, 'the SDK to connect to the silent listener');
    const st = await dashboardApi<Status>(running, '/api/status');
    expect(st.status).toBe(200);
    expect(st.body.tunnel).toMatchObject({ provider: 'ngrok', state: 'connecting', url: null });
    expect(st.body.publicUrl).toBeNull();
    // The receiver answers while the tunnel hangs.
    expect((await fetch(`${running.receiverUrl}/healthz`)).status).toBe(200);
    expect(running.stderr()).not.toContain('bogus_authtoken_for_tests');

    const t0 = Date.now();
    const code = await running.stop('SIGTERM');
    running = null;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
