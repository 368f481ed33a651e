// A crash at every step of a checkpoint: the k-th file write of the checkpoint
// fails, the store is abandoned (as if the process died there), and a new one
// opened on the same folder must hold exactly what was acknowledged.
import { afterEach, expect, it } from 'vitest';
import { makeEvent, openStore, tempDir } from './store-helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it('loses nothing and doubles nothing when a checkpoint dies at any file', async () => {
  // k counts the checkpoint's file writes; the loop ends at the first k past the last one.
  let lastFailing = 0;
  for (let k = 1; k <= 30 && lastFailing === k - 1; k++) {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    // Checkpoints only when the test asks, so the k-th write is the test's checkpoint's.
    const tuning = { segmentEvents: 4, checkpointBytes: 1 << 30, checkpointEvents: 1 << 30 };
    const a = await openStore(dir, { tuning });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    await a.collection('runs').put({ id: 'run_keep' });
    await a.collection('runs').put({ id: 'run_gone' });
    await a.close();

    const faults: { beforeSync?: () => void } = {};
    const b = await openStore(dir, { tuning, faults });
    for (let i = 6; i < 13; i++) ids.push((await b.appendEvent(makeEvent(i))).id);
    await b.appendEvent(makeEvent(2)); // redelivery of an event in a sealed segment
    await b.setEventStatus(ids[1], 'done'); // sealed segment
    await b.setEventStatus(ids[12], 'failed'); // not yet checkpointed
    await b.collection('runs').delete('run_gone');
    await b.collection('deliveries').put({ id: 'dlv_new' });
    let syncs = 0;
    faults.beforeSync = () => {
      if (++syncs === k) throw Object.assign(new Error('EIO: simulated crash'), { code: 'EIO' });
    };
    const failed = await b.checkpoint().then(
      () => false,
      () => true,
    );
    faults.beforeSync = undefined;
    if (failed) lastFailing = k;
    // Odd k: b is abandoned here, as if killed. Even k: the same process
    // retries, so the work a failed checkpoint put back must be complete.
    if (k % 2 === 0) {
      await b.appendEvent(makeEvent(3)); // one more redelivery after the failure
      await b.checkpoint();
      await b.close();
    }
    const redeliveries = k % 2 === 0 ? 1 : 0;

    for (let round = 0; round < 2; round++) {
      const c = await openStore(dir, { tuning });
      const where = `k=${k} round=${round} checkpointFailed=${failed}`;
      expect(c.eventCounts(Date.now()).events, where).toBe(13);
      expect(
        c.listEvents({ limit: 50 }).items.map((s) => s.id),
        where,
      ).toEqual([...ids].reverse());
      expect(c.getEventSummary(ids[2])?.redeliveries, where).toBe(1);
      expect(c.getEventSummary(ids[3])?.redeliveries, where).toBe(redeliveries);
      expect(c.getEventSummary(ids[1])?.status, where).toBe('done');
      expect(c.getEventSummary(ids[12])?.status, where).toBe('failed');
      for (const id of [ids[0], ids[5], ids[12]]) expect((await c.getEvent(id))?.id, where).toBe(id);
      expect(
        [...c.collection('runs').values()].map((r) => r.id),
        where,
      ).toEqual(['run_keep']);
      expect(c.collection('deliveries').get('dlv_new'), where).toBeDefined();
      expect(c.health().quarantined, where).toEqual([]);
      await c.close();
    }
  }
  // Segment + sidecar writes for 3 segments, a sealed sidecar, 2 collection shards at least.
  expect(lastFailing).toBeGreaterThanOrEqual(8);
});
