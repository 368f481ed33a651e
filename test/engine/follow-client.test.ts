// The follower in the real engine (real store and config files in a temp dir, real csv
// action writing a real file) against a tiny follow API server over real HTTP on
// loopback (test/helpers/follow-server.ts, shaped by shared/follow.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import type { FollowStatus } from '../../shared/follow';
import { startFakeFollowServer, type FakeFollowServer } from '../helpers/follow-server';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
let engine: Engine | null = null;
let fake: FakeFollowServer;
let logger: ReturnType<typeof memoryLogger>;

/** Re-checks `check` on every engine bus event and every fake-server event until it holds. */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

function until<T>(check: () => T | Promise<T>, emitters: EventEmitter[] = []): Promise<Truthy<T>> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    let busy = false;
    let again = false;
    const done = (v: Truthy<T>) => {
      for (const off of offs) off();
      resolve(v);
    };
    const test = async () => {
      if (busy) return void (again = true);
      busy = true;
      try {
        const v = await check();
        if (v) return done(v as Truthy<T>);
      } catch (err) {
        for (const off of offs) off();
        return reject(err as Error);
      } finally {
        busy = false;
      }
      if (again) {
        again = false;
        void test();
      }
    };
    if (engine) offs.push(engine.bus.onAny(() => void test()));
    for (const e of emitters) {
      for (const name of ['ack', 'page', 'stream']) {
        const fn = () => void test();
        e.on(name, fn);
        offs.push(() => e.off(name, fn));
      }
    }
    // csv rows land after the run's last bus event: the file is polled between events too.
    const tick = setInterval(() => void test(), 50);
    offs.push(() => clearInterval(tick));
    void test();
  });
}

async function csvIds(): Promise<string[]> {
  const text = await readFile(join(dir, 'orders.csv'), 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[0]!);
}

async function start(link = fake.link, timing = {}): Promise<Engine> {
  engine = createEngine({
    dataDir: dir,
    port: 0,
    tunnel: 'none',
    logger,
    follow: link,
    followTiming: { pingTimeoutMs: 60_000, backoffBaseMs: 20, backoffMaxMs: 200, ...timing },
  });
  await engine.start();
  return engine;
}

const status = async () => (await engine!.handlers.getStatus({})).follow as FollowStatus;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-follow-');
  logger = memoryLogger();
  fake = await startFakeFollowServer({ pingMs: 200 });
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      tunnel: { provider: 'none' },
      automations: [
        {
          id: 'log-orders',
          source: 'shop',
          events: ['orders/*'],
          action: { kind: 'csv', file: join(dir, 'orders.csv'), columns: [{ name: 'Event', value: '{{ id }}' }] },
        },
      ],
    }),
  );
});

afterEach(async () => {
  await engine?.stop();
  engine = null;
  await fake.close();
  await removeDir(dir);
});

const ids = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `evt_srv_${String(from + i).padStart(6, '0')}`);

