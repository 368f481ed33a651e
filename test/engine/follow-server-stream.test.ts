// Follow mode, server side: the live stream (SSE), resuming, revocation, and commit order under load.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FollowedEvent } from '../../shared/follow';
import type { Engine } from '../../electron/engine/types';
import { postHook, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir } from '../helpers/tmp';
import {
  ack,
  addFollower,
  openStream,
  page,
  sendOne,
  source,
  startFollowEngine,
  writeConfig,
} from './follow-server-helpers';

let dir: string;
let engine: Engine | null;

beforeEach(async () => {
  dir = await makeTempDir();
  await writeConfig(dir);
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

const cursors = (ms: { id?: string }[]) => ms.map((m) => m.id);

describe('follow server: live stream', () => {
  it('sends what it missed, then each new event as it is stored, with its cursor as the SSE id', async () => {
    engine = await startFollowEngine(dir);
    const before = [await sendOne(engine, 1), await sendOne(engine, 2)];
    const { base, token } = await addFollower(engine);
    const s = await openStream(base, token);
    expect(s.status).toBe(200);
    expect(cursors(await s.until(2))).toEqual(before);
    const live = await sendOne(engine, 3);
    const got = await s.until(3);
    expect(got[2].id).toBe(live);
    const body = JSON.parse(got[2].data!) as FollowedEvent;
    expect(body.cursor).toBe(live);
    expect(body.event.payload).toMatchObject({ n: 3 });
    expect((await engine.handlers.listFollowers({})).items[0].connected).toBe(true);
    s.close();
  });

  it('resumes after Last-Event-ID, else after the acknowledged cursor', async () => {
    engine = await startFollowEngine(dir);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await sendOne(engine, i));
    const { base, token } = await addFollower(engine);
    const resumed = await openStream(base, token, { 'Last-Event-ID': ids[1] });
    expect(cursors(await resumed.until(2))).toEqual(ids.slice(2));
    resumed.close();
    expect(await ack(base, token, ids[2])).toBe(204);
    const fromAck = await openStream(base, token);
    expect(cursors(await fromAck.until(1))).toEqual([ids[3]]);
    fromAck.close();
  });

  it('closes the open stream at once when the follower is revoked', async () => {
    engine = await startFollowEngine(dir);
    const { id, base, token } = await addFollower(engine);
    const s = await openStream(base, token);
    await sendOne(engine, 1);
    await s.until(1);
    expect(s.ended()).toBe(false);
    await engine.handlers.revokeFollower({ id });
    await s.closed;
    expect(s.ended()).toBe(true);
    expect((await engine.handlers.listFollowers({})).items).toEqual([]);
  });
});

describe('follow server: commit order', () => {
  it('pages 500 concurrent webhooks with no gap and no repeat while they are being stored', async () => {
    engine = await startFollowEngine(dir);
    const { base, token } = await addFollower(engine);
    const reqs = await Promise.all(
      Array.from({ length: 500 }, (_, n) => signedRequest(source('shop'), { extra: { n } })),
    );
    const url = engine.receiverUrl();
    const sending = Promise.all(reqs.map((r) => postHook(url, 'shop', r)));
    let allSent = false;
    void sending.then(() => (allSent = true));
    const seen: string[] = [];
    const stream = await openStream(base, token);
    let after: string | null = null;
    // Page while the appends complete, small pages so many reads interleave with commits.
    for (;;) {
      const done = allSent;
      const p = await page(base, token, after, 7);
      for (const e of p.events) seen.push(e.cursor);
      after = p.next;
      if (done && p.behind === 0 && p.events.length === 0) break;
    }
    const results = await sending;
    const stored = results.map((r) => {
      expect(r.status).toBe(200);
      return r.json.id!;
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...stored].sort());
    expect(seen).toEqual([...seen].sort()); // cursors only grow
    const streamed = await stream.until(500);
    expect(cursors(streamed)).toEqual(seen);
    stream.close();
  });
});
