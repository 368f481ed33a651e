// The tunnel state machine, driven step by step with a fake clock and a fake
// connector (the ngrok cloud is the one thing we fake).
import { describe, expect, it } from 'vitest';
import type { TunnelStatus } from '../../shared/types';
import { createTunnelMachine, type TunnelTarget } from '../../electron/engine/tunnel/machine';
import type { ConnectRequest, TunnelConnection } from '../../electron/engine/tunnel/ngrokAdapter';
import { describeTunnelError, NO_INTERNET, TIMEOUT_MESSAGE } from '../../electron/engine/tunnel/errors';
import { memoryLogger } from '../../electron/engine/util/logger';
import type { Clock } from '../../electron/engine/util/clock';

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock & { advance(ms: number): Promise<void>; pending(): number } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await flush();
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
      await flush();
    },
    pending: () => timers.size,
  };
  return clock;
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

type Step = { kind: 'ok'; url: string } | { kind: 'fail'; error: unknown } | { kind: 'hang' };

function fakeConnector(steps: Step[]) {
  const requests: ConnectRequest[] = [];
  const closed: string[] = [];
  const hung: ((c: TunnelConnection) => void)[] = [];
  let url = '';
  const connector = (req: ConnectRequest): Promise<TunnelConnection> => {
    requests.push(req);
    const step = steps.shift() ?? { kind: 'hang' };
    const make = (u: string): TunnelConnection => ({
      url: u,
      currentUrl: () => url || u,
      close: async () => void closed.push(u),
    });
    if (step.kind === 'ok') {
      url = '';
      return Promise.resolve(make(step.url));
    }
    if (step.kind === 'fail') return Promise.reject(step.error);
    return new Promise((resolve) => hung.push((c) => resolve(c)));
  };
  return {
    connector,
    requests,
    closed,
    hung,
    make: (u: string) => ({ url: u, currentUrl: () => u, close: async () => void closed.push(u) }),
    setUrl: (u: string) => (url = u),
  };
}

const target: TunnelTarget = { addr: 'http://127.0.0.1:8787', authtoken: 'tok_123456', domain: null, serverAddr: null };

function setup(steps: Step[], extra: { connectTimeoutMs?: number } = {}) {
  const clock = fakeClock();
  const fake = fakeConnector(steps);
  const statuses: TunnelStatus[] = [];
  const urls: { previous: string | null; url: string }[] = [];
  const machine = createTunnelMachine({
    connector: fake.connector,
    clock,
    logger: memoryLogger(),
    random: () => 0.5,
    connectTimeoutMs: extra.connectTimeoutMs ?? 15_000,
    initialDelayMs: 1000,
    maxDelayMs: 8000,
    recoverTimeoutMs: 30_000,
    silentDropMs: 60_000,
    onStatus: (s) => statuses.push(s),
    onUrlChanged: (previous, url) => urls.push({ previous, url }),
  });
  return { clock, fake, statuses, urls, machine, states: () => statuses.map((s) => s.state) };
}

