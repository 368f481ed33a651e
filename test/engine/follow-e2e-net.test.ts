// Follow mode end to end with two real `hookdock serve` processes (issue #15): the network
// between them drops (a TCP proxy in between is cut and restored) 10 times, and the follower
// "sleeps" (SIGSTOP, then SIGCONT) while webhooks arrive. It catches up by itself each time;
// every acknowledged event is stored once on the follower and runs once. Figures printed.
import { afterAll, describe, expect, it } from 'vitest';
import { startForwarder, type Forwarder } from '../helpers/forwarder';
import {
  caughtUp,
  expectFollowerHasEachOnce,
  followRun,
  followStatus,
  freePort,
  pairingLink,
  post,
  until,
  verify,
  type Tally,
} from './follow-e2e-helpers';

const CYCLES = 10;
const PER_CYCLE = 4;

const run = followRun();
let proxy: Forwarder | null = null;

afterAll(async () => {
  await proxy?.close();
});

async function send(receiverUrl: string, tally: Tally, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    const id = await post(receiverUrl, ++tally.sent, tag);
    if (id) tally.acked.push(id);
  }
}

describe('follow mode over a network that drops and a computer that sleeps', () => {
  it(`catches up after ${CYCLES} network drops and a sleep, each event stored and run once`, async () => {
    const { serverDir, followerDir } = await run.folders();
    const server = await run.server({ dir: serverDir, port: await freePort(), followPort: await freePort() });
    proxy = await startForwarder();
    proxy.setTarget(server.followPort);
    // The follower reaches the follow port only through the proxy.
    const link = (await pairingLink(server.proc)).replace(`127.0.0.1:${server.followPort}`, new URL(proxy.url).host);
    const follower = await run.follower(followerDir, link);
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

    const verified = await verify(server.proc, follower, followerDir, tally);
    console.log(`follow e2e, ${CYCLES} network drops + a sleep:`, JSON.stringify(verified.figures));
    expect(tally.acked).toHaveLength(tally.sent);
    expectFollowerHasEachOnce(tally, verified);
  }, 900_000);
});
