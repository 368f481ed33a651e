// kill -9 of Hookdock while a script runs whose setsid daemon ignores SIGTERM: the
// daemon outlives the killed host (nothing could end it then), and is ended when
// Hookdock starts again, before the run is attempted again; the interrupted
// attempt's note names it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isAlive } from '../helpers/process';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { startCrashHost, startHarness, writeConfig, type Harness } from './automations-harness';

const ESCAPE = fileURLToPath(new URL('../fixtures/scripts/escape.sh', import.meta.url));
let dir: string;
let h: Harness | undefined;
const strays: number[] = [];

beforeEach(async () => {
  dir = await makeTempDir('hookdock-leftovers-crash-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL'); // only if the test failed before Hookdock ended it
    } catch {
      /* gone, as it should be */
    }
  }
  await removeDir(dir);
});

it.runIf(process.platform === 'linux')(
  'ends a setsid daemon left by an attempt interrupted by SIGKILL when Hookdock starts again',
  async () => {
    const pidFile = join(dir, 'daemon.pid');
    await writeConfig(dir, {
      automations: [
        {
          id: 'daemon',
          events: ['*'],
          run: { command: ESCAPE, args: [pidFile], timeoutSeconds: 600 },
          retry: { maxAttempts: 2, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        },
      ],
      tunnel: { provider: 'none' },
    });
    const host = await startCrashHost(dir);
    const { eventId } = host;
    await waitFor(() => existsSync(pidFile), 20_000, 'the daemon to start');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    strays.push(pid);
    // Until it has exec'd sleep (the script waits for that too): the note names it "sleep".
    await waitFor(
      () => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep',
      20_000,
      'the daemon to exec sleep',
    );

    await host.kill();
    expect(isAlive(pid)).toBe(true); // escaped: nothing of Hookdock was left to end it

    h = await startHarness(dir);
    expect(isAlive(pid)).toBe(false); // ended during start, before any attempt runs again
    const [run] = await h.waitRun(eventId, (runs) => runs[0]?.attempts[0]?.finishedAt != null);
    expect(run.attempts[0].error).toMatch(
      new RegExp(
        `^Hookdock stopped while this attempt ran, so it was tried again\\. Hookdock ended \\d+ process(es)?: .*sleep \\(pid ${pid}(, had left the group with setsid)?\\).* it had left running\\.$`,
      ),
    );
  },
);
