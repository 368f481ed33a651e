// Reachability through a fake tunnel: the ngrok module is faked (the ngrok cloud is
// not reachable here) and hands out the URL of a real TCP forwarder on port 0,
// which pipes to the real receiver or drops every connection. The probe goes
// through real HTTP both ways.
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvents } from '../../shared/events';
import { createEngine } from '../../electron/engine/engine';
import type { NgrokLike } from '../../electron/engine/tunnel/ngrokAdapter';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

/** A TCP forwarder standing in for the tunnel's far end: forwards to the receiver, or drops. */
async function forwarder(target: () => number) {
  let dropping = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    if (dropping) return void client.destroy();
    const upstream = net.connect(target(), '127.0.0.1');
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    drop() {
      dropping = true;
      for (const s of open) s.destroy(); // pooled keep-alive connections too
    },
    forward() {
      dropping = false;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The SDK's SessionBuilder shape, connecting to nothing: the listener's URL is the forwarder's. */
function fakeNgrok(url: string) {
  const sessions: { disconnect(err: string): void }[] = [];
  class SessionBuilder {
    private onDisc: (addr: string, err: string) => boolean = () => true;
    authtoken() {
      return this;
    }
    serverAddr() {
      return this;
    }
    clientInfo() {
      return this;
    }
    handleDisconnection(h: (addr: string, err: string) => boolean) {
      this.onDisc = h;
      return this;
    }
    handleHeartbeat() {
      return this;
    }
    async connect() {
      const onDisc = this.onDisc;
      sessions.push({ disconnect: (err) => onDisc('connect.ngrok-agent.com:443', err) });
      const endpoint = {
        domain: () => endpoint,
        listenAndForward: async () => ({ url: () => url, close: async () => undefined }),
      };
      return { httpEndpoint: () => endpoint, close: async () => undefined };
    }
  }
  return { ngrok: { SessionBuilder } as unknown as NgrokLike, sessions };
}

let dir: string | undefined;
let engine: Engine | null = null;
let fwd: Awaited<ReturnType<typeof forwarder>> | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await fwd?.close();
  fwd = null;
  await removeDir(dir);
});

