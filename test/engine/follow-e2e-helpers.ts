// Two real `hookdock serve` processes over loopback (issue #15): a server with a follow
// port, a follower started with --follow <pairing link> whose csv automation appends one
// row per event it runs. Fixed ports for the server, so it can be killed and started again
// at the same address; the follower may reach it through a cuttable TCP proxy.
import { writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FollowStatus } from '../../shared/follow';
import type { EventSummary, HookEvent, Page, Status } from '../../shared/types';
import { dashboardApi, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';

export { ensureBuilt };

/** A port free right now (bound and released), for a process that must keep its address across restarts. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

export interface ServerSide {
  dir: string;
  port: number;
  followPort: number;
  proc: ServeProcess;
}

export async function writeServerConfig(dir: string): Promise<void> {
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ tunnel: { provider: 'none' }, sources: [{ id: 'shop', provider: 'none', name: 'My shop' }] }),
  );
}

export async function writeFollowerConfig(dir: string): Promise<void> {
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      tunnel: { provider: 'none' },
      automations: [
        {
          id: 'log-orders',
          source: 'shop',
          events: ['*'],
          action: { kind: 'csv', file: join(dir, 'orders.csv'), columns: [{ name: 'Event', value: '{{ id }}' }] },
        },
      ],
    }),
  );
}

export async function startServer(s: Omit<ServerSide, 'proc'>): Promise<ServerSide> {
  const proc = await startServe(s.dir, {
    args: ['--port', String(s.port), '--follow-port', String(s.followPort)],
    timeoutMs: 60_000,
  });
  return { ...s, proc };
}

/** A new follower on the server: its one-time pairing link. */
export async function pairingLink(server: ServeProcess, name = 'Laptop'): Promise<string> {
  const res = await dashboardApi<{ pairingLink: string }>(server, '/api/followers', {
    method: 'POST',
    body: JSON.stringify({ name }),
  });
  if (res.status !== 200) throw new Error(`POST /api/followers answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.pairingLink;
}

export function startFollower(dir: string, link: string): Promise<ServeProcess> {
  return startServe(dir, { args: ['--follow', link], timeoutMs: 60_000 });
}

/** Sends one webhook to the server's receiver; the event id when it answered 200 (acknowledged), else null. */
export async function post(receiverUrl: string, n: number, tag: string): Promise<string | null> {
  try {
    const res = await fetch(`${receiverUrl}/hooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-event': 'orders/create' },
      body: JSON.stringify({ id: `${tag}-${n}`, total: n }),
    });
    const body = (await res.json().catch(() => null)) as { id?: string } | null;
    return res.status === 200 && body?.id ? body.id : null;
  } catch {
    return null; // the server is down or was killed mid-request: not acknowledged
  }
}

/** Every event id a serve process has stored. */
export async function eventIds(proc: Pick<ServeProcess, 'dashboardBase' | 'token'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/api/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await dashboardApi<Page<EventSummary>>(proc, q);
    ids.push(...res.body.items.map((e) => e.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

/** How many runs each event has on this process (for "runs once"). */
export async function runsPerEvent(proc: ServeProcess, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const id of ids) {
    const res = await dashboardApi<HookEvent>(proc, `/api/events/${encodeURIComponent(id)}`);
    out.set(id, res.body.runs.filter((r) => r.reason !== 'test').length);
  }
  return out;
}

export async function csvRows(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'orders.csv'), 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[0]!);
}

export async function followStatus(proc: ServeProcess): Promise<FollowStatus | null> {
  return (await dashboardApi<Status>(proc, '/api/status')).body.follow ?? null;
}

