import { createStore } from '../../electron/engine/store';
import type { StoredEvent } from '../../electron/engine/store/types';
import { newId } from '../../electron/engine/util/ids';
import { memoryLogger } from '../../electron/engine/util/logger';
const [dir, count, daysBack] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 0.25)];
const store = createStore({ dataDir: dir, logger: memoryLogger() });
await store.open();
const now = Date.now(); const span = daysBack * 86400_000; const t0 = performance.now();
for (let i = 0; i < count; i += 2000) {
  const w: Promise<unknown>[] = [];
  for (let j = i; j < Math.min(count, i + 2000); j++) {
    const at = now - span + Math.floor((span * j) / count);
    const body = JSON.stringify({ id: `ord_${j}`, type: 'order.created', note: 'x'.repeat(900) });
    const e: StoredEvent = { id: newId('evt', at), source: 'bench', provider: 'hmac', type: 'order.created', status: 'done', receivedAt: new Date(at).toISOString(), providerEventId: `ord_${j}_${now}`, verification: { ok: true, reason: null }, summary: 'Order', sizeBytes: body.length, redeliveries: 0, replayOf: null, headers: { 'content-type': 'application/json', 'x-signature': 'sha256=' + 'ab'.repeat(32) }, body: { text: body }, payload: JSON.parse(body) };
    w.push(store.appendEvent(e));
  }
  await Promise.all(w);
}
await store.close();
console.log('prefill', count, 'in', ((performance.now() - t0) / 1000).toFixed(1), 's');
