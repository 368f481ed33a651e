// The tunnel service: with the real @ngrok/ngrok SDK against endpoints that
// fail in the ways the internet does (refused, never answering), and with a
// fake ngrok module standing in for the ngrok cloud.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type Config, type ConfigInput } from '../../shared/config';
import type { PushEvents } from '../../shared/events';
import type { TunnelStatus } from '../../shared/types';
import { createTunnel, planTunnel } from '../../electron/engine/tunnel';
import { NEED_AUTHTOKEN } from '../../electron/engine/tunnel/service';
import { NO_INTERNET, TIMEOUT_MESSAGE } from '../../electron/engine/tunnel/errors';
import type { NgrokLike } from '../../electron/engine/tunnel/ngrokAdapter';
import type { TunnelService } from '../../electron/engine/types';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';

const RECEIVER_PORT = 48787;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function record(bus: Bus) {
  const changes: TunnelStatus[] = [];
  const urls: PushEvents['tunnel.urlChanged'][] = [];
  bus.on('tunnel.changed', (s) => changes.push(s));
  bus.on('tunnel.urlChanged', (u) => urls.push(u));
  return { changes, urls };
}

function make(input: ConfigInput, o: Partial<Parameters<typeof createTunnel>[0]> = {}) {
  let config: Config = configSchema.parse(input);
  const bus = createBus();
  const seen = record(bus);
  const logger = memoryLogger();
  const tunnel = createTunnel({
    bus,
    logger,
    receiverPort: () => RECEIVER_PORT,
    getConfig: () => config,
    random: () => 0.5,
    initialDelayMs: 200,
    maxDelayMs: 400,
    ...o,
  });
  cleanups.push(() => tunnel.stop());
  const setConfig = (next: ConfigInput) => {
    config = configSchema.parse(next);
    bus.emit('config.changed', { error: null });
  };
  return { tunnel, bus, logger, ...seen, setConfig };
}

async function timedStop(tunnel: TunnelService): Promise<number> {
  const t0 = Date.now();
  await tunnel.stop();
  return Date.now() - t0;
}

describe('tunnel with the real SDK and no reachable ngrok cloud', () => {
  it('a bogus authtoken against an unreachable server_addr: reconnecting with a reason, retrying, stops promptly', async () => {
    const t = make(
      { tunnel: { provider: 'ngrok', authtoken: 'bogus_authtoken_xyz', domain: null } },
      { serverAddr: '127.0.0.1:1' },
    );
    const t0 = Date.now();
    t.tunnel.start();
    expect(Date.now() - t0).toBeLessThan(100); // start never blocks
    await until(() => t.tunnel.status().state === 'reconnecting');
    expect(t.tunnel.status()).toMatchObject({ provider: 'ngrok', error: NO_INTERNET, url: null });
    expect(t.tunnel.publicUrl()).toBeNull();
    // It keeps trying (backoff 100-200 ms here); each failure is still reported.
    await until(
      () => t.changes.filter((s) => s.state === 'reconnecting').length >= 1 && t.changes[0].state === 'connecting',
    );
    expect(await timedStop(t.tunnel)).toBeLessThan(1000);
    expect(t.tunnel.status().state).toBe('off');
    expect(t.changes.at(-1)?.state).toBe('off');
  });

  it('a server that accepts TCP and never speaks: our timeout fires, reconnecting, and stop still completes fast', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      sockets.forEach((s) => s.destroy()); // lets the SDK's abandoned attempts fail and finish
      await new Promise((r) => silent.close(r));
    });
    const port = (silent.address() as net.AddressInfo).port;
    const t = make(
      { tunnel: { provider: 'ngrok', authtoken: 'bogus_authtoken_xyz', domain: null } },
      { serverAddr: `127.0.0.1:${port}`, connectTimeoutMs: 800 },
    );
    t.tunnel.start();
    await until(() => sockets.length >= 1, 3000);
    expect(t.tunnel.status().state).toBe('connecting');
    await until(() => t.tunnel.status().state === 'reconnecting', 3000);
    expect(t.tunnel.status().error).toBe(TIMEOUT_MESSAGE);
    // It keeps retrying (waiting on the hung connect again: the SDK queues new ones behind it).
    await until(() => t.logger.lines.filter((l) => l.includes('did not connect in time')).length >= 2, 4000);
    expect(t.tunnel.status().state).toBe('reconnecting');
    const took = await timedStop(t.tunnel);
    expect(took).toBeLessThan(5000);
    expect(took).toBeLessThan(500);
    expect(t.tunnel.status().state).toBe('off');
  });
});

