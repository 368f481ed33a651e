// Follow mode, server side: pairing, tokens at rest, pages, acks, revocation (real engine, real HTTP).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FollowHello, FollowerInfo } from '../../shared/follow';
import type { Engine } from '../../electron/engine/types';
import { systemClock } from '../../electron/engine/util/clock';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { ack, addFollower, followGet, page, sendOne, startFollowEngine, writeConfig } from './follow-server-helpers';

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

describe('follow server: pairing and tokens', () => {
  it('serves the follow API on its own port, never the receiver or the dashboard port', async () => {
    engine = await startFollowEngine(dir);
    const port = engine.followPort();
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(engine.receiverPort());
    expect(engine.followBase()).toBe(`http://127.0.0.1:${port}`);
    // The receiver does not answer follow routes.
    const onReceiver = await fetch(`${engine.receiverUrl()}/follow/v1/hello`);
    expect(onReceiver.status).toBe(404);
  });

  it('makes a one-time pairing link whose token is stored only as a SHA-256 hash', async () => {
    engine = await startFollowEngine(dir);
    const { id, base, token } = await addFollower(engine, 'Office laptop');
    expect(base).toBe(engine.followBase());
    expect(token).toMatch(/^hdf_[A-Za-z0-9_-]{43}$/);
    const file = await readFile(join(dir, 'followers.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(file).not.toContain(token.slice(4));
    const { createHash } = await import('node:crypto');
    expect(file).toContain(createHash('sha256').update(token).digest('hex'));
    const hello = await followGet(base, token, '/follow/v1/hello');
    expect(hello.status).toBe(200);
    const body = (await hello.json()) as FollowHello;
    expect(body.follower).toEqual({ id, name: 'Office laptop' });
    expect(body.version).toBe('9.9.9-test');
    expect(body.sources.map((s) => s.id)).toContain('shop');
    expect(JSON.stringify(body)).not.toContain('shopify-test-secret');
    const list = await engine.handlers.listFollowers({});
    expect(list.items).toEqual([
      expect.objectContaining({ id, name: 'Office laptop', ackedCursor: null, connected: false }),
    ]);
    expect(JSON.stringify(list)).not.toContain(token);
  });

  it('answers 401 to a missing, wrong or revoked token, and 429 after many wrong ones', async () => {
    engine = await startFollowEngine(dir);
    const { id, base, token } = await addFollower(engine);
    expect((await fetch(`${base}/follow/v1/hello`)).status).toBe(401);
    const wrong = await followGet(base, 'hdf_' + 'A'.repeat(43), '/follow/v1/hello');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/pairing link/);
    await engine.handlers.revokeFollower({ id });
    expect((await followGet(base, token, '/follow/v1/hello')).status).toBe(401);
    expect((await followGet(base, token, '/follow/v1/events')).status).toBe(401);
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++) last = (await followGet(base, `hdf_x${i}`, '/follow/v1/hello')).status;
    expect(last).toBe(429);
    // A valid token still gets in while strangers are limited.
    const other = await addFollower(engine, 'Second');
    expect((await followGet(other.base, other.token, '/follow/v1/hello')).status).toBe(200);
    // Behind a local proxy, a client is the address the proxy appended: varying the rest does not escape.
    let proxied = 0;
    for (let i = 0; i < 12 && proxied !== 429; i++) {
      const xff = { 'X-Forwarded-For': `10.0.0.${i}, 203.0.113.7`, 'X-Forwarded-Proto': 'https' };
      proxied = (await followGet(base, `hdf_y${i}`, '/follow/v1/hello', xff)).status;
    }
    expect(proxied).toBe(429);
  });

  it("many addresses cannot reset a client's budget: past 10,000 remembered, new ones share one", async () => {
    // Time stands still, so no budget refills while the 10,000 requests go out.
    const t0 = Date.now();
    engine = await startFollowEngine(dir, { clock: { ...systemClock, now: () => t0 } });
    const { base } = await addFollower(engine);
    const from = (ip: string) => ({ 'X-Forwarded-For': ip, 'X-Forwarded-Proto': 'https' });
    let first = 0;
    for (let i = 0; i < 12 && first !== 429; i++)
      first = (await followGet(base, 'hdf_a', '/follow/v1/hello', from('203.0.113.1'))).status;
    expect(first).toBe(429);
    // 10,000 more addresses (IPv6 gives an attacker plenty), one wrong token each.
    const ips = Array.from({ length: 10_000 }, (_, i) => `2001:db8::${i.toString(16)}`);
    for (let i = 0; i < ips.length; i += 50) {
      await Promise.all(
        ips
          .slice(i, i + 50)
          .map((ip) => followGet(base, 'hdf_b', '/follow/v1/hello', from(ip)).then((r) => r.body?.cancel())),
      );
    }
    // The first client is still limited, and the addresses past the limit share one budget.
    expect((await followGet(base, 'hdf_a', '/follow/v1/hello', from('203.0.113.1'))).status).toBe(429);
    let overflow = 0;
    for (let i = 0; i < 12 && overflow !== 429; i++)
      overflow = (await followGet(base, 'hdf_c', '/follow/v1/hello', from(`2001:db8:1::${i}`))).status;
    expect(overflow).toBe(429);
  });
});

