// Tests, replays and test runs through the real engine (receiver on port 0, the
// durable store in a temp dir, real child processes): a test event is marked
// everywhere and runs automations only when asked; a replay and a "Test it" run
// are labelled for the script; a test never changes a real event's status nor
// the day's counts and health counters (issue #11, majors 1 and 5).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { reportOf, script } from './automations-harness';

const sources = sampleSources().filter((s) => s.id === 'shop' || s.id === 'payments' || s.id === 'woo');
const shop = sources.find((s) => s.id === 'shop')!;
const once = { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 };

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = await makeTempDir('hookdock-markers-');
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources,
      automations: [
        // Shopify orders: reports what the script was told.
        { id: 'report', source: 'shop', events: ['orders/*'], run: { command: script('report.mjs') }, retry: once },
        // Stripe refunds: always fails.
        {
          id: 'refund',
          source: 'payments',
          events: ['charge.refunded'],
          run: { command: script('fail.sh') },
          retry: once,
        },
        // Matches nothing: only ever "tested" against past events.
        { id: 'broken', source: 'shop', events: ['never.*'], run: { command: script('fail.sh') }, retry: once },
        {
          id: 'sender',
          source: 'shop',
          events: ['never.*'],
          run: { command: script('sends.mjs'), args: [JSON.stringify([{ destination: 'sink', type: 't', data: {} }])] },
          retry: once,
        },
        // WooCommerce: every event sends onward to the sink.
        {
          id: 'woo-sender',
          source: 'woo',
          events: ['*'],
          run: { command: script('sends.mjs'), args: [JSON.stringify([{ destination: 'sink', type: 't', data: {} }])] },
          retry: once,
        },
      ],
      destinations: [{ id: 'sink', url: 'http://127.0.0.1:9/never', secret: 'whsec_c2lua3NlY3JldDAxMjM0NTY3ODk=' }],
      tunnel: { provider: 'none' },
    }),
  );
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger() });
  await engine.start();
});

afterAll(async () => {
  await engine?.stop();
  await removeDir(dir);
});

const h = () => engine.handlers;
const settled = (runs: Run[]) => runs.every((r) => r.status === 'succeeded' || r.status === 'failed');

/** The event's runs once `n` of them exist and all are finished. */
async function runsOf(eventId: string, n: number): Promise<Run[]> {
  return waitFor(
    async () => {
      const { runs } = await h().getEvent({ id: eventId });
      return runs.length >= n && settled(runs) ? runs : null;
    },
    15_000,
    `${n} finished runs of ${eventId}`,
  );
}

/** A real Shopify order over HTTP, and its finished 'report' run. */
async function realOrder(): Promise<{ id: string; run: Run }> {
  const res = await postHook(engine.receiverUrl(), 'shop', await signedRequest(shop, { type: 'orders/create' }));
  expect(res.status).toBe(200);
  const [run] = await runsOf(res.json.id!, 1);
  // The event's status follows its run a moment later.
  await waitFor(async () => (await h().getEvent({ id: res.json.id! })).status === 'done', 15_000, 'order done');
  return { id: res.json.id!, run: run! };
}

