// What the automations service tells the feed about an event's runs, and how
// its 'run' jobs outlive (or not) run records pruned by retention.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/types';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { allSettled, script, startHarness, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-automations-ran-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await removeDir(dir);
});

const auto = (id: string, command: string) => ({
  id,
  events: ['charge.refunded'],
  run: { command, args: [] as string[], timeoutSeconds: 20 },
  retry: { maxAttempts: 1, initialDelayMs: 20, maxDelayMs: 20 },
});
const config = (automations: ReturnType<typeof auto>[]) => ({ automations, tunnel: { provider: 'none' as const } });

describe('what ran, for the feed', () => {
  it("fills 'ran' on every event.updated: one entry per automation, its latest run", async () => {
    h = await startHarness(dir, config([auto('ok', script('trivial.mjs')), auto('bad', script('fail.sh'))]));
    const event = await h.fire();
    await h.waitRun(event.id, (runs) => runs.length === 2 && allSettled(runs));
    const updates = await waitFor(
      () => {
        const mine = h!.pushedOf('event.updated').filter((e) => e.id === event.id);
        return mine.at(-1)?.status === 'failed' ? mine : null;
      },
      5000,
      'the event failed',
    );
    const sorted = (ran: unknown) =>
      [...(ran as { automationId: string }[])].sort((a, b) => a.automationId.localeCompare(b.automationId));
    expect(sorted(updates.at(-1)!.ran)).toEqual([
      { automationId: 'bad', status: 'failed' },
      { automationId: 'ok', status: 'succeeded' },
    ]);
    expect(updates[0]).toMatchObject({ status: 'processing' });
    expect(updates[0].ran?.map((r) => r.automationId).sort()).toEqual(['bad', 'ok']);

    // A replay adds newer runs: 'ran' keeps one entry per automation, the latest.
    const replay = await h.automations.handlers.replayEvent({ id: event.id });
    expect(replay.event.ran).toHaveLength(2);
    await h.waitRun(event.id, (runs) => runs.length === 4 && allSettled(runs));
    const last = await waitFor(
      () => {
        const e = h!
          .pushedOf('event.updated')
          .filter((u) => u.id === event.id)
          .at(-1);
        return e?.status === 'failed' && e.ran?.every((r) => r.status !== 'queued' && r.status !== 'running')
          ? e
          : null;
      },
      5000,
      'the replay settled',
    );
    expect(sorted(last.ran)).toEqual([
      { automationId: 'bad', status: 'failed' },
      { automationId: 'ok', status: 'succeeded' },
    ]);
  });
});

describe('run jobs and retention', () => {
  it('drops the dead job of a run that retention pruned, at the next start', async () => {
    h = await startHarness(dir, config([auto('bad', script('fail.sh'))]));
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    await waitFor(() => h!.automations.scheduler.jobFor(run.id)?.state === 'dead', 3000, 'a dead job');
    // What retention does to the run record (store.prune drops runs of dropped events).
    await h.store.collection<Run>('runs').delete(run.id);

    h = await h.restart();
    expect(h.automations.scheduler.jobFor(run.id)).toBeUndefined();
    expect(
      [...h.store.collection<{ id: string; refId: string }>('jobs').values()].some((j) => j.refId === run.id),
    ).toBe(false);
  });

  it('keeps the dead job of a run that still exists, so it can be retried by hand', async () => {
    h = await startHarness(dir, config([auto('bad', script('fail.sh'))]));
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    await waitFor(() => h!.automations.scheduler.jobFor(run.id)?.state === 'dead', 3000, 'a dead job');
    h = await h.restart();
    expect(h.automations.scheduler.jobFor(run.id)?.state).toBe('dead');
  });

  it('tells the engine each time the pending jobs move, the last time with none left', async () => {
    h = await startHarness(dir, config([auto('ok', script('trivial.mjs'))]));
    const seen: number[] = [];
    const off = h.automations.onCountsChanged!(() => seen.push(h!.automations.counts().jobsPending));
    const event = await h.fire();
    await h.waitRun(event.id, allSettled);
    await waitFor(() => h!.automations.counts().jobsPending === 0, 3000, 'no pending job');
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(0);
    off();
    const before = seen.length;
    const second = await h.fire();
    await h.waitRun(second.id, allSettled);
    await waitFor(() => h!.automations.counts().jobsPending === 0, 3000, 'settled');
    expect(seen).toHaveLength(before); // unsubscribed: nothing recorded for the second event
  });
});
