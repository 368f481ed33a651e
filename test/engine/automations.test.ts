// The automations service end to end: real store on disk, real config file,
// real child processes (node, sh, python3), real HTTP to a sink destination.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { ConfigInput } from '../../shared/config';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import {
  allSettled,
  FAST_RETRY,
  reportOf,
  script,
  SINK_SECRET,
  startHarness,
  startSink,
  storedEvent,
  type Harness,
  type Sink,
} from './automations-harness';
import { isAlive } from '../helpers/process';

let dir: string;
let sink: Sink;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-automations-');
  sink = await startSink();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await sink.close();
  await removeDir(dir);
});

const auto = (id: string, command: string, over: Record<string, unknown> = {}) => ({
  id,
  events: ['charge.refunded', 'refund.*'],
  run: { command, args: [] as string[], timeoutSeconds: 20 },
  retry: FAST_RETRY,
  ...over,
});
const withSink = (automations: ConfigInput['automations']): ConfigInput => ({
  automations,
  destinations: [{ id: 'sink', url: sink.url, secret: SINK_SECRET, retry: { schedule: [20, 20] } }],
  tunnel: { provider: 'none' },
});

describe('matching and the envelope', () => {
  it('fires node, sh and python3 scripts with the right envelope and variables, and nothing else', async () => {
    h = await startHarness(
      dir,
      withSink([
        auto('node', script('report.mjs'), { source: 'payments' }),
        auto('sh', script('report.sh'), { source: '*', events: ['charge.*'] }),
        auto('python', script('report.py'), { events: ['*'] }),
        auto('other-source', script('report.mjs'), { source: 'shop' }),
        auto('other-type', script('report.mjs'), { events: ['orders/*'] }),
        auto('disabled', script('report.mjs'), { enabled: false }),
      ]),
    );
    const event = await h.fire({ payload: { id: 'ch_9', note: 'a "quoted" $(payload)' } });
    const runs = await h.waitRun(event.id, allSettled);
    expect(runs.map((r) => r.automationId).sort()).toEqual(['node', 'python', 'sh']);
    const stored = (await h.store.getEvent(event.id))!;
    const envelope = {
      id: event.id,
      source: 'payments',
      provider: 'none',
      type: 'charge.refunded',
      receivedAt: stored.receivedAt,
      test: false,
      headers: stored.headers,
      payload: { id: 'ch_9', note: 'a "quoted" $(payload)' },
    };
    for (const run of runs) {
      expect(run.status).toBe('succeeded');
      expect(run.attempts).toHaveLength(1);
      const report = reportOf(run.attempts[0].stdout);
      // Each run says why it runs: this event arrived (not a replay, not a test).
      expect(report.stdin).toEqual({ ...envelope, run: { id: run.id, reason: 'event' } });
      expect(report.file).toEqual({ ...envelope, run: { id: run.id, reason: 'event' } });
      expect(report.env.HOOKDOCK_TEST).toBeUndefined();
      expect(report.env.HOOKDOCK_REPLAY).toBeUndefined();
      expect(report.env).toMatchObject({
        HOOKDOCK_EVENT_ID: event.id,
        HOOKDOCK_EVENT_TYPE: 'charge.refunded',
        HOOKDOCK_SOURCE: 'payments',
        HOOKDOCK_RUN_ID: run.id,
        HOOKDOCK_ATTEMPT: '1',
      });
      expect(run.attempts[0]).toMatchObject({ attempt: 1, exitCode: 0, signal: null, error: null, truncated: false });
    }
    await waitFor(() => h!.store.getEventSummary(event.id)?.status === 'done', 3000, 'event done');
    // Every change was pushed: queued -> running -> succeeded, and the event's status.
    const statuses = h
      .pushedOf('run.updated')
      .filter((r) => r.id === runs[0].id)
      .map((r) => r.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    expect(h.pushedOf('event.updated').map((e) => e.status)).toEqual(expect.arrayContaining(['processing', 'done']));
    expect(
      h
        .pushedOf('run.output')
        .some((o) => o.eventId === event.id && o.stream === 'stdout' && o.chunk.includes('"report"')),
    ).toBe(true);
  });

  it('never fires anything for a rejected event', async () => {
    h = await startHarness(dir, withSink([auto('all', script('report.mjs'), { events: ['*'] })]));
    const event = await h.fire({ status: 'rejected', verification: { ok: false, reason: 'bad signature' } });
    expect(h.automations.runsForEvent(event.id)).toEqual([]);
    expect(h.automations.counts().jobsPending).toBe(0);
    await expect(h.automations.handlers.replayEvent({ id: event.id })).rejects.toMatchObject({ status: 409 });
  });
});

describe('retries and sends', () => {
  it('retries a failing script with backoff until it succeeds; only the successful attempt sends', async () => {
    h = await startHarness(
      dir,
      withSink([auto('flaky', script('flaky.mjs'), { run: { command: script('flaky.mjs'), args: ['3', 'sink'] } })]),
    );
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => [a.attempt, a.exitCode])).toEqual([
      [1, 1],
      [2, 1],
      [3, 0],
    ]);
    expect(run.attempts[0].stderr).toBe('attempt 1 failed on purpose\n');
    expect(run.attempts[1].stderr).toBe('attempt 2 failed on purpose\n');
    expect(run.attempts[0].error).toMatch(/exited with code 1.*1 send line\(s\) were not sent/);
    // Backoff: each retry waited at least initialDelayMs.
    const gap = Date.parse(run.attempts[1].startedAt) - Date.parse(run.attempts[0].finishedAt!);
    expect(gap).toBeGreaterThanOrEqual(15);
    expect(h.pushedOf('run.updated').some((r) => r.id === run.id && r.status === 'retrying' && r.nextAttemptAt)).toBe(
      true,
    );

    await waitFor(() => h!.automations.deliveriesForEvent(event.id)[0]?.status === 'delivered', 5000, 'delivered');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.requests).toHaveLength(1);
    const { headers, body } = sink.requests[0];
    const verified = new Webhook(SINK_SECRET).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    }) as { type: string; data: unknown };
    expect(verified).toMatchObject({ type: 'flaky.attempt', data: { attempt: 3 } });
    const delivery = h.automations.deliveriesForEvent(event.id)[0];
    expect(delivery).toMatchObject({ destinationId: 'sink', runId: run.id, eventId: event.id, status: 'delivered' });
    // And the outbox API lists it.
    const page = await h.automations.handlers.listOutbox({ status: 'delivered', limit: 50 });
    expect(page.items.map((d) => d.id)).toEqual([delivery.id]);
    expect((await h.automations.handlers.listOutbox({ status: 'failed', limit: 50 })).items).toEqual([]);
  });

  it('after the last attempt the run fails with stderr visible, the event fails, and a retry by hand works', async () => {
    h = await startHarness(
      dir,
      withSink([
        auto('flaky', script('flaky.mjs'), {
          run: { command: script('flaky.mjs'), args: ['3', 'sink'] },
          retry: { ...FAST_RETRY, maxAttempts: 2 },
        }),
      ]),
    );
    const event = await h.fire();
    let [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.nextAttemptAt).toBeNull();
    expect(run.attempts).toHaveLength(2);
    expect(run.attempts[1].stderr).toBe('attempt 2 failed on purpose\n');
    await waitFor(() => h!.store.getEventSummary(event.id)?.status === 'failed', 3000, 'event failed');
    expect(h.automations.counts()).toMatchObject({ runsFailed: 1, jobsPending: 0 });
    expect(sink.requests).toHaveLength(0);

    const retried = await h.automations.handlers.retryRun({ id: run.id });
    expect(['queued', 'running']).toContain(retried.status);
    [run] = await h.waitRun(event.id, (runs) => runs[0].status === 'succeeded');
    expect(run.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(reportLine(run.attempts[2].stdout)).toBe('attempt 3 worked');
    await waitFor(() => h!.store.getEventSummary(event.id)?.status === 'done', 3000, 'event done');
    expect(h.automations.counts().runsFailed).toBe(0);
    await waitFor(() => sink.requests.length === 1, 5000, 'one delivery');
  });

  it('records an unknown destination on the run, ignores non-JSON lines, and still sends the good ones', async () => {
    const sends = [
      { destination: 'sink', type: 'order.tagged', data: { n: 1 } },
      { destination: 'nope', type: 'order.tagged', data: { n: 2 } },
    ];
    h = await startHarness(
      dir,
      withSink([
        auto('sends', script('sends.mjs'), { run: { command: script('sends.mjs'), args: [JSON.stringify(sends)] } }),
      ]),
    );
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].exitCode).toBe(0);
    expect(run.attempts[0].error).toBe(
      'stdout line 4: there is no destination "nope", so nothing was sent: add it in the Outbox, then retry the failed send there.',
    );
    await waitFor(() => sink.requests.length === 1, 5000, 'one delivery');
    expect(JSON.parse(sink.requests[0].body)).toMatchObject({ type: 'order.tagged', data: { n: 1 } });
    // The send that could not go is a failed delivery on the event, not silence.
    const deliveries = await waitFor(
      () => {
        const list = h!.automations.deliveriesForEvent(event.id);
        return list.every((d) => d.status === 'failed' || d.status === 'delivered') ? list : undefined;
      },
      5000,
      'both sends settled',
    );
    expect(deliveries.map((d) => [d.destinationId, d.status]).sort()).toEqual([
      ['nope', 'failed'],
      ['sink', 'delivered'],
    ]);
  });

  it('keeps 10 MB of output capped and marked, and sees the send line after it', async () => {
    h = await startHarness(
      dir,
      withSink([auto('flood', script('flood.mjs'), { run: { command: script('flood.mjs'), args: ['10'] } })]),
    );
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled, 20_000);
    expect(run.status).toBe('succeeded');
    const attempt = run.attempts[0];
    expect(attempt.truncated).toBe(true);
    expect(attempt.stdout.length).toBeLessThan(70 * 1024);
    expect(attempt.stdout).toMatch(/bytes cut/);
    await waitFor(() => sink.requests.length === 1, 5000, 'one delivery');
    // Live output stopped at its budget instead of pushing 10 MB.
    const live = h.pushedOf('run.output').reduce((n, o) => n + o.chunk.length, 0);
    expect(live).toBeLessThan(200 * 1024);
  });

  it('fails a command that does not exist, with a message that says so', async () => {
    h = await startHarness(
      dir,
      withSink([auto('missing', 'hookdock-no-such-command', { retry: { ...FAST_RETRY, maxAttempts: 2 } })]),
    );
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.attempts).toHaveLength(2);
    expect(run.attempts[0].error).toMatch(/The program "hookdock-no-such-command" was not found/);
  });

  it('survives a script that never reads stdin', async () => {
    h = await startHarness(dir, withSink([auto('deaf', script('deaf.sh'))]));
    const event = await h.fire({ payload: { blob: 'x'.repeat(3 * 1024 * 1024) } });
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].stdout).toBe('not listening\n');
  });

  it('kills a script that times out, with the child it spawned, and fails the attempt', async () => {
    const pidFile = `${dir}/gc.pid`;
    h = await startHarness(
      dir,
      withSink([
        auto('slow', script('grandchild.sh'), {
          run: { command: script('grandchild.sh'), args: [pidFile], timeoutSeconds: 0.3 },
          retry: { schedule: [] },
        }),
      ]),
    );
    const event = await h.fire();
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.attempts[0].error).toMatch(/ran longer than 0.3 s/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !isAlive(pid), 3000, 'grandchild gone');
  });
});