describe('following a server', () => {
  it('catches up, follows live, stores under the server ids and runs each event once', async () => {
    fake.add(30);
    await start();
    await until(async () => (await csvIds()).length === 30, [fake.emitter]);
    fake.add(20);
    const rows = await until(async () => {
      const r = await csvIds();
      return r.length >= 50 && r;
    }, [fake.emitter]);
    expect([...rows].sort()).toEqual(ids(1, 50));
    const stored = engine!.store.listEvents({ limit: 500 }).items;
    expect(stored.map((e) => e.id).sort()).toEqual(ids(1, 50));
    // Its own status, its own runs: the server's "done" is not copied.
    const one = await engine!.handlers.getEvent({ id: ids(7, 7)[0]! });
    expect(one.runs.map((r) => r.automationId)).toEqual(['log-orders']);
    expect(one.payload).toEqual({ id: 7, total_price: '7.00' });
    await until(() => fake.acks.at(-1) === '50', [fake.emitter]);
    expect(await status()).toMatchObject({ state: 'following', behind: 0, server: fake.base, error: null });
    expect((await status()).lastEventAt).toBe(fake.events[49]!.event.receivedAt);
    // Acks never run ahead and only move forward.
    expect(fake.acks.map(Number)).toEqual([...fake.acks.map(Number)].sort((a, b) => a - b));
  }, 120_000);

  it('mirrors the server sources (no secret) and refuses direct webhooks for them', async () => {
    await start();
    await until(() => engine!.config.current().sources.length === 2);
    expect(engine!.config.current().sources).toEqual([
      { id: 'shop', provider: 'shopify', name: 'My shop', followed: true },
      { id: 'pay', provider: 'stripe', followed: true },
    ]);
    const res = await fetch(`${engine!.receiverUrl()}/hooks/shop`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /receives its webhooks through the Hookdock server/,
    );
  }, 60_000);

  it('after a restart, asks only after its stored cursor and runs only the new events', async () => {
    fake.add(10);
    await start();
    await until(async () => (await csvIds()).length === 10, [fake.emitter]);
    await engine!.stop();
    engine = null;
    fake.add(5);
    fake.pagesAfter.length = 0;
    await start();
    const rows = await until(async () => {
      const r = await csvIds();
      return r.length >= 15 && r;
    }, [fake.emitter]);
    expect(fake.pagesAfter[0]).toBe('10');
    expect([...rows].sort()).toEqual(ids(1, 15));
  }, 120_000);

  it('an event sent again is a duplicate: stored once, run once, not counted as a redelivery', async () => {
    fake.add(8);
    fake.replayAll = true; // every stream starts from the first event again
    await start();
    await until(async () => (await csvIds()).length === 8, [fake.emitter]);
    fake.dropStreams(); // reconnect: the stream sends all 8 again
    await until(() => fake.streamsFrom.length >= 2 && fake.acks.at(-1) === '8', [fake.emitter]);
    fake.add(1); // after the 8 replays on that stream: once it is here, they were handled
    await until(async () => (await csvIds()).length >= 9, [fake.emitter]);
    expect([...(await csvIds())].sort()).toEqual(ids(1, 9));
    const items = engine!.store.listEvents({ limit: 50 }).items;
    expect(items).toHaveLength(9);
    expect(items.every((e) => e.redeliveries === 0)).toBe(true);
  }, 120_000);

  it('a dropped network resumes from Last-Event-ID and gets what came meanwhile', async () => {
    fake.add(3);
    await start();
    await until(() => fake.acks.at(-1) === '3', [fake.emitter]);
    fake.dropStreams();
    fake.add(4);
    await until(async () => (await csvIds()).length === 7, [fake.emitter]);
    // The new session asks for what came after its cursor, then streams from the newest.
    expect(fake.pagesAfter).toContain('3');
    expect(fake.streamsFrom.at(-1)).toBe('7');
    expect([...(await csvIds())].sort()).toEqual(ids(1, 7));
  }, 120_000);

  it('a stream that goes silent (no pings) is taken for dead and replaced', async () => {
    fake.silent = true;
    fake.add(2);
    await start(fake.link, { pingTimeoutMs: 300 });
    await until(async () => (await csvIds()).length === 2, [fake.emitter]);
    fake.add(3); // the silent stream never sends these: only a new session's catch-up does
    await until(async () => (await csvIds()).length === 5, [fake.emitter]);
    expect(fake.streamsFrom.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a revoked pairing link says what to do, and never shows the token', async () => {
    fake.revoked = true;
    await start();
    const s = await until(async () => {
      const st = await status();
      return st.state === 'unreachable' && st;
    });
    expect(s.error).toMatch(/no longer accepts this computer's pairing link.*ask for a new one/);
    expect(JSON.stringify(s)).not.toContain(fake.token);
    expect(logger.lines.join('\n')).not.toContain(fake.token);
    fake.revoked = false;
    engine!.follower!.wake();
    await until(async () => (await status()).state === 'following', [fake.emitter]);
  }, 60_000);

  it('a server that is down is "unreachable" with a sentence, and followed once it is up', async () => {
    await fake.close();
    const port = new URL(fake.base).port;
    await start(`http://127.0.0.1:${port}/#${fake.token}`);
    const s = await until(async () => {
      const st = await status();
      return st.state === 'unreachable' && st;
    });
    expect(s.error).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+: nothing answers there/);
  }, 60_000);
});

describe('a disk that refuses writes', () => {
  it('acknowledges nothing it could not store, says so, and catches up once the disk works', async () => {
    let failing = false;
    engine = createEngine({
      dataDir: dir,
      port: 0,
      tunnel: 'none',
      logger,
      follow: fake.link,
      followTiming: { backoffBaseMs: 20, backoffMaxMs: 200 },
      storeFaults: {
        beforeSync: () => {
          if (failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        },
      },
    });
    fake.add(3);
    await engine.start();
    await until(() => fake.acks.at(-1) === '3', [fake.emitter]);
    failing = true;
    fake.add(2);
    const s = await until(async () => {
      const st = await status();
      return st.state === 'unreachable' && st;
    });
    expect(s.error).toMatch(/cannot be saved here: The disk is full/);
    expect(fake.acks.map(Number).every((c) => c <= 3)).toBe(true);
    failing = false;
    engine.follower!.wake();
    await until(async () => (await csvIds()).length === 5, [fake.emitter]);
    await until(() => fake.acks.at(-1) === '5', [fake.emitter]);
    expect([...(await csvIds())].sort()).toEqual(ids(1, 5));
  }, 60_000);
});

describe('following from Settings', () => {
  it('takes a pasted link, masks it in the config answers, and stops on "Stop following"', async () => {
    engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger });
    await engine.start();
    expect((await engine.handlers.getStatus({})).follow).toBeNull();
    await expect(
      engine.handlers.updateSettings({ follow: { link: `http://example.com/#${fake.token}` } }),
    ).rejects.toThrow(/plain http:\/\/ to example\.com.*https/);
    fake.add(2);
    const saved = await engine.handlers.updateSettings({ follow: { link: fake.link } });
    expect(saved.follow).toEqual({ link: '••••••••', server: fake.base });
    expect(JSON.stringify(saved)).not.toContain(fake.token);
    await until(async () => (await csvIds()).length === 2, [fake.emitter]);
    expect((await engine.handlers.getStatus({})).follow).toMatchObject({ state: 'following', server: fake.base });
    // The mask coming back keeps the link.
    await engine.handlers.updateSettings({ follow: { link: '••••••••' } });
    expect(engine.config.current().follow).toEqual({ link: fake.link });
    await engine.handlers.updateSettings({ follow: null });
    await until(async () => (await engine!.handlers.getStatus({})).follow === null);
    expect(engine.config.current().follow).toBeNull();
  }, 60_000);
});

