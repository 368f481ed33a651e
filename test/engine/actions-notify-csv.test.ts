// The notify and csv actions in the real automations service: a real store and config file
// on disk, real CSV files in a temp dir read back with a real CSV parser (csv-parse).
import { readFile, writeFile, mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import type { NotifyPush } from '../../shared/events';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { allSettled, FAST_RETRY, startHarness, storedEvent, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-actions-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await removeDir(dir);
});

/** A Shopify orders/create as the receiver stores it: the body's own text (an id beyond 2^53). */
const shopifyOrder = (id: string, first: string, total: string) => {
  const text = `{"id":${id},"total_price":"${total}","currency":"EUR","customer":{"first_name":${JSON.stringify(first)}}}`;
  return storedEvent({
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload: JSON.parse(text),
  });
};

const withAction = (action: Record<string, unknown>): ConfigInput =>
  ({
    automations: [{ id: 'a1', source: '*', events: ['*'], action, retry: FAST_RETRY }],
  }) as ConfigInput;

describe('notify action', () => {
  it('renders title and body over the event, emits one notify push, records what was shown', async () => {
    h = await startHarness(
      dir,
      withAction({
        kind: 'notify',
        title: 'New order from {{ payload.customer.first_name }}',
        body: 'Order {{ payload.id }}: {{ payload.total_price | money: payload.currency }}',
      }),
    );
    const seen: NotifyPush[] = [];
    h.bus.on('notify', (p) => seen.push(p));
    const ev = await h.fire(shopifyOrder('820982911946154508', 'Zoë', '1199.5'));
    const [run] = await h.waitRun(ev.id, allSettled);
    expect(run.status).toBe('succeeded');
    const expected = { title: 'New order from Zoë', body: 'Order 820982911946154508: €1,199.50' };
    expect(seen).toEqual([{ ...expected, eventId: ev.id, runId: run.id, automationId: 'a1', test: false }]);
    const attempt = run.attempts[0];
    expect(attempt.kind).toBe('notify');
    // Two listeners: this test's, and the harness's onAny record of every push.
    expect(attempt.result).toEqual({ ...expected, listeners: 2 });
    expect(attempt.error).toBeNull();
  });

  it('a template that fails at render time is a failed attempt with a sentence naming the field', async () => {
    // Passes the check on save (it parses) but exceeds the memory limit when rendered.
    const huge = '{% for a in (1..100000) %}{% for b in (1..100000) %}xxxxxxxxxx{% endfor %}{% endfor %}';
    h = await startHarness(dir, {
      automations: [
        {
          id: 'a1',
          source: '*',
          events: ['*'],
          action: { kind: 'notify', title: 'x', body: huge },
          retry: { maxAttempts: 1 },
        },
      ],
    } as ConfigInput);
    const ev = await h.fire();
    const [run] = await h.waitRun(ev.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.attempts[0].error).toMatch(
      /^The template in "body" could not be rendered: .*limit.*Fix it in the automation\.$/i,
    );
    expect(h.pushedOf('notify')).toEqual([]);
  });
});

