// Follow mode, server side: the store never lets a follower page past an id still being
// appended (store/settled.ts), and a non-loopback peer is refused over plain HTTP.
import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/types';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { makeEvent, openStore } from './store-helpers';
import { addFollower, followGet, startFollowEngine, writeConfig } from './follow-server-helpers';

let dir: string;
let engine: Engine | null;

beforeEach(async () => {
  dir = await makeTempDir();
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

describe('follow server: settled order in the store', () => {
  it('hides a committed event while a smaller id is still being appended', async () => {
    const store = await openStore(dir);
    const first = makeEvent(1, { providerEventId: 'same' });
    const waiting = makeEvent(2, { providerEventId: 'same' }); // waits for `first` (same dedupe key)
    const later = makeEvent(3);
    expect(first.id < waiting.id && waiting.id < later.id).toBe(true);
    const a = store.appendEvent(first);
    const b = store.appendEvent(waiting);
    await store.appendEvent(later); // committed in the same batch as `first`
    // `waiting` is still deciding (it will be a redelivery of `first`): `later` must not be readable yet.
    expect(store.getEventSummary(later.id)).toBeDefined();
    expect(store.followIds(null, 10).ids).toEqual([first.id]);
    await a;
    expect(await b).toMatchObject({ duplicate: true, id: first.id });
    expect(store.followIds(null, 10).ids).toEqual([first.id, later.id]);
    await store.close();
  });
});

const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

describe.runIf(outside)('follow server: plain HTTP from another machine', () => {
  it(`refuses a request that reaches it on ${outside} without TLS, even with a valid token`, async () => {
    await writeConfig(dir);
    engine = await startFollowEngine(dir, { followHost: '0.0.0.0' });
    const { token } = await addFollower(engine);
    const port = engine.followPort()!;
    const res = await followGet(`http://${outside}:${port}`, token, '/follow/v1/hello', {
      'X-Forwarded-Proto': 'https',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/HTTPS/);
    const local = await followGet(`http://127.0.0.1:${port}`, token, '/follow/v1/hello');
    expect(local.status).toBe(200);
  });
});
