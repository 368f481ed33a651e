// `hookdock serve` as a person runs it: the built CLI in a child process.
import { createServer, type Server } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventSummary, Page, Status } from '../../shared/types';
import { KEYCHAIN_PREFIX } from '../../electron/engine/config/secrets';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { dashboardApi, ensureBuilt, runCli, serveArgs, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

let dir: string;
let running: ServeProcess | null;
const shop = sampleSources().find((s) => s.id === 'shop')!;

beforeAll(() => ensureBuilt(), 180_000);

beforeEach(async () => {
  dir = await makeTempDir();
  running = null;
});

afterEach(async () => {
  if (running) await running.stop('SIGKILL');
  await removeDir(dir);
});

/** A start-up failure must be exactly one line on stderr, "hookdock: ...", exit 2. */
function expectOneLineFailure(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^hookdock: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('hookdock serve', () => {
  it('prints its URLs, receives an event, serves the dashboard API, and exits 0 on SIGTERM', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ sources: [shop] }));
    running = await startServe(dir);
    expect(running.receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=.+/);
    expect(running.receiverUrl).not.toMatch(/:8787$/); // --port 0 printed the port it got

    const { status, json } = await postHook(running.receiverUrl, 'shop', await signedRequest(shop));
    expect(status).toBe(200);
    const events = await dashboardApi<Page<EventSummary>>(running, '/api/events');
    expect(events.status).toBe(200);
    expect(events.body.items.map((e) => e.id)).toContain(json.id);
    const st = await dashboardApi<Status>(running, '/api/status');
    expect(st.body).toMatchObject({ receiverUrl: running.receiverUrl, counts: { events: 1 } });
    // The receiver port serves webhooks only.
    expect((await fetch(`${running.receiverUrl}/api/status`)).status).toBe(404);

    expect(await running.stop('SIGTERM')).toBe(0);
    running = null;
  });

  it('starts on secrets the desktop app encrypted, and warns in one line which and what to do', async () => {
    const encrypted = { ...shop, secret: `${KEYCHAIN_PREFIX}bm90LXJlYWRhYmxlLWhlcmU=` };
    await writeFile(join(dir, 'config.json'), JSON.stringify({ sources: [encrypted] }));
    const serve = (running = await startServe(dir));
    await waitFor(() => serve.stderr().includes('hookdock: warning: '), 5000, 'the warning');
    const warnings = serve
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('hookdock: warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/sources\[0\]\.secret was encrypted by the Hookdock desktop app/);
    expect(warnings[0]).not.toContain(encrypted.secret); // the ciphertext is not printed either
    // The ciphertext is never taken for the secret: a request signed with it is refused.
    const forged = await postHook(running.receiverUrl, 'shop', await signedRequest(encrypted));
    expect(forged.status).toBe(401);
  });

  it('prints --version and --help', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const flag of [
      '--data-dir',
      '--port',
      '--host',
      '--dashboard-port',
      '--tunnel',
      'HOOKDOCK_DASHBOARD_TOKEN',
      'NGROK_AUTHTOKEN',
    ]) {
      expect(h.stdout).toContain(flag);
    }
  });

  it('refuses a port in use with one line', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(
        serveArgs(dir)
          .slice(1)
          .concat(['--port', String(port)]),
      );
      expectOneLineFailure(r, new RegExp(`Port ${port} is already in use .* --port`));
    } finally {
      blocker.close();
    }
  });

  it('refuses an unwritable data dir with one line naming it', async () => {
    await writeFile(join(dir, 'a-file'), 'not a folder');
    const bad = join(dir, 'a-file', 'data');
    const r = await runCli(serveArgs(bad).slice(1));
    expectOneLineFailure(r, /data folder .*a-file\/data/);
  });

  it('refuses an invalid config with one line naming the JSON path', async () => {
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ sources: [{ id: 'forms', provider: 'hmac', secret: 'x' }] }),
    );
    const r = await runCli(serveArgs(dir).slice(1));
    expectOneLineFailure(r, /sources\[0\]\.hmac/);
  });

  it('refuses a config that is not JSON with one line', async () => {
    await writeFile(join(dir, 'config.json'), 'sources = nope');
    const r = await runCli(serveArgs(dir).slice(1));
    expectOneLineFailure(r, /config\.json is not valid JSON/);
  });

  it('refuses a bad flag with one line', async () => {
    const r = await runCli(['serve', '--data-dir', dir, '--tunnel', 'carrier-pigeon']);
    expectOneLineFailure(r, /--tunnel must be "ngrok" or "none"/);
    const u = await runCli(['serve', '--frobnicate']);
    expectOneLineFailure(u, /frobnicate/);
    const p = await runCli(['serve', '--data-dir', dir, '--port', '99999']);
    expectOneLineFailure(p, /--port must be a port number/);
    const env = await runCli(['serve', '--data-dir', dir], { env: { HOOKDOCK_PORT: 'eighty' } });
    expectOneLineFailure(env, /HOOKDOCK_PORT must be a port number from 0 to 65535, not "eighty"/);
  });

  it('takes its settings from the environment', async () => {
    await mkdir(join(dir, 'env-data'));
    running = await startServe(null, {
      env: { HOOKDOCK_DATA_DIR: join(dir, 'env-data'), HOOKDOCK_DASHBOARD_TOKEN: 'env-token-1234567890' },
    });
    expect(running.token).toBe('env-token-1234567890');
    expect((await dashboardApi<Status>(running, '/api/status')).body.dataDir).toBe(join(dir, 'env-data'));
  });
});
