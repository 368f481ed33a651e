// kill -9 of Hookdock while a script runs: the run is attempted again after
// the restart (at-least-once), with HOOKDOCK_ATTEMPT 2, and the interrupted
// attempt is closed with a note.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { allSettled, script, startCrashHost, startHarness, writeConfig, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;
const orphans: number[] = [];

beforeEach(async () => {
  dir = await makeTempDir('hookdock-automations-crash-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  // The first attempt's script outlives the killed host (its own process group): end it.
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await removeDir(dir);
});

it('re-attempts a run that was running when Hookdock was killed with SIGKILL', async () => {
  const attempts = join(dir, 'attempts.txt');
  const release = join(dir, 'release');
  await writeConfig(dir, {
    automations: [
      {
        id: 'waits',
        events: ['*'],
        run: { command: script('wait-for-file.mjs'), args: [attempts, release], timeoutSeconds: 30 },
        retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 },
      },
    ],
    tunnel: { provider: 'none' },
  });

  const host = await startCrashHost(dir);

  const { eventId } = host;
  await waitFor(
    () => existsSync(attempts) && readFileSync(attempts, 'utf8').startsWith('1 '),
    10_000,
    'attempt 1 to start',
  );
  orphans.push(Number(readFileSync(attempts, 'utf8').split(' ')[1]));

  await host.kill();

  h = await startHarness(dir);
  await waitFor(
    () =>
      readFileSync(attempts, 'utf8')
        .split('\n')
        .some((l) => l.startsWith('2 ')),
    10_000,
    'attempt 2 to start',
  );
  orphans.push(Number(readFileSync(attempts, 'utf8').split('\n')[1].split(' ')[1]));
  writeFileSync(release, '');
  const [run] = await h.waitRun(eventId, allSettled);
  expect(run.status).toBe('succeeded');
  expect(run.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  expect(run.attempts[0].error).toMatch(/Hookdock stopped while this attempt ran/);
  expect(run.attempts[0].finishedAt).not.toBeNull();
  expect(run.attempts[1]).toMatchObject({ exitCode: 0, error: null, stdout: 'released at attempt 2\n' });
  await waitFor(() => h!.store.getEventSummary(eventId)?.status === 'done', 3000, 'event done');
});

it('spawns a script only once its job is durably active with the attempt counted (the run record may follow)', async () => {
  const atSpawn: unknown[] = [];
  const harness = await startHarness(
    dir,
    {
      automations: [
        { id: 'ok', events: ['*'], run: { command: script('trivial.sh'), args: [] }, retry: { schedule: [] } },
      ],
      tunnel: { provider: 'none' },
      limits: { concurrency: 2 },
    },
    {
      spawn: ((file: string, args: string[], opts: { env?: NodeJS.ProcessEnv }) => {
        // The store's collections hold only what is fsync'd: this is what a crash would leave.
        const job = harness.automations.scheduler.jobFor(opts.env?.HOOKDOCK_RUN_ID ?? '');
        const onDisk =
          job && harness.store.collection<{ id: string; state: string; attemptsMade: number }>('jobs').get(job.id);
        atSpawn.push(onDisk && { state: onDisk.state, attemptsMade: onDisk.attemptsMade });
        return spawn(file, args, opts);
      }) as typeof spawn,
    },
  );
  h = harness;
  const events = await Promise.all(Array.from({ length: 6 }, () => harness.fire()));
  for (const e of events) expect((await harness.waitRun(e.id, allSettled))[0].status).toBe('succeeded');
  expect(atSpawn).toHaveLength(6);
  for (const j of atSpawn) expect(j).toEqual({ state: 'active', attemptsMade: 1 });
  await waitFor(() => harness.automations.counts().jobsPending === 0, 5000, 'the jobs to be deleted');
  for (const e of events) expect(harness.store.getEventSummary(e.id)?.status).toBe('done');
});
