// Follow mode end to end with two real `hookdock serve` processes (issue #15): the network
// between them drops (a TCP proxy in between is cut and restored) 10 times, and the follower
// "sleeps" (SIGSTOP, then SIGCONT) while webhooks arrive. It catches up by itself each time;
// every acknowledged event is stored once on the follower and runs once. Figures printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwarder, type Forwarder } from '../helpers/forwarder';
import type { ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import {
  caughtUp,
  ensureBuilt,
  followStatus,
  freePort,
  pairingLink,
  post,
  startFollower,
  startServer,
  until,
  verify,
  writeFollowerConfig,
  writeServerConfig,
  type Tally,
} from './follow-e2e-helpers';

const CYCLES = 10;
const PER_CYCLE = 4;

const dirs: string[] = [];
const procs: ServeProcess[] = [];
let proxy: Forwarder | null = null;

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

afterAll(async () => {
  for (const p of procs) {
    p.proc.kill('SIGCONT');
    await p.stop('SIGKILL').catch(() => undefined);
  }
  await proxy?.close();
  for (const d of dirs) await removeDir(d);
});

async function send(receiverUrl: string, tally: Tally, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    const id = await post(receiverUrl, ++tally.sent, tag);
    if (id) tally.acked.push(id);
  }
}

describe('follow mode over a network that drops and a computer that sleeps', () => {
  it(`catches up after ${CYCLES} network drops and a sleep, each event stored and run once`, async () => {
    const serverDir = await makeTempDir('hookdock-follow-srv-');
    const followerDir = await makeTempDir('hookdock-follow-fol-');
    dirs.push(serverDir, followerDir);
    await writeServerConfig(serverDir);
    await writeFollowerConfig(followerDir);
    const server = await startServer({ dir: serverDir, port: await freePort(), followPort: await freePort() });
    procs.push(server.proc);
    proxy = await startForwarder();
    proxy.setTarget(server.followPort);
    // The follower reaches the follow port only through the proxy.
    const link = (await pairingLink(server.proc)).replace(`127.0.0.1:${server.followPort}`, new URL(proxy.url).host);
    const follower = await startFollower(followerDir, link);
    procs.push(follower);
    const tally: Tally = { sent: 0, acked: [] };
    const receiver = server.proc.receiverUrl;

    await send(receiver, tally, PER_CYCLE, 'start');
    await caughtUp(server.proc, follower, followerDir);
    expect(await followStatus(follower)).toMatchObject({ state: 'following', behind: 0, error: null });

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      proxy.drop();
      await send(receiver, tally, PER_CYCLE, `drop${cycle}`);
      if (cycle === 0) {
        // Said plainly while it lasts.
        const down = await until(async () => {
          const s = await followStatus(follower);
          return s?.state === 'unreachable' && s;
        });
        expect(down.error).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+: .*Hookdock keeps trying\.$/);
      }
      proxy.restore();
      await caughtUp(server.proc, follower, followerDir);
    }

    // Sleep: the follower's process stops (as a laptop lid closes), webhooks keep coming to the server.
    follower.proc.kill('SIGSTOP');
    await send(receiver, tally, PER_CYCLE * 2, 'asleep');
    follower.proc.kill('SIGCONT');
    await caughtUp(server.proc, follower, followerDir);
    await until(async () => (await followStatus(follower))?.state === 'following');

    const { figures, onServer, onFollower, rows, runs } = await verify(server.proc, follower, followerDir, tally);
    console.log(`follow e2e, ${CYCLES} network drops + a sleep:`, JSON.stringify(figures));
    const onFollowerSet = new Set(onFollower);
    expect(tally.acked).toHaveLength(tally.sent);
    expect(tally.acked.filter((id) => !onFollowerSet.has(id))).toEqual([]);
    expect(onFollower).toHaveLength(onFollowerSet.size);
    expect([...onFollowerSet].sort()).toEqual([...onServer].sort());
    expect([...runs.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(rows).toHaveLength(new Set(rows).size);
    expect(new Set(rows)).toEqual(onFollowerSet);
  }, 900_000);
});
