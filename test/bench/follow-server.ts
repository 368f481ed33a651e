// Follow mode, server half (issue #15), against a real `hookdock serve --follow-port`:
//  1. receiver ack -> the event's message on an open follow stream (SSE), p50/p99
//     over 200 events posted one by one (goal for the whole trip to a follower's store:
//     p50 <= 20 ms, p99 <= 100 ms on loopback; this is the server's share of it);
//  2. catch-up: with 100,000 stored events, a follower paging GET /follow/v1/events
//     (limit 1000) from the start: events/s (goal >= 5,000/s).
// Run: node --import tsx test/bench/follow-server.ts   (needs `npm run build` first)
// Traffic only to 127.0.0.1; bounded in count and time.
import { createStore } from '../../electron/engine/store';
import { newId } from '../../electron/engine/util/ids';
import { api, startServe, type Served } from '../e2e/_support';

const LIVE_EVENTS = 200;
const STORED_EVENTS = Number(process.env.FOLLOW_BENCH_STORED ?? 100_000);
const SEED_BUDGET_MS = 90_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function seed(dataDir: string, count: number): Promise<number> {
  const store = createStore({ dataDir });
  await store.open();
  const base = Date.now() - count * 10;
  const t0 = Date.now();
  let written = 0;
  for (let start = 0; start < count && Date.now() - t0 < SEED_BUDGET_MS; start += 500) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const at = base + i * 10;
      const payload = { id: i, name: `#${i}`, total_price: `${(i % 500) + 0.99}`, email: `c${i}@example.com` };
      const text = JSON.stringify(payload);
      batch.push(
        store.appendEvent({
          id: newId('evt', at),
          source: 'bench',
          provider: 'none',
          type: 'orders/create',
          status: 'done',
          receivedAt: new Date(at).toISOString(),
          providerEventId: `seed-${i}`,
          verification: { ok: true, reason: null },
          summary: `Order #${i}`,
          sizeBytes: text.length,
          redeliveries: 0,
          replayOf: null,
          headers: { 'content-type': 'application/json', 'x-event': 'orders/create' },
          body: { text },
          payload,
        }),
      );
    }
    await Promise.all(batch);
    written += batch.length;
  }
  await store.close();
  return written;
}

function followBase(served: Served): string {
  const m = /Follow:\s+(http:\/\/\S+)/.exec(served.output());
  if (!m) throw new Error('hookdock serve printed no Follow: line');
  return m[1];
}

async function pair(served: Served): Promise<{ base: string; token: string }> {
  const { pairingLink } = await api<{ pairingLink: string }>(served, 'POST', '/api/followers', { name: 'bench' });
  const [base, token] = pairingLink.split('/#');
  return { base, token };
}

async function liveLatency(): Promise<void> {
  const served = await startServe(
    {
      sources: [{ id: 'bench', provider: 'none', eventType: { header: 'x-event' } }],
      limits: { ratePerSecond: 100_000, burst: 100_000 },
    },
    { HOOKDOCK_FOLLOW_PORT: '0' },
  );
  try {
    await new Promise((r) => setTimeout(r, 200)); // let the Follow: line arrive with the others
    followBase(served);
    const { base, token } = await pair(served);
    const res = await fetch(`${base}/follow/v1/stream`, { headers: { Authorization: `Bearer ${token}` } });
    const reader = res.body!.getReader();
    const arrived = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const now = performance.now();
        buf += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const id = /^id: (\S+)/m.exec(buf.slice(0, at))?.[1];
          buf = buf.slice(at + 2);
          if (!id) continue;
          arrived.set(id, now);
          waiters.get(id)?.();
        }
      }
    })();
    const lat: number[] = [];
    for (let i = 0; i < LIVE_EVENTS; i++) {
      const r = await fetch(`${served.receiverUrl}/hooks/bench`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-event': 'orders/create' },
        body: JSON.stringify({ id: i, name: `#${i}` }),
      });
      const ackedAt = performance.now();
      const { id } = (await r.json()) as { id: string };
      if (!arrived.has(id)) await new Promise<void>((ok) => waiters.set(id, ok));
      // Negative when the stream delivered before the sender read its 200: counted as 0.
      lat.push(Math.max(0, arrived.get(id)! - ackedAt));
    }
    await reader.cancel();
    console.log(
      `receiver ack -> follow stream message: p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (${LIVE_EVENTS} events)`,
    );
  } finally {
    await served.stop();
  }
}

async function catchUp(): Promise<void> {
  let stored = 0;
  const served = await startServe(
    { sources: [{ id: 'bench', provider: 'none', eventType: { header: 'x-event' } }] },
    { HOOKDOCK_FOLLOW_PORT: '0' },
    async (dir) => {
      stored = await seed(dir, STORED_EVENTS);
    },
  );
  try {
    await new Promise((r) => setTimeout(r, 200));
    const { base, token } = await pair(served);
    const t0 = performance.now();
    let after = '';
    let got = 0;
    for (;;) {
      const r = await fetch(`${base}/follow/v1/events?limit=1000${after ? `&after=${after}` : ''}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const page = (await r.json()) as { events: unknown[]; next: string | null; behind: number };
      got += page.events.length;
      after = page.next ?? after;
      if (page.behind === 0) break;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(
      `catch-up over pages of 1000: ${got} of ${stored} stored events in ${s.toFixed(2)} s = ${Math.round(got / s)} events/s`,
    );
  } finally {
    await served.stop();
  }
}

await liveLatency();
await catchUp();