describe('reachability through a fake tunnel', () => {
  it('forwarding -> reachable; dropping twice -> unreachable with attention, an unreachable gap, and back', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [
          { id: 'shop', provider: 'shopify', secret: 'shh' },
          { id: 'pay', provider: 'stripe', secret: 'whsec_abc' },
        ],
        tunnel: { provider: 'ngrok', authtoken: 'fake-authtoken-123456', domain: null },
      }),
    );
    let port = 0;
    fwd = await forwarder(() => port);
    const fake = fakeNgrok(fwd.url);
    const probed: string[] = [];
    const e = createEngine({
      dataDir: dir,
      port: 0,
      logger: memoryLogger(),
      ngrok: fake.ngrok,
      fetch: (url, init) => {
        probed.push(String(url));
        return fetch(url, init);
      },
      gaps: { probeIntervalMs: 3_600_000, probeRetryMs: 3_600_000, heartbeatMs: 3_600_000 },
    });
    engine = e;
    const seen: PushEvents['reachability.changed'][] = [];
    e.bus.on('reachability.changed', (r) => seen.push(r));
    await e.start();
    port = e.receiverPort();

    // The tunnel coming online (a new public URL) starts a probe by itself.
    await waitFor(() => seen.some((r) => r.state === 'reachable'), 20_000, 'a reachable probe');
    const ok = await e.handlers.getStatus({});
    expect(ok.reachability).toMatchObject({ state: 'reachable', attention: null });
    expect(Date.parse(ok.reachability!.checkedAt!)).not.toBeNaN();

    fwd.drop();
    const first = await e.gaps.checker.probeNow();
    expect(first.state).toBe('reachable'); // one failure may be a blip
    const second = await e.gaps.checker.probeNow();
    expect(second.state).toBe('unreachable');
    expect(second.attention).toMatch(
      /^Shopify and Stripe can't reach Hookdock right now: .*Check this computer's internet/,
    );
    expect(seen.at(-1)).toMatchObject({ state: 'unreachable' });
    expect((await e.handlers.getStatus({})).reachability?.state).toBe('unreachable');
    const open = (await e.handlers.listGaps({})).items[0]!;
    expect(open).toMatchObject({ cause: 'unreachable', to: null });
    expect(open.sources.map((s) => s.id)).toEqual(['shop', 'pay']);

    fwd.forward();
    expect((await e.gaps.checker.probeNow()).state).toBe('reachable');
    const closed = (await e.handlers.listGaps({})).items[0]!;
    expect(closed).toMatchObject({ id: open.id, cause: 'unreachable' });
    expect(closed.to).not.toBeNull();

    // A nonce works once: the same probe sent again (a replay by someone who saw it) is refused.
    expect(probed[0]).toMatch(new RegExp(`^${fwd.url}/hooks/__hookdock_probe/[A-Za-z0-9_-]{43}$`));
    const replayed = await fetch(probed[0]!.replace(fwd.url, e.receiverUrl()), { method: 'POST', body: '{}' });
    expect(replayed.status).toBe(404);

    // Probes are never stored as events.
    expect((await e.handlers.listEvents({ limit: 50 })).items).toEqual([]);
  }, 60_000);

  it('a stranger cannot forge a probe: an unknown nonce is 404 and stores nothing; no public URL is unknown', async () => {
    dir = await makeTempDir();
    await writeFile(join(dir, 'config.json'), JSON.stringify({ sources: [], tunnel: { provider: 'none' } }));
    const e = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger() });
    engine = e;
    await e.start();
    const forged = await fetch(`${e.receiverUrl()}/hooks/__hookdock_probe/${'A'.repeat(43)}`, {
      method: 'POST',
      body: '{}',
    });
    expect(forged.status).toBe(404);
    expect(e.gaps.consumeProbe('A'.repeat(43))).toBe(false);
    // Without a public URL nothing is probed and the state says so.
    expect(await e.gaps.checker.probeNow()).toEqual({ state: 'unknown', checkedAt: null, attention: null });
    expect((await e.handlers.getStatus({})).reachability?.state).toBe('unknown');
    expect((await e.handlers.listEvents({ limit: 50 })).items).toEqual([]);
  });

  it('a network change noticed on a heartbeat tick probes again', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ sources: [], tunnel: { provider: 'ngrok', authtoken: 'fake-authtoken-123456', domain: null } }),
    );
    let port = 0;
    fwd = await forwarder(() => port);
    const fake = fakeNgrok(fwd.url);
    let network = 'wifi-1';
    const probes: string[] = [];
    const e = createEngine({
      dataDir: dir,
      port: 0,
      logger: memoryLogger(),
      ngrok: fake.ngrok,
      fetch: (url, init) => {
        probes.push(String(url));
        return fetch(url, init);
      },
      gaps: {
        probeIntervalMs: 3_600_000,
        probeRetryMs: 3_600_000,
        heartbeatMs: 3_600_000,
        networkSignature: () => network,
      },
    });
    engine = e;
    const seen: string[] = [];
    e.bus.on('reachability.changed', (r) => seen.push(r.checkedAt ?? ''));
    await e.start();
    port = e.receiverPort();
    await waitFor(() => seen.length >= 1, 20_000, 'the first probe');
    const before = probes.length;
    network = 'phone-hotspot';
    await e.gaps.ledger.tick();
    await waitFor(() => probes.length === before + 1, 20_000, 'a probe after the network change');
  });

  it('the tunnel dropping opens a tunnel-down gap', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [{ id: 'code', provider: 'github', secret: 'shh' }],
        tunnel: { provider: 'ngrok', authtoken: 'fake-authtoken-123456', domain: null },
      }),
    );
    fwd = await forwarder(() => 1);
    const fake = fakeNgrok(fwd.url);
    const e = createEngine({ dataDir: dir, port: 0, logger: memoryLogger(), ngrok: fake.ngrok });
    engine = e;
    await e.start();
    await waitFor(
      () => fake.sessions.length === 1 && e.handlers.getStatus({}).then((s) => s.tunnel.state === 'online'),
    );
    fake.sessions[0]!.disconnect('connection reset by peer');
    const gap = await waitFor(async () => (await e.handlers.listGaps({})).items.find((g) => g.cause === 'tunnel-down'));
    expect(gap.to).toBeNull();
    expect(gap.sources[0]).toMatchObject({ id: 'code', provider: 'github' });
    expect(gap.sources[0]!.recovery).toContain('Redeliver');
  });

  it('a tunnel that never came online (a wrong authtoken) is an error to fix, not a gap', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ sources: [], tunnel: { provider: 'ngrok', authtoken: 'wrong-authtoken-123456', domain: null } }),
    );
    const failing = fakeNgrok('https://never.ngrok.app');
    (
      failing.ngrok as unknown as { SessionBuilder: { prototype: { connect(): Promise<never> } } }
    ).SessionBuilder.prototype.connect = async () => {
      throw Object.assign(new Error('authentication failed'), { errorCode: 'ERR_NGROK_105' });
    };
    const e = createEngine({ dataDir: dir, port: 0, logger: memoryLogger(), ngrok: failing.ngrok });
    engine = e;
    await e.start();
    await waitFor(async () => (await e.handlers.getStatus({})).tunnel.state === 'error', 20_000, 'the tunnel error');
    expect((await e.handlers.listGaps({})).items).toEqual([]);
  });
});
