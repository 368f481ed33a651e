// Waking from sleep (electron/shell/wake.ts): Electron's powerMonitor is a fake
// EventEmitter; the engine, its gap ledger and the probe through the owner's
// tunnel (a real local TCP forwarder) are real. 'resume' and 'unlock-screen'
// each probe at once, without waiting for the (5 minute) timer.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import { HEARTBEAT_FILE } from '../../electron/engine/gaps/ledger';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { watchGapAlerts } from '../../electron/shell/gap-alerts';
import { watchWake, type PowerMonitorLike } from '../../electron/shell/wake';
import type { Reachability } from '../../shared/gaps';
import { startForwarder, type Forwarder } from '../helpers/forwarder';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
let engine: Engine | null = null;
let forwarder: Forwarder | null = null;

beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await forwarder?.close();
  forwarder = null;
  await removeDir(dir);
});

/** Resolves with the next reachability change. */
const nextReachability = (e: Engine) =>
  new Promise<Reachability>((ok) => {
    const off = e.bus.on('reachability.changed', (r) => (off(), ok(r)));
  });

describe('waking from sleep', () => {
  it('resume and unlock-screen each tick the gap ledger and probe at once; two failures notify', async () => {
    forwarder = await startForwarder();
    engine = createEngine({ dataDir: dir, port: 0, publicUrl: forwarder.url, logger: memoryLogger() });
    const first = nextReachability(engine);
    await engine.start();
    forwarder.setTarget(Number(new URL(engine.receiverUrl()).port));
    expect((await first).state).toBe('reachable');

    const power = new EventEmitter();
    const notices: string[] = [];
    watchGapAlerts(engine.bus, (c) => notices.push(`${c.title}: ${c.body}`));
    const unwatch = watchWake(power as unknown as PowerMonitorLike, engine.gaps, memoryLogger());
    const heartbeat = () => readFile(path.join(dir, HEARTBEAT_FILE), 'utf8');
    const heartbeatBefore = await heartbeat();

    forwarder.drop();
    let change = nextReachability(engine);
    power.emit('resume');
    const afterResume = await change;
    expect(afterResume.state).toBe('reachable'); // one failure: still the last good state, checked again
    expect(forwarder.dropped()).toBe(1);
    expect(notices).toEqual([]);
    // The ledger ticked first (a clock jump there is the `asleep` gap): a fresh heartbeat is on disk.
    expect(await heartbeat()).not.toBe(heartbeatBefore);

    change = nextReachability(engine);
    power.emit('unlock-screen');
    const afterUnlock = await change;
    expect(afterUnlock.state).toBe('unreachable');
    expect(afterUnlock.attention).toMatch(
      /^Your webhook senders can't reach Hookdock right now: the connection failed/,
    );
    expect(notices).toEqual([`Webhooks can't reach Hookdock: ${afterUnlock.attention}`]);

    unwatch();
    expect(power.listenerCount('resume') + power.listenerCount('unlock-screen')).toBe(0);
  });
});