describe('after sleep', () => {
  it('a clock jump (the computer slept) ends the live stream and catches up at once', async () => {
    const { createFollowClient } = await import('../../electron/engine/follow/client/client');
    const { parsePairingLink } = await import('../../electron/engine/follow/client/link');
    const { createStore } = await import('../../electron/engine/store');
    const { createBus } = await import('../../electron/engine/util/bus');
    const store = createStore({ dataDir: dir, logger });
    await store.open();
    let clock = 1_000_000;
    const client = createFollowClient({
      link: parsePairingLink(fake.link),
      store,
      bus: createBus(),
      automations: () => null,
      logger,
      now: () => clock,
      // Pings never stop here: only the jump can end this stream.
      timing: { clockTickMs: 20, clockJumpMs: 1000, pingTimeoutMs: 600_000 },
    });
    try {
      fake.add(2);
      client.start();
      await until(() => fake.streamsFrom.length === 1 && client.status().state === 'following', [fake.emitter]);
      const pagesBefore = fake.pagesAfter.length;
      clock += 3_600_000; // an hour asleep
      await until(() => fake.streamsFrom.length === 2, [fake.emitter]);
      expect(fake.pagesAfter.length).toBeGreaterThan(pagesBefore); // it caught up before streaming again
      expect(fake.pagesAfter.at(-1)).toBe('2');
      expect(logger.lines.join('\n')).toMatch(/The clock jumped/);
    } finally {
      await client.stop();
      await store.close();
    }
  }, 60_000);
});
