// Loops between the outbox and a Hookdock receiver (util/loop-guard.ts), with real
// engines on port 0, real scripts and real HTTP: a destination that is this Hookdock's
// own receiver (directly or through a forwarding proxy standing in for the tunnel),
// and A -> B -> A between two installs. Each loop ends after one refused request:
// the delivery fails (508, not retried, saying why) and the feed shows it rejected.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, HookEvent } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { installIdFor, loopDeliveryError, MAX_HOPS, TRAIL_HEADER } from '../../electron/engine/util/loop-guard';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const SECRET = 'whsec_' + Buffer.from('loop-destination-secret-0123').toString('base64');
// Sends one webhook to the destination named in argv[2].
const FORWARD = `console.log(JSON.stringify({ send: { destination: process.argv[2], type: 'echo', data: { n: 1 } } }));`;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** An engine whose every event on source "open" is sent on to destination `to`. */
async function install(to: string): Promise<{ engine: Engine; dir: string; id: () => string }> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  await writeFile(join(dir, 'forward.mjs'), FORWARD);
  const config = {
    sources: [{ id: 'open', provider: 'none' }],
    automations: [
      {
        id: 'fwd',
        source: 'open',
        events: ['*'],
        run: { command: join(dir, 'forward.mjs'), args: [to], timeoutSeconds: 20 },
      },
    ],
    tunnel: { provider: 'none' },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  const engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  await engine.start();
  cleanups.push(() => engine.stop());
  return { engine, dir, id: () => installIdFor(dir) };
}

/** Adds a destination by editing config.json by hand, as an owner would; resolves once it is picked up. */
async function addDestination(engine: Engine, dir: string, id: string, url: string): Promise<void> {
  const file = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.destinations = [
    ...(config.destinations ?? []),
    { id, url, secret: SECRET, retry: { schedule: [20, 20, 20] } },
  ];
  await writeFile(file, JSON.stringify(config));
  await waitFor(() => engine.config.current().destinations.some((d) => d.id === id), 10_000, `destination ${id}`);
}

async function post(engine: Engine, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${engine.receiverUrl()}/hooks/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ hello: Math.random() }),
  });
}

async function settledDelivery(engine: Engine): Promise<Delivery> {
  return waitFor(
    async () => {
      const d = (await engine.handlers.listOutbox({ limit: 10 })).items[0];
      return d && (d.status === 'failed' || d.status === 'delivered') ? d : undefined;
    },
    20_000,
    'the delivery to settle',
  );
}

const allEvents = async (engine: Engine): Promise<HookEvent[]> => {
  const page = await engine.handlers.listEvents({ limit: 100 });
  return Promise.all(page.items.map((e) => engine.handlers.getEvent({ id: e.id })));
};

/** A plain forwarding proxy: what a tunnel does between the public URL and the receiver. */
async function proxyTo(target: string): Promise<string> {
  const up = new URL(target);
  const server: Server = createServer((req, res) => {
    const out = request(
      { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(out);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  cleanups.push(
    () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each([
  ['directly', false],
  ['through a forwarding proxy (as through the tunnel URL)', true],
])('a destination that is this Hookdock’s own receiver, reached %s', (_how, viaProxy) => {
  it('refuses the loop at the first bounce: the delivery fails once with a clear error, the feed shows it rejected', async () => {
    const a = await install('self');
    const base = viaProxy ? await proxyTo(a.engine.receiverUrl()) : a.engine.receiverUrl();
    await addDestination(a.engine, a.dir, 'self', `${base}/hooks/open`);
    expect((await post(a.engine)).status).toBe(200);

    const d = await settledDelivery(a.engine);
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(1); // not retried
    expect(d.attempts[0]).toMatchObject({ statusCode: 508, error: loopDeliveryError('self') });
    expect(d.attempts[0].error).toMatch(/this Hookdock's own receiver/);

    const events = await allEvents(a.engine);
    expect(events.map((e) => e.status).sort()).toEqual(['done', 'rejected']);
    const bounced = events.find((e) => e.status === 'rejected')!;
    expect(bounced.verification.reason).toMatch(/^This request was sent by this Hookdock's own outbox/);
    expect(bounced.headers[TRAIL_HEADER]).toBe(a.id());
    expect(bounced.runs).toEqual([]);
  });
});

describe('a 508 from a destination that is not Hookdock', () => {
  it('is final too: failed after one attempt, with a sentence saying what to check', async () => {
    const a = await install('plain');
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(508);
        res.end('loop');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    cleanups.push(() => new Promise<void>((ok) => server.close(() => ok())));
    await addDestination(a.engine, a.dir, 'plain', `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    expect((await post(a.engine)).status).toBe(200);
    const d = await settledDelivery(a.engine);
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ statusCode: 508, error: loopDeliveryError(null) });
  });
});

describe('loops between installs', () => {
  it('A -> B -> A: A refuses its own webhook coming back; B’s delivery fails saying so; nothing loops', async () => {
    const a = await install('toB');
    const b = await install('toA');
    await addDestination(a.engine, a.dir, 'toB', `${b.engine.receiverUrl()}/hooks/open`);
    await addDestination(b.engine, b.dir, 'toA', `${a.engine.receiverUrl()}/hooks/open`);
    expect(a.id()).not.toBe(b.id());
    // Kept in the data folder: the same id after a restart.
    expect(readFileSync(join(a.dir, 'install-id'), 'utf8').trim()).toBe(a.id());
    expect((await post(a.engine)).status).toBe(200);

    const fromB = await settledDelivery(b.engine);
    expect(fromB.status).toBe('failed');
    expect(fromB.attempts).toHaveLength(1);
    expect(fromB.attempts[0]).toMatchObject({ statusCode: 508, error: loopDeliveryError('chain') });
    expect((await settledDelivery(a.engine)).status).toBe('delivered');

    const atB = await allEvents(b.engine);
    expect(atB).toHaveLength(1);
    expect(atB[0].headers[TRAIL_HEADER]).toBe(a.id());
    const atA = await allEvents(a.engine);
    expect(atA.map((e) => e.status).sort()).toEqual(['done', 'rejected']);
    const back = atA.find((e) => e.status === 'rejected')!;
    expect(back.headers[TRAIL_HEADER]).toBe(`${a.id()},${b.id()}`);
    expect(back.verification.reason).toMatch(/came back through 1 other Hookdock install/);
  });

  it('a webhook relayed by other installs is accepted; one that passed through too many is refused (508, hops)', async () => {
    const a = await install('nowhere');
    const other = (n: number) => Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(32, '0')).join(',');
    const relayed = await post(a.engine, { [TRAIL_HEADER]: other(MAX_HOPS - 1) });
    expect(relayed.status).toBe(200);
    const tooFar = await post(a.engine, { [TRAIL_HEADER]: other(MAX_HOPS) });
    expect(tooFar.status).toBe(508);
    expect(tooFar.headers.get('hookdock-loop')).toBe('hops');
    expect((await tooFar.json()).error.code).toBe('loop_detected');
    // Not a Hookdock trail at all: an ordinary request.
    expect((await post(a.engine, { [TRAIL_HEADER]: 'hello, world' })).status).toBe(200);
  });
});
