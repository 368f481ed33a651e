// `hookdock serve --public-url` with the owner's own tunnel (a local TCP forwarder):
// the webhook URLs, Square's signed URL and the reachability probe use that URL;
// when the forwarder starts cutting connections, serve says so on stderr (the
// desktop notification's sentence) and exits 3 by itself (--exit-when-unreachable).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import type { Status } from '../../shared/types';
import { startForwarder, type Forwarder } from '../helpers/forwarder';
import { dashboardApi, ensureBuilt, runCli, serveArgs, startServe, type ServeProcess } from '../helpers/serve';
import { signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir } from '../helpers/tmp';

const SQUARE = { id: 'pos', provider: 'square' as const, secret: 'square-test-secret-0123' };
/** Test-only probe timings (README "When your computer sleeps"): probes come quickly, nothing waits minutes. */
const FAST_PROBES = { HOOKDOCK_PROBE_INTERVAL_MS: '150', HOOKDOCK_PROBE_RETRY_MS: '150' };

let dir: string | undefined;
let serve: ServeProcess | null = null;
let forwarder: Forwarder | null = null;

beforeAll(() => ensureBuilt(), 180_000);
afterEach(async () => {
  await serve?.stop('SIGKILL');
  serve = null;
  await forwarder?.close();
  forwarder = null;
  await removeDir(dir);
});

/** `serve` and its flags, without the script path that runCli adds itself. */
const cliArgs = (dataDir: string | null, extra: string[] = []) => serveArgs(dataDir, extra).slice(1);

async function status(s: ServeProcess): Promise<Status> {
  return (await dashboardApi<Status>(s, '/api/status')).body;
}

describe('serve --public-url', () => {
  it('uses the owner’s URL everywhere, then says why and exits 3 when it stops answering', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [{ id: 'shop', provider: 'shopify', secret: 's' }, SQUARE],
        tunnel: { provider: 'none' },
      }),
    );
    forwarder = await startForwarder();
    const publicUrl = `${forwarder.url}/`; // a trailing slash is dropped
    serve = await startServe(dir, {
      args: ['--public-url', publicUrl, '--exit-when-unreachable', '0.01'],
      env: FAST_PROBES,
    });
    forwarder.setTarget(Number(new URL(serve.receiverUrl).port));

    expect(serve.stdout()).toContain(`Public:    ${forwarder.url}\n`);
    await expect.poll(async () => (await status(serve!)).reachability?.state, { timeout: 60_000 }).toBe('reachable');
    const s = await status(serve);
    expect(s.publicUrl).toBe(forwarder.url);
    expect(s.tunnel.state).toBe('off');
    const { body: config } = await dashboardApi<PublicConfig>(serve, '/api/config');
    expect(config.sources.map((x) => x.webhookUrl)).toEqual([
      `${forwarder.url}/hooks/shop`,
      `${forwarder.url}/hooks/pos`,
    ]);

    // Square signs the URL it posts to: the owner's public URL is the base the receiver checks against.
    const square = await signedRequest(SQUARE, { url: `${forwarder.url}/hooks/pos` });
    const res = await fetch(`${forwarder.url}/hooks/pos`, {
      method: 'POST',
      headers: square.headers,
      body: square.body,
    });
    expect(res.status).toBe(200);
    const wrongBase = await signedRequest(SQUARE, { url: `${serve.receiverUrl}/hooks/pos` });
    const rejected = await fetch(`${forwarder.url}/hooks/pos`, {
      method: 'POST',
      headers: wrongBase.headers,
      body: wrongBase.body,
    });
    expect(rejected.status).toBe(401);

    forwarder.drop();
    expect(await serve.exited).toBe(3);
    expect(forwarder.dropped()).toBeGreaterThanOrEqual(2);
    const lines = serve.stderr().split('\n');
    const attention = lines.filter((l) => l.startsWith('hookdock: ') && l.includes("can't reach Hookdock right now"));
    expect(attention).toHaveLength(1);
    expect(attention[0]).toMatch(/^hookdock: Shopify and Square can't reach Hookdock right now: the connection failed/);
    expect(attention[0]).toContain('Check this computer');
    expect(lines).toContain(
      'hookdock: the public URL has not been reachable for 0.01 minutes; exiting so your supervisor can restart Hookdock.',
    );
  }, 180_000);

  it('refuses a public URL that is not an http(s) address, or one combined with ngrok', async () => {
    const bad = await runCli(cliArgs(null, ['--public-url', 'ftp://example.com']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('hookdock: --public-url must start with https:// (or http://), not "ftp:".\n');
    const env = await runCli(cliArgs(null), { env: { HOOKDOCK_PUBLIC_URL: 'example.com' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe(
      'hookdock: HOOKDOCK_PUBLIC_URL must be a full URL such as https://hooks.example.com, not "example.com".\n',
    );
    const both = await runCli([...cliArgs(null, ['--public-url', 'https://h.example.com']), '--tunnel', 'ngrok']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot be used with --tunnel ngrok');
    const minutes = await runCli(cliArgs(null, ['--exit-when-unreachable', 'soon']));
    expect(minutes.stderr).toContain('must be a number of minutes (such as 10 or 0.5), not "soon"');
  }, 60_000);
});
