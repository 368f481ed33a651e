// Follow mode end to end with two real `hookdock serve` processes (issue #15): kill -9 of
// the follower mid-stream, and of the server, 10 cycles each, with webhooks flowing.
// Every event the server acknowledged (200) reaches the follower once, and its automation
// (a csv row per event) runs once. The figures are printed for the closing note.
import { describe, expect, it } from 'vitest';
import {
  csvRows,
  eventIds,
  expectFollowerHasEachOnce,
  followRun,
  freePort,
  pairingLink,
  post,
  until,
  verify,
  type ServerSide,
  type Tally,
} from './follow-e2e-helpers';

const CYCLES = 10;
const PER_CYCLE = 6;

const run = followRun();

async function pair() {
  const { serverDir, followerDir } = await run.folders();
  let server: ServerSide = await run.server({ dir: serverDir, port: await freePort(), followPort: await freePort() });
  const link = await pairingLink(server.proc);
  let follower = await run.follower(followerDir, link);
  return {
    serverDir,
    followerDir,
    link,
    server: () => server,
    follower: () => follower,
    async restartServer() {
      server = await run.server({ dir: serverDir, port: server.port, followPort: server.followPort });
    },
    async restartFollower() {
      follower = await run.follower(followerDir, link);
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
    const verified = await verify(p.server().proc, p.follower(), p.followerDir, tally);
    console.log(`follow e2e, kill -9 of the follower x${CYCLES}:`, JSON.stringify(verified.figures));
    expect(tally.acked).toHaveLength(tally.sent);
    expectFollowerHasEachOnce(tally, verified);
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
    const verified = await verify(p.server().proc, p.follower(), p.followerDir, tally);
    console.log(`follow e2e, kill -9 of the server x${CYCLES}:`, JSON.stringify(verified.figures));
    const onServerSet = new Set(verified.onServer);
    // Nothing acknowledged is lost on the server, nor on the way to the follower.
    expect(tally.acked.filter((id) => !onServerSet.has(id))).toEqual([]);
    expectFollowerHasEachOnce(tally, { ...verified, onServer: onServerSet });
  }, 900_000);
});