describe('replay, test runs, pause', () => {
  it('replays an event, and replays an edited copy marked replayOf', async () => {
    h = await startHarness(dir, withSink([auto('node', script('report.mjs'))]));
    const event = await h.fire({ payload: { amount: 1 } });
    await h.waitRun(event.id, allSettled);

    const again = await h.automations.handlers.replayEvent({ id: event.id });
    expect(again.event.id).toBe(event.id);
    expect(again.runs).toHaveLength(1);
    const runs = await h.waitRun(event.id, (r) => r.length === 2 && allSettled(r));
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    const edited = await h.automations.handlers.replayEvent({ id: event.id, payload: { amount: 2 } });
    expect(edited.event.id).not.toBe(event.id);
    expect(edited.event.replayOf).toBe(event.id);
    expect(edited.event.providerEventId).toBeNull();
    const [copyRun] = await h.waitRun(edited.event.id, allSettled);
    expect(reportOf(copyRun.attempts[0].stdout).stdin.payload).toEqual({ amount: 2 });
    expect((await h.store.getEvent(edited.event.id))!.body).toEqual({ text: '{"amount":2}' });
    expect(h.pushedOf('event.created').map((e) => e.id)).toContain(edited.event.id);
    await expect(h.automations.handlers.replayEvent({ id: 'evt_nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('test-runs an automation once, even a disabled one, and returns the finished run', async () => {
    h = await startHarness(dir, withSink([auto('off', script('fail.sh'), { enabled: false })]));
    const stored = await h.store.appendEvent(storedEvent());
    const run = await h.automations.handlers.testRunAutomation({ id: 'off', eventId: stored.id });
    expect(run.status).toBe('failed');
    expect(run.attempts).toHaveLength(1);
    expect(run.attempts[0]).toMatchObject({ exitCode: 3, stderr: 'the refund API said no\n' });
    expect(h.automations.runsForEvent(stored.id).map((r) => r.id)).toEqual([run.id]);
    expect(h.automations.counts().jobsPending).toBe(0);
    await expect(h.automations.handlers.testRunAutomation({ id: 'nope', eventId: stored.id })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('pauses all automations (surviving a restart) and runs what waited on resume', async () => {
    h = await startHarness(dir, withSink([auto('node', script('report.mjs'))]));
    await h.automations.handlers.setAutomationsPaused({ paused: true });
    expect(h.pushedOf('automations.paused')).toEqual([{ paused: true }]);
    const event = await h.fire();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.automations.runsForEvent(event.id).map((r) => r.status)).toEqual(['queued']);

    h = await h.restart();
    expect(h.automations.paused()).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.automations.runsForEvent(event.id).map((r) => r.status)).toEqual(['queued']);
    await h.automations.handlers.setAutomationsPaused({ paused: false });
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
  });
});

describe('the concurrency limit', () => {
  it('a run waiting for a slot shows queued, not running, and its attempt is timed from when it could start', async () => {
    const gate = `${dir}/gate`;
    const hold = `${dir}/hold.sh`;
    await writeFile(hold, `#!/bin/sh\nwhile [ ! -e "${gate}" ]; do sleep 0.02; done\n`, { mode: 0o755 });
    h = await startHarness(dir, { ...withSink([auto('hold', hold)]), limits: { concurrency: 1 } });
    const first = await h.fire();
    const second = await h.fire();
    await waitFor(() => h!.automations.runsForEvent(first.id)[0]?.status === 'running', 5000, 'the first to run');
    await new Promise((r) => setTimeout(r, 300));
    // The second is prepared (its job durable, active) but waits for the one slot.
    expect(h.automations.runsForEvent(second.id).map((r) => r.status)).toEqual(['queued']);
    const opened = Date.now();
    await writeFile(gate, '');
    const [a] = await h.waitRun(first.id, allSettled);
    const [b] = await h.waitRun(second.id, allSettled);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(b.attempts[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(a.attempts[0].finishedAt!) - 5);
    expect(Date.parse(b.attempts[0].startedAt)).toBeGreaterThanOrEqual(opened - 5);
  });
});

describe('restarts', () => {
  it('a retry pending at restart happens after the restart', async () => {
    h = await startHarness(
      dir,
      withSink([
        auto('flaky', script('flaky.mjs'), {
          run: { command: script('flaky.mjs'), args: ['2', 'sink'] },
          retry: { schedule: [2500] },
        }),
      ]),
    );
    const event = await h.fire();
    const [waiting] = await h.waitRun(event.id, (r) => r[0].status === 'retrying');
    expect(waiting.nextAttemptAt).not.toBeNull();
    h = await h.restart();
    expect(h.automations.runsForEvent(event.id)[0].status).toBe('retrying');
    expect(h.automations.counts().jobsPending).toBe(1);
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(Date.parse(run.attempts[1].startedAt)).toBeGreaterThanOrEqual(Date.parse(waiting.nextAttemptAt!) - 5);
    await waitFor(() => sink.requests.length === 1, 5000, 'one delivery');
  });
});

function reportLine(stdout: string): string {
  return stdout.trim().split('\n').at(-1)!;
}
