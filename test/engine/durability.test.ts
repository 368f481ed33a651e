// Invariants 1 and 2: nothing acknowledged is ever lost. Real `hookdock serve`
// processes under concurrent load are killed with SIGKILL mid-flight; every
// event that got a 200 must be there after a restart. And a failing disk gives
// 503 (the sender retries), never a 200.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { ensureBuilt, startServe } from '../helpers/serve';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const CYCLES = 3;
const CLIENTS = 8;
/** Acknowledged events per cycle before the kill: enough that writes are always in flight. */
const PER_CYCLE = 100;
const crm = sampleSources().find((s) => s.id === 'crm')!;
const shop = sampleSources().find((s) => s.id === 'shop')!;

let dir: string;
let engine: Engine | null;

beforeAll(() => ensureBuilt(), 180_000);

beforeEach(async () => {
  dir = await makeTempDir();
  engine = null;
  // Rate limits out of the way: this is about durability under load.
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ sources: [crm, shop], limits: { ratePerSecond: 100000, burst: 100000 } }),
  );
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

/** Opens the data dir in-process (the killed server is gone) and returns the ids missing from the store. */
async function missingAfterRestart(acked: Map<string, string>): Promise<string[]> {
  const e = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger() });
  await e.start();
  try {
    const missing: string[] = [];
    for (const [, id] of acked) {
      const event = await e.handlers.getEvent({ id }).catch(() => null);
      if (!event) missing.push(id);
    }
    return missing;
  } finally {
    await e.stop();
  }
}

describe('durability', () => {
  it(`keeps every acknowledged event through ${CYCLES} kill -9 cycles under concurrent load`, async () => {
    const acked = new Map<string, string>(); // webhook-id -> event id
    let answered503 = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const serve = await startServe(dir);
      let running = true;
      const before = acked.size;
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (running) {
          const webhookId = `msg_${randomUUID()}`;
          const req = await signedRequest(crm, { eventId: webhookId, extra: { cycle } });
          try {
            const { status, json } = await postHook(serve.receiverUrl, 'crm', req);
            if (status === 200) {
              expect(json.duplicate).toBe(false);
              acked.set(webhookId, json.id!);
            } else if (status === 503) answered503++;
          } catch {
            // The connection died with the process: not acknowledged, so the sender would retry.
          }
        }
      });
      // Kill while requests are in flight, after a fair number were acknowledged.
      await waitFor(() => acked.size - before >= PER_CYCLE, 30_000, 'acknowledged events');
      serve.proc.kill('SIGKILL');
      expect(await serve.exited).toBe('SIGKILL');
      running = false;
      await Promise.all(clients);

      expect(await missingAfterRestart(acked)).toEqual([]);
    }
    expect(acked.size).toBeGreaterThanOrEqual(CYCLES * PER_CYCLE);
    expect(answered503).toBe(0);
  }, 120_000);

  it('answers 503 when the disk fails, never 200, and stores the event once the disk is back', async () => {
    let diskFull = false;
    engine = createEngine({
      dataDir: dir,
      port: 0,
      tunnel: 'none',
      logger: memoryLogger(),
      storeFaults: {
        beforeSync: () => {
          if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
        },
      },
    });
    await engine.start();
    const first = await postHook(engine.receiverUrl(), 'shop', await signedRequest(shop));
    expect(first.status).toBe(200);

    diskFull = true;
    const req = await signedRequest(shop);
    const res = await fetch(`${engine.receiverUrl()}/hooks/shop`, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
    expect((await engine.handlers.getStatus({})).store.writable).toBe(false);

    // The sender retries once the disk has room again: stored, and not as a duplicate.
    diskFull = false;
    const retried = await waitFor(
      async () => {
        const r = await postHook(engine!.receiverUrl(), 'shop', req);
        return r.status === 200 ? r : null;
      },
      10_000,
      'the store to recover',
    );
    expect(retried.json.duplicate).toBe(false);

    await engine.stop();
    engine = null;
    const acked = new Map([
      ['a', first.json.id!],
      ['b', retried.json.id!],
    ]);
    expect(await missingAfterRestart(acked)).toEqual([]);
  });
});
