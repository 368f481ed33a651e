// Built-in actions benchmark: node --import tsx test/bench/actions.ts
// Event -> action start for a notify and a csv action at light load (one event at a time),
// p50/p99 (issue #12 target: p50 <= 5 ms, p99 <= 20 ms). t0: the event is durably stored and
// handed to the automations (as the receiver does after its ack). Printed: the kind's effect,
// the notify push emitted (templates rendered: the action has started and done its work) and
// the CSV row written and fdatasync'd (the run succeeded: start + render + write + sync); and
// when the run shows its attempt running (the 'running' run.updated push, bookkeeping sent
// after the action may act, so it can come after the notification).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../shared/config';
import { startHarness, storedEvent } from '../engine/automations-harness';

const N = Number(process.env.BENCH_ACTIONS_N ?? 300);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms`;

const order = (i: number) => {
  const text = `{"id":${820982911946154508n + BigInt(i)},"total_price":"${i}.5","currency":"EUR","customer":{"first_name":"Zoë"}}`;
  return storedEvent({ type: 'orders/create', body: { text }, payload: JSON.parse(text) });
};

async function bench(name: string, action: (dir: string) => Record<string, unknown>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `hookdock-bench-${name}-`));
  const config = {
    automations: [{ id: name, source: '*', events: ['*'], action: action(dir), retry: { maxAttempts: 1 } }],
    tunnel: { provider: 'none' },
  } as ConfigInput;
  const h = await startHarness(dir, config, { recordPushes: false });
  const starts: number[] = [];
  const effects: number[] = [];
  try {
    for (let i = 0; i < N + 20; i++) {
      const stored = await h.store.appendEvent(order(i));
      let started = 0;
      let effect = 0;
      const done = new Promise<void>((resolve) => {
        const offRun = h.bus.on('run.updated', (r) => {
          if (r.eventId !== stored.id) return;
          if (!started && r.attempts.length > 0) started = performance.now();
          // csv: the row is written and synced; forward: the delivery is durably queued in the outbox.
          if (name !== 'notify' && r.status === 'succeeded') effect = performance.now();
          if (r.status === 'succeeded' || r.status === 'failed') {
            offRun();
            resolve();
          }
        });
        const offNotify = h.bus.on('notify', (p) => {
          if (p.eventId !== stored.id) return;
          effect = performance.now();
          offNotify();
        });
      });
      const t0 = performance.now();
      await h.automations.onEvent(stored.summary);
      await done;
      if (i >= 20) {
        // the first 20 warm up (JIT, caches)
        starts.push(started - t0);
        effects.push(effect - t0);
      }
    }
  } finally {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
  const what =
    name === 'csv'
      ? 'row written and synced'
      : name === 'forward'
        ? 'delivery queued in the outbox'
        : 'notification emitted (action start)';
  console.log(`${name}: event -> ${what} ${fmt(effects)} (target for start: p50 <= 5, p99 <= 20)`);
  console.log(`${name}: event -> run shows the attempt running ${fmt(starts)}`);
}

await bench('notify', () => ({
  kind: 'notify',
  title: 'New order from {{ payload.customer.first_name }}',
  body: 'Order {{ payload.id }}: {{ payload.total_price | money: payload.currency }}',
}));
await bench('csv', (dir) => ({
  kind: 'csv',
  file: join(dir, 'orders.csv'),
  columns: [
    { name: 'Event', value: '{{ id }}' },
    { name: 'Order', value: '{{ payload.id }}' },
    { name: 'Total', value: '{{ payload.total_price | money }}' },
  ],
}));

// The forward's destination: a local server that answers 200 (deliveries go on in the background).
const sink = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', ok));
await bench('forward', () => ({
  kind: 'forward',
  url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`,
  headers: [],
}));
sink.close();