describe('csv action', () => {
  const csvAction = (file: string) => ({
    kind: 'csv',
    file,
    columns: [
      { name: 'Event', value: '{{ id }}' },
      { name: 'Order', value: '{{ payload.id }}' },
      { name: 'Customer', value: '{{ payload.customer.first_name }}' },
      { name: 'Total', value: '{{ payload.total_price | money }}' },
    ],
  });

  it('creates the file with a BOM and a header, then appends one row per event; quoting and non-ASCII intact', async () => {
    const file = join(dir, 'orders.csv');
    h = await startHarness(dir, withAction(csvAction(file)));
    const names = ['Zoë', 'Ångström, "Åsa"', '=HYPERLINK("http://x")', 'line\nbreak'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const ev = await h.fire(shopifyOrder(`82098291194615450${i}`, name, `${i}9.5`));
      ids.push(ev.id);
      const [run] = await h.waitRun(ev.id, allSettled);
      expect(run.status).toBe('succeeded');
      expect(run.attempts[0].kind).toBe('csv');
      expect(run.attempts[0].result).toMatchObject({ file, header: i === 0, tornBytes: 0, alreadyWritten: false });
    }
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(names.length + 2); // header + rows + final empty
    expect(parse(text)).toEqual([
      ['Event', 'Order', 'Customer', 'Total'],
      [ids[0], '820982911946154500', 'Zoë', '9.50'],
      [ids[1], '820982911946154501', 'Ångström, "Åsa"', '19.50'],
      [ids[2], '820982911946154502', `'=HYPERLINK("http://x")`, '29.50'],
      [ids[3], '820982911946154503', 'line break', '39.50'],
    ]);
  });

  it('"Test it" shows the row it would add and writes nothing to the file', async () => {
    const file = join(dir, 'orders.csv');
    h = await startHarness(dir, withAction(csvAction(file)));
    const stored = await h.store.appendEvent(shopifyOrder('5', 'Eva', '5'));
    const run = await h.automations.handlers.testRunAutomation({ id: 'a1', eventId: stored.id });
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].result).toEqual({
      file,
      row: [stored.id, '5', 'Eva', '5.00'],
      header: false,
      tornBytes: 0,
      alreadyWritten: false,
      written: false,
    });
    expect(run.attempts[0].error).toBe('A test run writes nothing to the file: this is the row it would add.');
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  it('moves a torn tail left by a crash to <file>.torn and starts the next row on its own line', async () => {
    const file = join(dir, 'orders.csv');
    await writeFile(file, '\uFEFFEvent,Order,Customer,Total\r\nevt_1,1,Ann,1.00\r\nevt_2,2,Bo');
    h = await startHarness(dir, withAction(csvAction(file)));
    const ev = await h.fire(shopifyOrder('3', 'Cy', '3'));
    const [run] = await h.waitRun(ev.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].result).toMatchObject({ header: false, tornBytes: 'evt_2,2,Bo'.length });
    expect(run.attempts[0].error).toMatch(/cut short by a crash; those 10 bytes were moved to .*orders\.csv\.torn/);
    expect(await readFile(`${file}.torn`, 'utf8')).toBe('evt_2,2,Bo\n');
    expect(parse((await readFile(file, 'utf8')).slice(1))).toEqual([
      ['Event', 'Order', 'Customer', 'Total'],
      ['evt_1', '1', 'Ann', '1.00'],
      [ev.id, '3', 'Cy', '3.00'],
    ]);
  });

  it('a folder that does not exist fails the attempt with a sentence and retries; the row lands once it exists', async () => {
    const folder = join(dir, 'later');
    const file = join(folder, 'orders.csv');
    h = await startHarness(dir, {
      automations: [
        {
          id: 'a1',
          source: '*',
          events: ['*'],
          action: csvAction(file),
          retry: { schedule: [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50] },
        },
      ],
    } as ConfigInput);
    const ev = await h.fire(shopifyOrder('4', 'Di', '4'));
    await h.waitRun(ev.id, (runs) => runs[0].attempts.some((a) => a.finishedAt && a.error));
    await mkdir(folder);
    const [run] = await h.waitRun(ev.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].error).toBe(`The folder of ${file} does not exist; create it or pick another file.`);
    expect(parse((await readFile(file, 'utf8')).slice(1))).toHaveLength(2);
  });

  it('a file Hookdock may not write fails with a sentence naming what to do', async () => {
    if (process.getuid?.() === 0) return; // root writes anyway
    const file = join(dir, 'locked.csv');
    await writeFile(file, '');
    await chmod(file, 0o444);
    h = await startHarness(dir, {
      automations: [{ id: 'a1', source: '*', events: ['*'], action: csvAction(file), retry: { maxAttempts: 1 } }],
    } as ConfigInput);
    const ev = await h.fire();
    const [run] = await h.waitRun(ev.id, allSettled);
    expect(run.status).toBe('failed');
    expect(run.attempts[0].error).toBe(`Hookdock may not write ${file}; change its permissions or pick another file.`);
  });

  it('config: a relative file and a column template that does not parse are refused with their JSON paths', async () => {
    const { configSchema, describeIssues } = await import('../../shared/config');
    const r = configSchema.safeParse({
      automations: [
        {
          id: 'a1',
          source: '*',
          events: ['*'],
          action: { kind: 'csv', file: 'orders.csv', columns: [{ name: 'A', value: '{{ payload.a | nope }}' }] },
        },
      ],
    });
    expect(r.success).toBe(false);
    const text = r.success ? '' : describeIssues(r.error);
    expect(text).toMatch(/automations\[0\]\.action\.file: give the full path of the file/);
    expect(text).toMatch(
      /automations\[0\]\.action\.columns\[0\]\.value: this template does not work: undefined filter: nope/,
    );
  });
});