/** A stand-in for the ngrok cloud, with the SDK's SessionBuilder shape. */
function fakeNgrok(urls: string[]) {
  const log = { forwards: [] as string[], domains: [] as string[], authtokens: [] as string[], closed: 0 };
  const sessions: { disconnect(err: string): void; heartbeat(): void; setUrl(u: string): void }[] = [];
  class SessionBuilder {
    private onDisc: (addr: string, err: string) => boolean = () => true;
    private onBeat: (latency: number) => void = () => undefined;
    authtoken(t: string) {
      log.authtokens.push(t);
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
    handleHeartbeat(h: (latency: number) => void) {
      this.onBeat = h;
      return this;
    }
    async connect() {
      let url = urls.shift() ?? 'https://fallback.ngrok.app';
      const { onDisc, onBeat } = this;
      sessions.push({
        disconnect: (err) => onDisc('connect.ngrok-agent.com:443', err),
        heartbeat: () => onBeat(12),
        setUrl: (u) => (url = u),
      });
      const endpoint = {
        domain(d: string) {
          log.domains.push(d);
          url = `https://${d}`;
          return endpoint;
        },
        async listenAndForward(to: string) {
          log.forwards.push(to);
          return { url: () => url, close: async () => void log.closed++ };
        },
      };
      return { httpEndpoint: () => endpoint, close: async () => undefined };
    }
  }
  return { ngrok: { SessionBuilder } as unknown as NgrokLike, log, sessions };
}

describe('tunnel with a fake ngrok cloud', () => {
  it('online with the URL, forwarding the receiver port and never the dashboard', async () => {
    const fake = fakeNgrok(['https://one.ngrok.app']);
    const t = make({ tunnel: { provider: 'ngrok', authtoken: 'tok_config_1', domain: null } }, { ngrok: fake.ngrok });
    t.tunnel.start();
    await until(() => t.tunnel.status().state === 'online');
    expect(t.tunnel.status()).toMatchObject({ provider: 'ngrok', url: 'https://one.ngrok.app', error: null });
    expect(t.tunnel.publicUrl()).toBe('https://one.ngrok.app');
    expect(fake.log.forwards).toEqual([`http://127.0.0.1:${RECEIVER_PORT}`]);
    expect(fake.log.forwards.join()).not.toContain('8788');
    expect(fake.log.authtokens).toEqual(['tok_config_1']);
    expect(t.changes.map((s) => s.state)).toEqual(['connecting', 'online']);
    await until(() => t.urls.length === 1);
    expect(t.urls[0]).toEqual({ previous: null, url: 'https://one.ngrok.app' });
    await t.tunnel.stop();
    expect(fake.log.closed).toBe(1);
  });

  it('drop -> reconnecting -> online again, as the SDK reports it', async () => {
    const fake = fakeNgrok(['https://two.ngrok.app']);
    const t = make({ tunnel: { provider: 'ngrok', authtoken: 'tok_config_1', domain: null } }, { ngrok: fake.ngrok });
    t.tunnel.start();
    await until(() => t.tunnel.status().state === 'online');
    fake.sessions[0].disconnect('failed to establish tcp connection');
    expect(t.tunnel.status()).toMatchObject({ state: 'reconnecting', error: NO_INTERNET });
    fake.sessions[0].heartbeat();
    expect(t.tunnel.status()).toMatchObject({ state: 'online', url: 'https://two.ngrok.app', error: null });
    expect(t.changes.map((s) => s.state)).toEqual(['connecting', 'online', 'reconnecting', 'online']);
  });

  it('says loudly when the URL changes: after a reconnect, and after a domain change in the config', async () => {
    const fake = fakeNgrok(['https://three.ngrok.app']);
    const t = make({ tunnel: { provider: 'ngrok', authtoken: 'tok_config_1', domain: null } }, { ngrok: fake.ngrok });
    t.tunnel.start();
    await until(() => t.urls.length === 1);
    fake.sessions[0].disconnect('connection reset');
    fake.sessions[0].setUrl('https://three-b.ngrok.app');
    fake.sessions[0].heartbeat();
    await until(() => t.urls.length === 2);
    expect(t.urls[1]).toEqual({ previous: 'https://three.ngrok.app', url: 'https://three-b.ngrok.app' });
    t.setConfig({ tunnel: { provider: 'ngrok', authtoken: 'tok_config_1', domain: 'shop.example.com' } });
    await until(() => t.urls.length === 3);
    expect(t.urls[2]).toEqual({ previous: 'https://three-b.ngrok.app', url: 'https://shop.example.com' });
    expect(fake.log.domains).toEqual(['shop.example.com']);
    expect(t.tunnel.status()).toMatchObject({ state: 'online', url: 'https://shop.example.com' });
  });

  it('announces a URL that differs from the last run, and not one that stayed the same', async () => {
    const dataDir = await mkdtemp(join(os.tmpdir(), 'hookdock-tunnel-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const cfg = { tunnel: { provider: 'ngrok' as const, authtoken: 'tok_config_1', domain: null } };
    const run = async (url: string) => {
      const t = make(cfg, { ngrok: fakeNgrok([url]).ngrok, dataDir });
      t.tunnel.start();
      await until(() => t.tunnel.status().state === 'online');
      await t.tunnel.stop(); // lets the comparison with the last run's URL, and its save, finish
      return t.urls;
    };
    expect(await run('https://a.ngrok.app')).toEqual([{ previous: null, url: 'https://a.ngrok.app' }]);
    expect(await run('https://a.ngrok.app')).toEqual([]);
    expect(await run('https://b.ngrok.app')).toEqual([{ previous: 'https://a.ngrok.app', url: 'https://b.ngrok.app' }]);
  });

  it('keeps an unreadable tunnel-state.json in quarantine before saving over it', async () => {
    const dataDir = await mkdtemp(join(os.tmpdir(), 'hookdock-tunnel-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await writeFile(join(dataDir, 'tunnel-state.json'), '{"lastUrl": "https://a.ngr');
    const cfg = { tunnel: { provider: 'ngrok' as const, authtoken: 'tok_config_1', domain: null } };
    const t = make(cfg, { ngrok: fakeNgrok(['https://c.ngrok.app']).ngrok, dataDir });
    t.tunnel.start();
    await until(() => t.tunnel.status().state === 'online');
    await t.tunnel.stop();
    expect(t.urls).toEqual([{ previous: null, url: 'https://c.ngrok.app' }]);
    const kept = (await readdir(join(dataDir, 'quarantine'))).filter((n) => n.endsWith('-tunnel-state.json'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dataDir, 'quarantine', kept[0]), 'utf8')).toBe('{"lastUrl": "https://a.ngr');
    expect(JSON.parse(await readFile(join(dataDir, 'tunnel-state.json'), 'utf8'))).toEqual({
      lastUrl: 'https://c.ngrok.app',
    });
  });

  it('restarts when the authtoken or provider changes, and goes off for none', async () => {
    const fake = fakeNgrok(['https://four.ngrok.app', 'https://five.ngrok.app']);
    const t = make({ tunnel: { provider: 'ngrok', authtoken: null, domain: null } }, { ngrok: fake.ngrok });
    t.tunnel.start();
    expect(t.tunnel.status()).toMatchObject({ state: 'off', provider: 'none' }); // no authtoken: none by default
    t.setConfig({ tunnel: { provider: 'ngrok', authtoken: 'tok_from_ui_1', domain: null } });
    await until(() => t.tunnel.status().state === 'online');
    expect(fake.log.authtokens).toEqual(['tok_from_ui_1']);
    t.setConfig({ tunnel: { provider: 'ngrok', authtoken: 'tok_from_ui_1', domain: null } }); // no change: no restart
    t.setConfig({ tunnel: { provider: 'none', authtoken: 'tok_from_ui_1', domain: null } });
    expect(t.tunnel.status()).toMatchObject({ state: 'off', provider: 'none', url: null });
    expect(t.tunnel.publicUrl()).toBeNull();
    expect(fake.log.closed).toBe(1);
    expect(fake.log.authtokens).toHaveLength(1);
  });

  it('uses NGROK_AUTHTOKEN when the config has none; --tunnel ngrok without any authtoken is an error to fix', async () => {
    const fake = fakeNgrok(['https://six.ngrok.app']);
    const env = make({}, { ngrok: fake.ngrok, envAuthtoken: 'tok_env_123' });
    env.tunnel.start();
    await until(() => env.tunnel.status().state === 'online');
    expect(fake.log.authtokens).toEqual(['tok_env_123']);
    const none = make({}, { ngrok: fake.ngrok, override: 'ngrok' });
    none.tunnel.start();
    expect(none.tunnel.status()).toMatchObject({ state: 'error', provider: 'ngrok', error: NEED_AUTHTOKEN });
  });

  it('--tunnel none wins over a configured authtoken', () => {
    const config = configSchema.parse({
      tunnel: { provider: 'ngrok', authtoken: 'tok_cfg_1', domain: 'x.example.com' },
    });
    const base = { addr: 'http://127.0.0.1:1', serverAddr: null };
    expect(planTunnel(config, { ...base, override: 'none' })).toEqual({
      provider: 'none',
      target: null,
      problem: null,
    });
    expect(planTunnel(config, base).target).toMatchObject({ authtoken: 'tok_cfg_1', domain: 'x.example.com' });
    expect(planTunnel(config, { ...base, envAuthtoken: 'tok_env_1' }).target?.authtoken).toBe('tok_cfg_1');
  });
});