/** Polls (a condition across two processes has no single event to await) until `check` holds. */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function until<T>(check: () => Promise<T>, everyMs = 100): Promise<Truthy<T>> {
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v as Truthy<T>;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the follower holds every event the server holds, and its csv has a row for each. */
export async function caughtUp(server: ServeProcess, follower: ServeProcess, followerDir: string) {
  return until(async () => {
    const [onServer, onFollower, rows] = await Promise.all([
      eventIds(server),
      eventIds(follower),
      csvRows(followerDir),
    ]);
    const have = new Set(onFollower);
    const rowSet = new Set(rows);
    return onServer.every((id) => have.has(id) && rowSet.has(id)) && { onServer, onFollower, rows };
  }, 200);
}

export interface Tally {
  sent: number;
  acked: string[];
  /** Webhooks the server did not acknowledge at first (it was down), sent again after its restart. */
  resent?: number;
}

/** Final check of the invariants; returns the figures to print. */
export async function verify(server: ServeProcess, follower: ServeProcess, followerDir: string, tally: Tally) {
  const { onServer, onFollower, rows } = await caughtUp(server, follower, followerDir);
  const runs = await runsPerEvent(follower, onFollower);
  const figures = {
    sent: tally.sent,
    resentAfterServerRestart: tally.resent ?? 0,
    ackedByServer: tally.acked.length,
    storedOnServer: onServer.length,
    storedOnFollower: onFollower.length,
    distinctOnFollower: new Set(onFollower).size,
    runsOnFollower: [...runs.values()].reduce((a, b) => a + b, 0),
    eventsRunOnce: [...runs.values()].filter((n) => n === 1).length,
    csvRows: rows.length,
    csvDistinct: new Set(rows).size,
  };
  return { figures, onServer, onFollower, rows, runs };
}

/** What one test file starts: serve processes and their temp folders, all cleaned up after its tests. */
export interface FollowRun {
  /** Two new temp folders, a server's and a follower's, with their config.json written. */
  folders(): Promise<{ serverDir: string; followerDir: string }>;
  /** `startServer`, the process kept to stop after the tests. */
  server(s: Omit<ServerSide, 'proc'>): Promise<ServerSide>;
  /** `startFollower` (its pairing `link`, the server's follow URL with a one-time code), kept likewise. */
  follower(dir: string, link: string): Promise<ServeProcess>;
}

/**
 * Call at the top of a test file: builds dist/ before its tests (up to 300 s) and, after them,
 * kills every serve process started through the run (SIGCONT first, so one left stopped by SIGSTOP
 * dies too; then SIGKILL) and removes every folder it made.
 */
export function followRun(): FollowRun {
  const dirs: string[] = [];
  const procs: ServeProcess[] = [];
  beforeAll(async () => {
    await ensureBuilt();
  }, 300_000);
  afterAll(async () => {
    for (const p of procs) {
      p.proc.kill('SIGCONT');
      await p.stop('SIGKILL').catch(() => undefined);
    }
    for (const d of dirs) await removeDir(d);
  });
  return {
    async folders() {
      const serverDir = await makeTempDir('hookdock-follow-srv-');
      const followerDir = await makeTempDir('hookdock-follow-fol-');
      dirs.push(serverDir, followerDir);
      await writeServerConfig(serverDir);
      await writeFollowerConfig(followerDir);
      return { serverDir, followerDir };
    },
    async server(s) {
      const server = await startServer(s);
      procs.push(server.proc);
      return server;
    },
    async follower(dir, link) {
      const follower = await startFollower(dir, link);
      procs.push(follower);
      return follower;
    },
  };
}

/**
 * The closing checks on what `verify` returned, for the events `tally` counted: every acknowledged
 * event id is on the follower, once; the follower holds the same ids as `onServer`; each event ran
 * once there (`runs`: event id to runs) and wrote one csv row (`rows`: the event ids in orders.csv).
 */
export function expectFollowerHasEachOnce(
  tally: Tally,
  v: { onServer: Iterable<string>; onFollower: string[]; rows: string[]; runs: Map<string, number> },
): void {
  const onFollowerSet = new Set(v.onFollower);
  expect(tally.acked.filter((id) => !onFollowerSet.has(id))).toEqual([]);
  expect(v.onFollower).toHaveLength(onFollowerSet.size);
  expect([...onFollowerSet].sort()).toEqual([...v.onServer].sort());
  expect([...v.runs.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  expect(v.rows).toHaveLength(new Set(v.rows).size);
  expect(new Set(v.rows)).toEqual(onFollowerSet);
}
