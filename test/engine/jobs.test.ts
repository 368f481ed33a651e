// The scheduler on the real store: jobs survive a restart and a kill -9
// (a real child process), an attempt cut by a crash runs again.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScheduler, type JobRecord, type Scheduler } from '../../electron/engine/jobs/scheduler';
import { createStore } from '../../electron/engine/store';
import type { Store } from '../../electron/engine/store/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const url = (p: string) => pathToFileURL(resolve(__dirname, p)).href;

/**
 * A child Hookdock-like process: opens the store in DIR, enqueues one job for
 * refId 'crash' due after DUE_IN ms, and runs it with a handler that never
 * finishes. It prints ENQUEUED once the enqueue resolved, RUNNING <attempt>
 * once an attempt began.
 */
const CHILD = `
const { createStore } = await import(${JSON.stringify(url('../../electron/engine/store/index.ts'))});
const { createScheduler } = await import(${JSON.stringify(url('../../electron/engine/jobs/scheduler.ts'))});
const { memoryLogger } = await import(${JSON.stringify(url('../../electron/engine/util/logger.ts'))});
const store = createStore({ dataDir: process.env.DIR, logger: memoryLogger() });
await store.open();
const s = createScheduler({ store, logger: memoryLogger(), concurrency: () => 4 });
s.register('k', { run: (job, attempt) => { process.stdout.write('RUNNING ' + attempt + '\\n'); return new Promise(() => {}); } });
await s.start();
await s.enqueue({ kind: 'k', refId: 'crash', policy: { schedule: [10, 10] }, dueAt: Date.now() + Number(process.env.DUE_IN) });
process.stdout.write('ENQUEUED\\n');
setInterval(() => {}, 1000);
`;

function child(dir: string, dueInMs: number): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    env: { ...process.env, DIR: dir, DUE_IN: String(dueInMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { proc, output: () => out };
}

async function kill9(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

let dir: string;
const open: { store: Store; scheduler: Scheduler }[] = [];
async function boot(): Promise<{ store: Store; scheduler: Scheduler; ran: string[] }> {
  const store = createStore({ dataDir: dir, logger: memoryLogger() });
  await store.open();
  const scheduler = createScheduler({ store, logger: memoryLogger(), concurrency: () => 4 });
  const ran: string[] = [];
  scheduler.register('k', {
    async run(job, attempt) {
      ran.push(`${job.refId}#${attempt}`);
      return { ok: true };
    },
  });
  open.push({ store, scheduler });
  return { store, scheduler, ran };
}

beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  for (const { store, scheduler } of open.splice(0)) {
    await scheduler.stop();
    await store.close();
  }
  await removeDir(dir);
});

describe('scheduler on the real store', () => {
  it('a job enqueued just before kill -9 is on disk and runs after the restart', async () => {
    const c = child(dir, 60_000);
    await waitFor(() => c.output().includes('ENQUEUED'), 15_000, `child to enqueue (${c.output()})`);
    await kill9(c.proc);

    const { store, scheduler, ran } = await boot();
    const jobs = [...store.collection<JobRecord>('jobs').values()];
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ refId: 'crash', state: 'pending', attemptsMade: 0 });
    await scheduler.start();
    expect(scheduler.pendingCount()).toBe(1);
    await scheduler.retryNow('crash');
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual(['crash#1']);
    await waitFor(() => store.collection('jobs').size === 0);
  });

  it('an attempt cut short by kill -9 is left active on disk and runs again after the restart', async () => {
    const c = child(dir, 0);
    await waitFor(() => c.output().includes('RUNNING 1'), 15_000, `child to start the attempt (${c.output()})`);
    await kill9(c.proc);

    const { store, scheduler, ran } = await boot();
    const [job] = [...store.collection<JobRecord>('jobs').values()];
    expect(job).toMatchObject({ refId: 'crash', state: 'active', attemptsMade: 1 });
    await scheduler.start();
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual(['crash#2']);
    await waitFor(() => store.collection('jobs').size === 0);
  });

  it('pending, retrying and dead jobs keep their state across a clean restart', async () => {
    const a = await boot();
    let fail = true;
    a.scheduler.register('flaky', {
      run: async () => (fail ? { ok: false, error: 'down' } : { ok: true }),
    });
    await a.scheduler.start();
    await a.scheduler.enqueue({ kind: 'flaky', refId: 'dies', policy: { schedule: [] } });
    await a.scheduler.enqueue({ kind: 'flaky', refId: 'waits', policy: { schedule: [300] } });
    await a.scheduler.enqueue({ kind: 'k', refId: 'later', policy: { schedule: [] }, dueAt: Date.now() + 200 });
    await waitFor(
      () => a.scheduler.jobFor('dies')?.state === 'dead' && a.scheduler.jobFor('waits')?.attemptsMade === 1,
    );
    await a.scheduler.stop();
    await a.store.close();
    open.splice(0);

    const b = await boot();
    fail = false;
    b.scheduler.register('flaky', { run: async () => ({ ok: true }) });
    await b.scheduler.start();
    expect(b.scheduler.jobFor('dies')).toMatchObject({ state: 'dead', lastError: 'down' });
    expect(b.scheduler.pendingCount()).toBe(2);
    await waitFor(() => b.scheduler.pendingCount() === 0, 5000);
    expect(b.ran).toEqual(['later#1']);
    expect(b.scheduler.jobFor('dies')?.state).toBe('dead');
    await b.scheduler.retryNow('dies');
    await waitFor(() => b.scheduler.jobFor('dies') === undefined);
  });
});
