// Follow mode end to end with two real `hookdock serve` processes (issue #15): kill -9 of
// the follower mid-stream, and of the server, 10 cycles each, with webhooks flowing.
// Every event the server acknowledged (200) reaches the follower once, and its automation
// (a csv row per event) runs once. The figures are printed for the closing note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import {
  csvRows,
  ensureBuilt,
  eventIds,
  freePort,
  pairingLink,
  post,
  startFollower,
  startServer,
  until,
  verify,
  writeFollowerConfig,
  writeServerConfig,
  type ServerSide,
  type Tally,
} from './follow-e2e-helpers';

const CYCLES = 10;
const PER_CYCLE = 6;

const dirs: string[] = [];
const procs: ServeProcess[] = [];

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
  for (const d of dirs) await removeDir(d);
});

async function pair() {
  const serverDir = await makeTempDir('hookdock-follow-srv-');
  const followerDir = await makeTempDir('hookdock-follow-fol-');
  dirs.push(serverDir, followerDir);
  await writeServerConfig(serverDir);
  await writeFollowerConfig(followerDir);
  let server: ServerSide = await startServer({ dir: serverDir, port: await freePort(), followPort: await freePort() });
  procs.push(server.proc);
  const link = await pairingLink(server.proc);
  let follower = await startFollower(followerDir, link);
  procs.push(follower);
  return {
    serverDir,
    followerDir,
    link,
    server: () => server,
    follower: () => follower,
    async restartServer() {
      server = await startServer({ dir: serverDir, port: server.port, followPort: server.followPort });
      procs.push(server.proc);
    },
    async restartFollower() {
      follower = await startFollower(followerDir, link);
      procs.push(follower);
    },
  };
}

/**
 * Posts `n` webhooks one after another, counting those the server acknowledged; returns
 * the numbers it did not acknowledge, which a provider sends again later (same body).
 */
async function send(receiverUrl: string, tally: Tally, n: number, tag: string): Promise<number[]> {
  const failed: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = ++tally.sent;
    const id = await post(receiverUrl, k, tag);
    if (id) tally.acked.push(id);
    else failed.push(k);
  }
  return failed;
}

/** The provider's retry of what was not acknowledged: the same bodies again (a duplicate answers the first id). */
async function resend(receiverUrl: string, tally: Tally, numbers: number[], tag: string) {
  tally.resent = (tally.resent ?? 0) + numbers.length;
  for (const k of numbers) {
    const id = await post(receiverUrl, k, tag);
    if (id && !tally.acked.includes(id)) tally.acked.push(id);
  }
}

describe('follow mode survives kill -9', () => {
  it(`of the follower mid-stream, ${CYCLES} cycles`, async () => {
    const p = await pair();
    const tally: Tally = { sent: 0, acked: [] };
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const receiver = p.server().proc.receiverUrl;
      const before = (await csvRows(p.followerDir)).length;
      // Webhooks flow; the follower is killed as soon as it has run one of them.
      const flowing = send(receiver, tally, PER_CYCLE, `f${cycle}`);
      await until(async () => (await csvRows(p.followerDir)).length > before, 20);
      p.follower().proc.kill('SIGKILL');
      await p.follower().exited;
      await flowing;
      await p.restartFollower();
    }
    const { figures, onServer, onFollower, rows, runs } = await verify(
      p.server().proc,
      p.follower(),
      p.followerDir,
      tally,
    );
    console.log(`follow e2e, kill -9 of the follower x${CYCLES}:`, JSON.stringify(figures));
    expect(tally.acked).toHaveLength(tally.sent);
    const onFollowerSet = new Set(onFollower);
    expect(tally.acked.filter((id) => !onFollowerSet.has(id))).toEqual([]);
    expect(onFollower).toHaveLength(onFollowerSet.size);
    expect([...onFollowerSet].sort()).toEqual([...onServer].sort());
    expect([...runs.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(rows).toHaveLength(new Set(rows).size);
    expect(new Set(rows)).toEqual(onFollowerSet);
  }, 900_000);

  it(`of the server with webhooks flowing, ${CYCLES} cycles`, async () => {
    const p = await pair();
    const tally: Tally = { sent: 0, acked: [] };
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const receiver = p.server().proc.receiverUrl;
      const flowing = send(receiver, tally, PER_CYCLE, `s${cycle}`);
      // Killed once it has acknowledged a first webhook of this cycle: the rest fail (not acked) or land.
      const ackedBefore = tally.acked.length;
      await until(async () => tally.acked.length > ackedBefore, 10);
      p.server().proc.proc.kill('SIGKILL');
      await p.server().proc.exited;
      const failed = await flowing;
      await p.restartServer();
      await resend(p.server().proc.receiverUrl, tally, failed, `s${cycle}`);
      // What the restarted server holds, the follower gets too (it reconnects by itself).
      await until(async () => {
        const [s, f] = await Promise.all([eventIds(p.server().proc), eventIds(p.follower())]);
        const have = new Set(f);
        return s.every((id) => have.has(id));
      }, 100);
    }
    await send(p.server().proc.receiverUrl, tally, PER_CYCLE, 'end');
    const { figures, onServer, onFollower, rows, runs } = await verify(
      p.server().proc,
      p.follower(),
      p.followerDir,
      tally,
    );
    console.log(`follow e2e, kill -9 of the server x${CYCLES}:`, JSON.stringify(figures));
    const onServerSet = new Set(onServer);
    const onFollowerSet = new Set(onFollower);
    // Nothing acknowledged is lost on the server, nor on the way to the follower.
    expect(tally.acked.filter((id) => !onServerSet.has(id))).toEqual([]);
    expect(tally.acked.filter((id) => !onFollowerSet.has(id))).toEqual([]);
    expect(onFollower).toHaveLength(onFollowerSet.size);
    expect([...onFollowerSet].sort()).toEqual([...onServerSet].sort());
    expect([...runs.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(rows).toHaveLength(new Set(rows).size);
    expect(new Set(rows)).toEqual(onFollowerSet);
  }, 900_000);
});
