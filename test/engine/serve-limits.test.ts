// `hookdock serve` as a real child process under a small open-file limit
// (prlimit): more idle connections than it may keep, and genuine posts and the
// dashboard still answered.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiverConnectionCap } from '../../electron/engine/util/fd-limit';
import { connect, type RawConnection } from '../helpers/raw-http';
import { dashboardApi, ensureBuilt, startServe, waitForOutput, type ServeProcess } from '../helpers/serve';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir } from '../helpers/tmp';

const FILE_LIMIT = 256;
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
const sources = sampleSources();
const shop = sources.find((s) => s.id === 'shop')!;

let dir: string;
let serve: ServeProcess | null = null;
const idle: RawConnection[] = [];

beforeAll(() => ensureBuilt(), 180_000);
beforeEach(async () => {
  dir = await makeTempDir();
  await writeFile(join(dir, 'config.json'), JSON.stringify({ sources, tunnel: { provider: 'none' } }));
});
afterEach(async () => {
  for (const c of idle.splice(0)) c.socket.destroy();
  await serve?.stop();
  serve = null;
  await removeDir(dir);
});

describe.skipIf(!hasPrlimit)('serve under a small open-file limit', () => {
  it('keeps its connections within the limit: genuine posts and the dashboard are answered past it', async () => {
    serve = await startServe(dir, { prefix: ['prlimit', `--nofile=${FILE_LIMIT}:${FILE_LIMIT}`] });
    const cap = receiverConnectionCap(FILE_LIMIT);
    await waitForOutput(serve, `Open-file limit ${FILE_LIMIT}: the receiver keeps up to ${cap} connections`);

    const port = Number(new URL(serve.receiverUrl).port);
    // More idle connections than the process has file descriptors.
    for (let i = 0; i < FILE_LIMIT + 50; i++) idle.push(await connect(port));
    await Promise.all(idle.slice(0, FILE_LIMIT + 50 - cap).map((c) => c.closed)); // the oldest were let go

    const statuses = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await postHook(serve.receiverUrl, 'shop', await signedRequest(shop))).status);
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await dashboardApi(serve, '/api/status')).status).toBe(200);
  });

  it("starts with half of macOS's default 256 files: the large SDKs (Stripe, OpenAI, nodemailer) load on first use", async () => {
    serve = await startServe(dir, { prefix: ['prlimit', '--nofile=128:128'] });
    expect((await postHook(serve.receiverUrl, 'shop', await signedRequest(shop))).status).toBe(200);
  });
});