describe('a test event', () => {
  it('is marked test in the API and runs no automation unless asked', async () => {
    const before = (await h().getStatus({})).counts;
    const sent = await h().sendTestEvent({ id: 'shop', runAutomations: false });
    expect(sent).toMatchObject({ statusCode: 200, automationsStarted: 0 });
    expect(sent.message).toMatch(/No automation ran \(tests don't run them unless you ask\)/);
    expect(sent.message).toMatch(/1 automation would have matched/);

    // A real order after it: once its run has finished, a run of the test event would show too.
    const real = await realOrder();
    expect(real.run.status).toBe('succeeded');
    const test = await h().getEvent({ id: sent.eventId! });
    expect(test.test).toBe(true);
    expect(test.runs).toEqual([]);
    expect(test.status).toBe('received');
    const listed = (await h().listEvents({ limit: 50 })).items;
    expect(listed.find((e) => e.id === sent.eventId)?.test).toBe(true);
    expect(listed.find((e) => e.id === real.id)?.test).toBe(false);

    // Counted: the real order only.
    const after = (await h().getStatus({})).counts;
    expect(after.eventsToday).toBe(before.eventsToday + 1);
    expect(after.events).toBe(before.events + 2);
  });

  it('runs them when asked, and the script is told: "test": true and HOOKDOCK_TEST=1', async () => {
    const sent = await h().sendTestEvent({ id: 'shop', runAutomations: true });
    expect(sent).toMatchObject({ statusCode: 200, automationsStarted: 1 });
    expect(sent.message).toMatch(/1 automation started on it/);
    const [run] = await runsOf(sent.eventId!, 1);
    expect(run).toMatchObject({ automationId: 'report', status: 'succeeded', reason: 'event', test: true });
    const report = reportOf(run!.attempts[0]!.stdout);
    expect(report.env.HOOKDOCK_TEST).toBe('1');
    expect(report.env.HOOKDOCK_RUN_REASON).toBe('event');
    expect(report.env.HOOKDOCK_REPLAY).toBeUndefined();
    expect(report.stdin).toMatchObject({ id: sent.eventId, test: true, run: { id: run!.id, reason: 'event' } });
    expect(report.file).toMatchObject({ test: true, run: { reason: 'event' } });
    // The token that marked it never reaches the script.
    expect(Object.keys(report.stdin.headers)).not.toContain('x-hookdock-test');
  });

  it('leaves "Failed scripts" alone when its automation fails', async () => {
    const before = (await h().getStatus({})).counts;
    const sent = await h().sendTestEvent({ id: 'payments', runAutomations: true });
    const [run] = await runsOf(sent.eventId!, 1);
    expect(run).toMatchObject({ automationId: 'refund', status: 'failed', test: true });
    const after = (await h().getStatus({})).counts;
    expect(after.runsFailed).toBe(before.runsFailed);
    expect(after.eventsToday).toBe(before.eventsToday);
  });

  it("runs the owner's automations on it, but sends nothing onward: a made-up order stays out of the books", async () => {
    const before = (await h().getStatus({})).counts;
    const sent = await h().sendTestEvent({ id: 'woo', runAutomations: true });
    expect(sent).toMatchObject({ statusCode: 200, automationsStarted: 1 });
    const [run] = await runsOf(sent.eventId!, 1);
    expect(run).toMatchObject({ automationId: 'woo-sender', status: 'succeeded', test: true });
    expect(run!.attempts[0]!.error).toBe('1 send line(s) were not sent: a run on a test event sends nothing onward.');
    const { deliveries } = await h().getEvent({ id: sent.eventId! });
    expect(deliveries).toEqual([]);
    const after = (await h().getStatus({})).counts;
    expect(after.deliveriesFailed).toBe(before.deliveriesFailed);
    expect((await h().listOutbox({ limit: 50 })).items.filter((d) => d.eventId === sent.eventId)).toEqual([]);
  });

  it('cannot be faked from outside: an unknown token is an ordinary header', async () => {
    const req = await signedRequest(shop, { type: 'orders/create' });
    const res = await postHook(engine.receiverUrl(), 'shop', {
      ...req,
      headers: { ...req.headers, 'x-hookdock-test': 'f'.repeat(32) },
    });
    const [run] = await runsOf(res.json.id!, 1);
    const event = await h().getEvent({ id: res.json.id! });
    expect(event.test).toBe(false);
    expect(event.headers['x-hookdock-test']).toBe('f'.repeat(32));
    expect(reportOf(run!.attempts[0]!.stdout).env.HOOKDOCK_TEST).toBeUndefined();
  });
});

describe('a replay', () => {
  it('is labelled replay, and the script sees the same event id with HOOKDOCK_REPLAY=1', async () => {
    const real = await realOrder();
    const first = reportOf(real.run.attempts[0]!.stdout);
    expect(real.run).toMatchObject({ reason: 'event', test: false });
    expect(first.env).toMatchObject({ HOOKDOCK_EVENT_ID: real.id, HOOKDOCK_RUN_REASON: 'event' });
    expect(first.env.HOOKDOCK_REPLAY).toBeUndefined();
    expect(first.stdin).toMatchObject({ test: false, run: { reason: 'event' } });

    const replayed = await h().replayEvent({ id: real.id });
    expect(replayed.runs.map((r) => r.reason)).toEqual(['replay']);
    const runs = await runsOf(real.id, 2);
    const again = runs.find((r) => r.reason === 'replay')!;
    const report = reportOf(again.attempts[0]!.stdout);
    expect(report.env).toMatchObject({
      HOOKDOCK_EVENT_ID: real.id,
      HOOKDOCK_REPLAY: '1',
      HOOKDOCK_RUN_REASON: 'replay',
    });
    expect(report.stdin).toMatchObject({ id: real.id, test: false, run: { id: again.id, reason: 'replay' } });
  });

  it('of an edited copy is a replay too, and the copy is not counted in "Events today"', async () => {
    const real = await realOrder();
    const before = (await h().getStatus({})).counts;
    const replayed = await h().replayEvent({ id: real.id, payloadText: '{"id":1,"name":"#7"}' });
    expect(replayed.event.id).not.toBe(real.id);
    const [run] = await runsOf(replayed.event.id, 1);
    expect(run).toMatchObject({ reason: 'replay', test: false });
    expect(reportOf(run!.attempts[0]!.stdout).env.HOOKDOCK_REPLAY).toBe('1');
    const after = (await h().getStatus({})).counts;
    expect(after.eventsToday).toBe(before.eventsToday);
    expect(after.events).toBe(before.events + 1);
  });
});

describe('a "Test it" run', () => {
  it('is labelled a test and never changes the event, its feed line or "Failed scripts"', async () => {
    const real = await realOrder();
    const before = (await h().getStatus({})).counts;

    const tested = await h().testRunAutomation({ id: 'broken', eventId: real.id });
    expect(tested).toMatchObject({ status: 'failed', reason: 'test', test: true });
    const report = tested.attempts[0]!;
    expect(report.exitCode).toBe(3);

    const event = await h().getEvent({ id: real.id });
    expect(event.status).toBe('done');
    expect(event.runs.map((r) => r.reason).sort()).toEqual(['event', 'test']);
    expect(event.ran).toEqual([{ automationId: 'report', status: 'succeeded' }]);
    const item = (await h().listEvents({ limit: 50 })).items.find((e) => e.id === real.id)!;
    expect(item).toMatchObject({ status: 'done', ran: [{ automationId: 'report', status: 'succeeded' }] });
    expect((await h().getStatus({})).counts.runsFailed).toBe(before.runsFailed);

    // A later real run of the event recomputes its status: the failed test still does not count.
    await h().retryRun({ id: real.run.id });
    await runsOf(real.id, 2);
    await waitFor(async () => (await h().getEvent({ id: real.id })).status === 'done', 15_000, 'event done again');
    // Running a test run "again" would retry it and send onward: refused with a sentence.
    await expect(h().retryRun({ id: tested.id })).rejects.toMatchObject({ status: 409 });
  });

  it('tells the script it is a test, and sends nothing onward', async () => {
    const real = await realOrder();
    const tested = await h().testRunAutomation({ id: 'report', eventId: real.id });
    const report = reportOf(tested.attempts[0]!.stdout);
    expect(report.env).toMatchObject({ HOOKDOCK_TEST: '1', HOOKDOCK_RUN_REASON: 'test', HOOKDOCK_EVENT_ID: real.id });
    expect(report.stdin).toMatchObject({ test: true, run: { reason: 'test', id: tested.id } });

    const deliveriesBefore = (await h().listOutbox({ limit: 500 })).items.length;
    const sent = await h().testRunAutomation({ id: 'sender', eventId: real.id });
    expect(sent.status).toBe('succeeded');
    expect(sent.attempts[0]!.error).toMatch(/1 send line\(s\) were not sent: a test run sends nothing onward/);
    expect((await h().listOutbox({ limit: 500 })).items.length).toBe(deliveriesBefore);
  });
});

describe('the "Duplicate" status filter', () => {
  it('lists the events a provider delivered more than once', async () => {
    const req = await signedRequest(shop, { type: 'orders/paid' });
    const first = await postHook(engine.receiverUrl(), 'shop', req);
    const again = await postHook(engine.receiverUrl(), 'shop', req);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
    const listed = await h().listEvents({ status: 'duplicate', limit: 50 });
    expect(listed.items.map((e) => e.id)).toEqual([first.json.id]);
    expect(listed.items[0]!.redeliveries).toBe(1);
  });
});
