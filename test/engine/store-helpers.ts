// Shared by the store tests: temp dirs and event factories.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createStore } from '../../electron/engine/store';
import type { StoredEvent } from '../../electron/engine/store/types';
import type { DurableStore } from '../../electron/engine/store/store';
import { newId } from '../../electron/engine/util/ids';
import { memoryLogger } from '../../electron/engine/util/logger';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hookdock-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function makeEvent(i: number, over: Partial<StoredEvent> = {}): StoredEvent {
  const receivedAt = over.receivedAt ?? new Date().toISOString();
  const id = over.id ?? newId('evt', Date.parse(receivedAt));
  const text = JSON.stringify({ id: `pe-${i}`, n: i, note: 'x'.repeat(64) });
  return {
    id,
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'received',
    receivedAt,
    providerEventId: `pe-${i}`,
    verification: { ok: true, reason: null },
    summary: `Order #${i}`,
    sizeBytes: text.length,
    redeliveries: 0,
    replayOf: null,
    headers: { 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload: JSON.parse(text),
    ...over,
  };
}

export async function openStore(
  dir: string,
  extra: Partial<Parameters<typeof createStore>[0]> = {},
): Promise<DurableStore & { logs: ReturnType<typeof memoryLogger> }> {
  const logger = memoryLogger();
  // The concrete class, so tests can force a checkpoint.
  const store = createStore({ dataDir: dir, logger, ...extra }) as DurableStore;
  await store.open();
  return Object.assign(store, { logs: logger });
}