describe('follow server: pages and acks', () => {
  it('pages stored events oldest first with full data, and says how many are behind', async () => {
    engine = await startFollowEngine(dir);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await sendOne(engine, i));
    const { base, token } = await addFollower(engine);
    const first = await page(base, token, null, 2);
    expect(first.events.map((e) => e.cursor)).toEqual(ids.slice(0, 2));
    expect(first.next).toBe(ids[1]);
    expect(first.behind).toBe(3);
    const e = first.events[0].event;
    expect(e.id).toBe(ids[0]);
    expect(e.headers['x-shopify-topic']).toBeTruthy();
    expect(e.payload).toMatchObject({ n: 0 });
    expect('text' in e.body && JSON.parse(e.body.text)).toMatchObject({ n: 0 });
    const rest = await page(base, token, first.next, 1000);
    expect(rest.events.map((x) => x.cursor)).toEqual(ids.slice(2));
    expect(rest.behind).toBe(0);
    const none = await page(base, token, rest.next);
    expect(none).toEqual({ events: [], next: ids[4], behind: 0 });
    expect((await followGet(base, token, '/follow/v1/events?after=../etc')).status).toBe(400);
  });

  it('leaves out the owner’s test events', async () => {
    engine = await startFollowEngine(dir);
    const real = await sendOne(engine, 1);
    const test = await engine.handlers.sendTestEvent({ id: 'shop', runAutomations: false });
    expect(test.eventId).toBeTruthy();
    const after = await sendOne(engine, 2);
    const { base, token } = await addFollower(engine);
    const p = await page(base, token, null);
    expect(p.events.map((e) => e.cursor)).toEqual([real, after]);
    // A test event after the acknowledged cursor is not counted as behind.
    await engine.handlers.sendTestEvent({ id: 'shop', runAutomations: false });
    expect(await ack(base, token, after)).toBe(204);
    expect((await engine.handlers.listFollowers({})).items[0].behind).toBe(0);
  });

  it('keeps each follower’s ack durably, never moving it back, across a restart', async () => {
    engine = await startFollowEngine(dir);
    const ids = [await sendOne(engine, 1), await sendOne(engine, 2), await sendOne(engine, 3)];
    const { id, base, token } = await addFollower(engine);
    expect(await ack(base, token, ids[1])).toBe(204);
    expect(await ack(base, token, ids[0])).toBe(204); // older: ignored
    expect(await ack(base, token, 'evt_doesnotexist')).toBe(400);
    const saved = JSON.parse(await readFile(join(dir, 'followers.json'), 'utf8')) as {
      followers: { id: string; ackedCursor: string }[];
    };
    expect(saved.followers.find((f) => f.id === id)?.ackedCursor).toBe(ids[1]);
    await engine.stop();
    engine = await startFollowEngine(dir);
    const [info] = (await engine.handlers.listFollowers({})).items as FollowerInfo[];
    expect(info.ackedCursor).toBe(ids[1]);
    expect(info.behind).toBe(1);
    const b2 = engine.followBase()!;
    expect(await ack(b2, token, ids[0])).toBe(204);
    expect((await engine.handlers.listFollowers({})).items[0].ackedCursor).toBe(ids[1]);
    expect(await ack(b2, token, ids[2])).toBe(204);
    expect((await engine.handlers.listFollowers({})).items[0]).toMatchObject({ ackedCursor: ids[2], behind: 0 });
  });
});

describe('follow server: warnings in the status', () => {
  it('warns about a follower silent for a day, until it acknowledges', async () => {
    let now = Date.now() - 2 * 86_400_000;
    const { systemClock } = await import('../../electron/engine/util/clock');
    engine = await startFollowEngine(dir, { clock: { ...systemClock, now: () => now } });
    const id = await sendOne(engine, 1);
    const { base, token } = await addFollower(engine, 'Shop PC');
    expect((await engine.handlers.getStatus({})).followers).toEqual({ count: 1, warnings: [] });
    now = Date.now();
    const { followers } = await engine.handlers.getStatus({});
    expect(followers?.warnings).toHaveLength(1);
    expect(followers?.warnings[0]).toMatch(/^Follower "Shop PC" has not acknowledged any event for over a day/);
    expect(followers?.warnings[0]).toMatch(/revoke it in Settings → Followers\.$/);
    expect(await ack(base, token, id)).toBe(204);
    expect((await engine.handlers.getStatus({})).followers).toEqual({ count: 1, warnings: [] });
  });
});
