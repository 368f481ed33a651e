// The gap ledger with real files in a temp dir: a heartbeat left by a process that
// died makes a `stopped` gap (also with a real `hookdock serve` killed with -9), a
// heartbeat tick that comes far too late (a simulated clock jump) makes an `asleep` gap.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Gap } from '../../shared/gaps';
import { configSchema } from '../../shared/config';
import { createGapLedger, GAPS_FILE, HEARTBEAT_FILE } from '../../electron/engine/gaps/ledger';
import type { Clock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { dashboardApi, ensureBuilt, runCli, serveArgs, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';

const T0 = Date.parse('2026-11-30T04:00:00.000Z');
const sources = configSchema.parse({
  sources: [
    { id: 'shop', provider: 'shopify', secret: 's' },
    { id: 'woo', provider: 'woocommerce', secret: 's' },
  ],
}).sources;

/** A clock the test moves by hand; timers fire only when the test says so. */
function manualClock(start: number) {
  const timers = new Map<number, () => void>();
  let next = 1;
  const clock: Clock & { t: number } = {
    t: start,
    now: () => clock.t,
    setTimeout: (fn) => {
      timers.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  /** Fires every pending timer once (the ledger re-arms its own). */
  const fire = async () => {
    const due = [...timers.entries()];
    timers.clear();
    for (const [, fn] of due) fn();
    await new Promise((r) => setImmediate(r));
  };
  return { clock, fire, pending: () => timers.size };
}

let dir: string | undefined;
let serve: ServeProcess | null = null;
afterEach(async () => {
  await serve?.stop('SIGKILL');
  serve = null;
  await removeDir(dir);
  dir = undefined;
});

async function gapsOnDisk(d: string): Promise<Gap[]> {
  return (JSON.parse(await readFile(join(d, GAPS_FILE), 'utf8')) as { gaps: Gap[] }).gaps;
}

describe('gap ledger', () => {
  it('a heartbeat left by a process that did not stop cleanly becomes a stopped gap, kept on disk', async () => {
    dir = await makeTempDir();
    await writeFile(join(dir, HEARTBEAT_FILE), JSON.stringify({ at: new Date(T0).toISOString(), pid: 1 }));
    const { clock } = manualClock(T0 + 10 * 60_000);
    const ledger = createGapLedger({ dataDir: dir, clock, logger: memoryLogger(), sources: () => sources });
    await ledger.start();
    await ledger.stop();
    const [gap] = await gapsOnDisk(dir);
    expect(gap).toMatchObject({ cause: 'stopped', from: '2026-11-30T04:00:00.000Z', to: '2026-11-30T04:10:00.000Z' });
    expect(gap!.sources.map((s) => s.id)).toEqual(['shop', 'woo']);
    expect(gap!.sources[0]!.recovery).toContain('keeps retrying');
    expect(gap!.sources[1]!.recovery).toContain('Active');
    // The clean stop's heartbeat is marked so; a quick clean restart is not a gap.
    expect(JSON.parse(await readFile(join(dir, HEARTBEAT_FILE), 'utf8'))).toMatchObject({ clean: true });
    const again = createGapLedger({ dataDir: dir, clock, logger: memoryLogger(), sources: () => sources });
    await again.start();
    await again.stop();
    expect(again.list()).toHaveLength(1);
  });

  it('a heartbeat tick that comes 10 minutes late (the computer slept) becomes an asleep gap; one on time does not', async () => {
    dir = await makeTempDir();
    const { clock, fire, pending } = manualClock(T0);
    const woke: number[] = [];
    const ledger = createGapLedger({
      dataDir: dir,
      clock,
      logger: memoryLogger(),
      sources: () => sources,
      heartbeatMs: 30_000,
      onWake: () => woke.push(clock.now()),
    });
    await ledger.start();
    expect(pending()).toBe(1);
    clock.t += 30_000;
    await ledger.tick();
    expect(ledger.list()).toEqual([]);
    clock.t += 10 * 60_000; // the wall clock jumped: the timer could not fire while asleep
    await fire();
    await ledger.stop();
    const gaps = await gapsOnDisk(dir);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      cause: 'asleep',
      from: new Date(T0 + 60_000).toISOString(),
      to: new Date(T0 + 30_000 + 10 * 60_000).toISOString(),
    });
    expect(woke).toEqual([T0 + 30_000 + 10 * 60_000]);
  });

  it('a gap left open by a process that died ends at its last heartbeat', async () => {
    dir = await makeTempDir();
    const { clock } = manualClock(T0);
    const first = createGapLedger({ dataDir: dir, clock, logger: memoryLogger(), sources: () => sources });
    await first.start();
    first.open('tunnel-down', T0);
    // No stop(): the process was killed. A tick waits for the ledger's pending write.
    await first.tick();
    expect((await gapsOnDisk(dir))[0]).toMatchObject({ cause: 'tunnel-down', to: null });
    clock.t = T0 + 3_600_000;
    const second = createGapLedger({ dataDir: dir, clock, logger: memoryLogger(), sources: () => sources });
    await second.start();
    await second.stop();
    const causes = second.list().map((g) => [g.cause, g.from, g.to]);
    expect(causes).toEqual([
      ['stopped', new Date(T0).toISOString(), new Date(T0 + 3_600_000).toISOString()],
      ['tunnel-down', new Date(T0).toISOString(), new Date(T0).toISOString()],
    ]);
  });
});

describe('hookdock serve killed with -9', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('shows a stopped gap in GET /api/gaps after the restart', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ sources: [{ id: 'shop', provider: 'shopify', secret: 'x' }], tunnel: { provider: 'none' } }),
    );
    serve = await startServe(dir);
    const beat = JSON.parse(await readFile(join(dir, HEARTBEAT_FILE), 'utf8')) as { at: string };
    expect(await serve.stop('SIGKILL')).toBe('SIGKILL');
    serve = await startServe(dir);
    const { status, body } = await dashboardApi<{ items: Gap[] }>(serve, '/api/gaps');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ cause: 'stopped', from: beat.at });
    expect(Date.parse(body.items[0]!.to!)).toBeGreaterThan(Date.parse(beat.at));
    expect(body.items[0]!.sources).toEqual([
      expect.objectContaining({ id: 'shop', provider: 'shopify', providerPolicy: expect.stringContaining('8 times') }),
    ]);
  }, 120_000);

  it('--exit-when-unreachable takes minutes (fractions allowed); anything else is one clear line and exit 2', async () => {
    dir = await makeTempDir();
    const r = await runCli(serveArgs(dir, ['--exit-when-unreachable', 'soon']).slice(1));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'hookdock: --exit-when-unreachable must be a number of minutes (such as 10 or 0.5), not "soon".\n',
    );
  }, 60_000);
});
