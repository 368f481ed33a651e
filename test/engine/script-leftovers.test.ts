// A script whose daemon leaves the process group with setsid and ignores SIGTERM, run by
// the real engine (port 0, temp data dir, real processes): the daemon is ended on
// timeout, after the script exits, and when Hookdock stops, and the run says so.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { isAlive } from '../helpers/process';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const ESCAPE = fileURLToPath(new URL('../fixtures/scripts/escape.sh', import.meta.url));

let dir: string;
let engine: Engine | null;
beforeEach(async () => {
  dir = await makeTempDir();
  engine = null;
});
afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

async function start(args: string[], timeoutSeconds: number): Promise<Engine> {
  const config = {
    sources: [{ id: 'open', provider: 'none' }],
    automations: [
      {
        id: 'daemon',
        source: 'open',
        events: ['*'],
        run: { command: ESCAPE, args, timeoutSeconds },
        retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 },
      },
    ],
    tunnel: { provider: 'none' },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  await engine.start();
  return engine;
}

async function post(e: Engine): Promise<string> {
  const res = await fetch(`${e.receiverUrl()}/hooks/open`, { method: 'POST', body: '{"n":1}' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function finishedRun(e: Engine, id: string): Promise<Run> {
  return waitFor(
    async () => {
      const run = (await e.handlers.getEvent({ id })).runs[0];
      return run && (run.status === 'succeeded' || run.status === 'failed') ? run : undefined;
    },
    30_000,
    'the run to finish',
  );
}

const daemon = (file: string) => Number(readFileSync(file, 'utf8'));
const setsidLine = (pid: number) => `sleep (pid ${pid}, had left the group with setsid)`;

describe.runIf(process.platform === 'linux')('a script that leaves a setsid daemon ignoring SIGTERM', () => {
  it('times out: the run fails naming every process ended, the daemon among them, and it is gone', async () => {
    const pidFile = join(dir, 'daemon.pid');
    // Long enough for the daemon to be up first, even on a loaded machine.
    const e = await start([pidFile], 4);
    const run = await finishedRun(e, await post(e));
    const pid = daemon(pidFile);
    expect(run.status).toBe('failed');
    expect(run.attempts[0].error).toMatch(/^The script ran longer than 4 s and was stopped; ended \d+ processes: /);
    expect(run.attempts[0].error).toContain(setsidLine(pid));
    expect(isAlive(pid)).toBe(false);
  });

  it('exits 0: the run succeeds, the daemon is ended, and the attempt notes it', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const e = await start([pidFile, '0'], 30);
    const run = await finishedRun(e, await post(e));
    const pid = daemon(pidFile);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].error).toContain(`Hookdock ended 1 process: ${setsidLine(pid)}.`);
    expect(isAlive(pid)).toBe(false);
  });

  it('Hookdock stops while it runs: the daemon does not outlive Hookdock', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const e = await start([pidFile], 600);
    await post(e);
    await waitFor(() => existsSync(pidFile), 20_000, 'the daemon to start');
    const pid = daemon(pidFile);
    await e.stop();
    engine = null;
    // SIGKILL went out synchronously during stop(): at most the kernel's reaping is left.
    await waitFor(() => !isAlive(pid), 5_000, 'the daemon to be gone');
  });
});