describe('tunnel machine', () => {
  it('goes connecting -> online with the URL, announcing the first URL', async () => {
    const t = setup([{ kind: 'ok', url: 'https://a.ngrok.app' }]);
    t.machine.run(target);
    await t.clock.advance(0);
    expect(t.states()).toEqual(['connecting', 'online']);
    expect(t.machine.status()).toMatchObject({
      state: 'online',
      provider: 'ngrok',
      url: 'https://a.ngrok.app',
      error: null,
    });
    expect(t.machine.publicUrl()).toBe('https://a.ngrok.app');
    expect(t.urls).toEqual([{ previous: null, url: 'https://a.ngrok.app' }]);
    expect(t.fake.requests[0].addr).toBe('http://127.0.0.1:8787');
  });

  it('retries transient failures with growing, jittered backoff, showing the reason', async () => {
    const refused = new Error('failed to connect session: failed to establish tcp connection');
    const t = setup([
      { kind: 'fail', error: refused },
      { kind: 'fail', error: refused },
      { kind: 'ok', url: 'https://b.ngrok.app' },
    ]);
    t.machine.run(target);
    await t.clock.advance(0);
    expect(t.machine.status()).toMatchObject({ state: 'reconnecting', error: NO_INTERNET });
    expect(t.fake.requests).toHaveLength(1);
    await t.clock.advance(749); // first delay: 1000/2 + 0.5*1000/2 = 750
    expect(t.fake.requests).toHaveLength(1);
    await t.clock.advance(1);
    expect(t.fake.requests).toHaveLength(2);
    await t.clock.advance(1499); // second: 2000 -> 1500
    expect(t.fake.requests).toHaveLength(2);
    await t.clock.advance(1);
    expect(t.machine.status()).toMatchObject({ state: 'online', url: 'https://b.ngrok.app', error: null });
  });

  it('stops retrying on a bad authtoken until the settings change', async () => {
    const bad = Object.assign(
      new Error(
        'authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.\n\nERR_NGROK_105',
      ),
      { errorCode: 'ERR_NGROK_105' },
    );
    const t = setup([
      { kind: 'fail', error: bad },
      { kind: 'ok', url: 'https://c.ngrok.app' },
    ]);
    t.machine.run(target);
    await t.clock.advance(0);
    expect(t.machine.status().state).toBe('error');
    expect(t.machine.status().error).toMatch(/did not accept your authtoken/);
    await t.clock.advance(600_000);
    expect(t.fake.requests).toHaveLength(1);
    t.machine.run({ ...target, authtoken: 'tok_good_1' });
    await t.clock.advance(0);
    expect(t.machine.status().state).toBe('online');
  });

  it('times out a hung connect, keeps waiting on it (the SDK queues new ones behind it), and uses it if it comes', async () => {
    const t = setup([{ kind: 'hang' }, { kind: 'ok', url: 'https://unused.ngrok.app' }], { connectTimeoutMs: 5000 });
    t.machine.run(target);
    await t.clock.advance(4999);
    expect(t.machine.status().state).toBe('connecting');
    await t.clock.advance(1);
    expect(t.machine.status()).toMatchObject({ state: 'reconnecting', error: TIMEOUT_MESSAGE });
    await t.clock.advance(750 + 5000 + 1500);
    expect(t.fake.requests).toHaveLength(1); // the retries waited on the same call
    t.fake.hung[0](t.fake.make('https://d.ngrok.app'));
    await t.clock.advance(0);
    expect(t.machine.status()).toMatchObject({ state: 'online', url: 'https://d.ngrok.app', error: null });
    expect(t.clock.pending()).toBe(1); // only the silent-drop watch
  });

  it('starts a fresh connect once the hung one is very old, leaving few behind, and closes late arrivals', async () => {
    const t = setup(
      [{ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'ok', url: 'https://x.ngrok.app' }],
      {
        connectTimeoutMs: 1000,
      },
    );
    t.machine.run(target);
    await t.clock.advance(60_000);
    // 4 timeouts per fresh call, at most 2 abandoned: 3 calls in all, however long it hangs.
    expect(t.fake.requests).toHaveLength(3);
    expect(t.machine.status().state).toBe('reconnecting');
    t.fake.hung[2](t.fake.make('https://third.ngrok.app'));
    await t.clock.advance(0);
    expect(t.machine.status()).toMatchObject({ state: 'online', url: 'https://third.ngrok.app' });
    t.fake.hung[0](t.fake.make('https://first.ngrok.app'));
    await t.clock.advance(0);
    expect(t.fake.closed).toEqual(['https://first.ngrok.app']);
    expect(t.machine.publicUrl()).toBe('https://third.ngrok.app');
  });

  it('closes a session that arrives after stop, and starts afresh after a settings change', async () => {
    const t = setup([{ kind: 'hang' }, { kind: 'ok', url: 'https://new.ngrok.app' }]);
    t.machine.run(target);
    await t.clock.advance(10);
    t.machine.run({ ...target, domain: 'shop.example.com' });
    await t.clock.advance(0);
    expect(t.fake.requests).toHaveLength(2);
    expect(t.machine.status().url).toBe('https://new.ngrok.app');
    await t.machine.stop();
    t.fake.hung[0](t.fake.make('https://old.ngrok.app'));
    await t.clock.advance(0);
    expect(t.fake.closed).toContain('https://old.ngrok.app');
    expect(t.machine.status().state).toBe('off');
  });

  it('stop resolves at once while an attempt hangs, and leaves no timer behind', async () => {
    const t = setup([{ kind: 'hang' }]);
    t.machine.run(target);
    await t.clock.advance(10);
    await t.machine.stop();
    expect(t.machine.status().state).toBe('off');
    expect(t.clock.pending()).toBe(0);
    await t.clock.advance(100_000);
    expect(t.fake.requests).toHaveLength(1);
    expect(t.clock.pending()).toBe(0);
  });

  it('a drop reported by the SDK -> reconnecting; a heartbeat after it -> online again', async () => {
    const t = setup([{ kind: 'ok', url: 'https://e.ngrok.app' }]);
    t.machine.run(target);
    await t.clock.advance(0);
    t.fake.requests[0].onDisconnect('connection reset by peer');
    expect(t.machine.status().state).toBe('reconnecting');
    expect(t.machine.status().error).toMatch(/keeps trying/);
    expect(t.machine.publicUrl()).toBe('https://e.ngrok.app');
    t.fake.requests[0].onAlive();
    expect(t.machine.status()).toMatchObject({ state: 'online', url: 'https://e.ngrok.app', error: null });
    expect(t.urls).toHaveLength(1);
  });

  it('takes over when the SDK does not come back, and announces a new URL', async () => {
    const t = setup([
      { kind: 'ok', url: 'https://f.ngrok.app' },
      { kind: 'ok', url: 'https://g.ngrok.app' },
    ]);
    t.machine.run(target);
    await t.clock.advance(0);
    t.fake.requests[0].onDisconnect('failed to establish tcp connection');
    await t.clock.advance(30_000);
    expect(t.fake.closed).toContain('https://f.ngrok.app');
    expect(t.machine.status().state).toBe('reconnecting');
    await t.clock.advance(750);
    expect(t.machine.status()).toMatchObject({ state: 'online', url: 'https://g.ngrok.app' });
    expect(t.urls).toEqual([
      { previous: null, url: 'https://f.ngrok.app' },
      { previous: 'https://f.ngrok.app', url: 'https://g.ngrok.app' },
    ]);
    // Callbacks of the abandoned session no longer move the state.
    t.fake.requests[0].onDisconnect('late');
    expect(t.machine.status().state).toBe('online');
  });

  it('notices a silent drop once heartbeats stop', async () => {
    const t = setup([
      { kind: 'ok', url: 'https://h.ngrok.app' },
      { kind: 'ok', url: 'https://h.ngrok.app' },
    ]);
    t.machine.run(target);
    await t.clock.advance(0);
    t.fake.requests[0].onAlive();
    await t.clock.advance(59_000);
    expect(t.machine.status().state).toBe('online');
    await t.clock.advance(61_000);
    expect(t.fake.requests).toHaveLength(2);
    expect(t.fake.closed).toContain('https://h.ngrok.app');
    // Same URL back: online, no URL-change announcement.
    await t.clock.advance(1000);
    expect(t.machine.status().state).toBe('online');
    expect(t.urls).toHaveLength(1);
  });

  it('idle shows off or an error without connecting', async () => {
    const t = setup([]);
    t.machine.idle('error', 'ngrok', 'Add your ngrok authtoken');
    expect(t.machine.status()).toMatchObject({ state: 'error', provider: 'ngrok', error: 'Add your ngrok authtoken' });
    t.machine.idle('off', 'none');
    expect(t.machine.status()).toMatchObject({ state: 'off', provider: 'none', error: null });
    expect(t.fake.requests).toHaveLength(0);
  });
});

describe('tunnel error sentences', () => {
  it('maps SDK errors to what a shop owner should do', () => {
    expect(describeTunnelError({ errorCode: 'ERR_NGROK_107', message: 'x' })).toMatchObject({ fatal: true });
    expect(describeTunnelError(new Error('... ERR_NGROK_108'))).toMatchObject({ fatal: false, ownerMustAct: true });
    expect(describeTunnelError(new Error('ERR_NGROK_320'), 'shop.example.com').message).toContain('shop.example.com');
    expect(describeTunnelError(new Error('failed to establish tcp connection')).message).toBe(NO_INTERNET);
    expect(describeTunnelError(new Error('tls handshake error')).message).toMatch(/proxy or firewall/);
    expect(describeTunnelError(new Error('weird thing')).message).toMatch(/weird thing.*keeps trying/);
  });
});
