// @vitest-environment happy-dom
// The app store's reaction to push events, through a client made of plain
// functions: the loud "webhook URL changed" notice, status and pause updates,
// a refetch after reconnecting, and "open the printed link" on a 401.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import type { PushEventName, PushEvents } from '../../shared/events';
import type { Status } from '../../shared/types';
import type { Client, ConnectionState } from '../../renderer/api';
import { appStore, startAppStore } from '../../renderer/api/store';
import { Notices } from '../../renderer/app/Notices';

afterEach(() => cleanup());

const status = (over: Partial<Status> = {}): Status => ({
  version: '0.1.0',
  receiverUrl: 'http://127.0.0.1:8787',
  publicUrl: null,
  tunnel: { state: 'off', provider: 'none', url: null, error: null, since: new Date().toISOString() },
  counts: { events: 0, eventsToday: 0, rejectedToday: 0, runsFailed: 0, deliveriesFailed: 0, jobsPending: 0 },
  automationsPaused: false,
  store: { writable: true, lastWriteError: null, quarantined: [], damage: [] },
  configError: null,
  dataDir: '/tmp/x',
  ...over,
});

function fakeClient() {
  const handlers = new Map<string, (p: unknown) => void>();
  let conn: ((s: ConnectionState, r: boolean) => void) | null = null;
  let unauthorized: (() => void) | null = null;
  const calls = { getStatus: 0, getConfig: 0 };
  const client = {
    getStatus: async () => {
      calls.getStatus++;
      return status();
    },
    getConfig: async () => {
      calls.getConfig++;
      return { sources: [], automations: [], destinations: [] } as unknown as PublicConfig;
    },
    listen: (name: string, fn: (p: unknown) => void) => {
      handlers.set(name, fn);
      return () => handlers.delete(name);
    },
    onConnection: (fn: (s: ConnectionState, r: boolean) => void) => {
      conn = fn;
      return () => (conn = null);
    },
    onUnauthorized: (fn: () => void) => {
      unauthorized = fn;
      return () => (unauthorized = null);
    },
    mode: 'http',
  } as unknown as Client;
  const emit = <K extends PushEventName>(name: K, payload: PushEvents[K]) => handlers.get(name)?.(payload);
  return {
    client,
    emit,
    calls,
    connect: (s: ConnectionState, r: boolean) => conn?.(s, r),
    deny: () => unauthorized?.(),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('app store', () => {
  it('shows the loud notice when the webhook URL changes, not for the first URL', async () => {
    const f = fakeClient();
    const stop = startAppStore(f.client);
    await settle();
    const { container } = render(<Notices />);
    await act(async () => f.emit('tunnel.urlChanged', { previous: null, url: 'https://a.ngrok.app' }));
    expect(container.textContent).not.toMatch(/webhook URL changed/);
    await act(async () => f.emit('tunnel.urlChanged', { previous: 'https://a.ngrok.app', url: 'https://b.ngrok.app' }));
    expect(container.querySelector('[role="alert"]')!.textContent).toMatch(
      /Your webhook URL changed — update Shopify\/Stripe\..*https:\/\/b\.ngrok\.app/,
    );
    stop();
    appStore.set({ urlChanged: null });
  });

  it('keeps status current from push events and refetches after a reconnect', async () => {
    const f = fakeClient();
    const stop = startAppStore(f.client);
    await settle();
    const before = { ...f.calls };
    f.emit('status.changed', status({ counts: { ...status().counts, eventsToday: 42 } }));
    expect(appStore.get().status?.counts.eventsToday).toBe(42);
    f.emit('automations.paused', { paused: true });
    expect(appStore.get().status?.automationsPaused).toBe(true);
    f.emit('tunnel.changed', {
      state: 'online',
      provider: 'ngrok',
      url: 'https://c.ngrok.app',
      error: null,
      since: '',
    });
    expect(appStore.get().status?.publicUrl).toBe('https://c.ngrok.app');
    f.connect('offline', false);
    expect(appStore.get().connection).toBe('offline');
    f.connect('live', true);
    await settle();
    expect(f.calls.getStatus).toBe(before.getStatus + 1);
    expect(f.calls.getConfig).toBe(before.getConfig + 1);
    stop();
  });

  it('asks for the printed link when the dashboard answers 401', async () => {
    const f = fakeClient();
    const stop = startAppStore(f.client);
    f.deny();
    expect(appStore.get().needsToken).toBe(true);
    stop();
    appStore.set({ needsToken: false });
  });
});
