// The renderer's only way to Hookdock: the IPC bridge when the Electron preload
// put `window.hookdock` there, HTTP + SSE against `hookdock serve` otherwise.
import type { HookdockApi } from '../../shared/api';
import type { HookdockBridge } from '../../shared/bridge';
import type { Listen } from '../../shared/events';
import { createHttpApi, createSseChannel, type ConnectionState, type PushChannel } from './http';
import { createIpcApi, createIpcChannel } from './ipc';

export type Client = HookdockApi & {
  listen: Listen;
  onConnection: PushChannel['onConnection'];
  /** Set when the dashboard answered 401: the app shows "open the printed link". */
  onUnauthorized: (fn: () => void) => () => void;
  mode: 'ipc' | 'http';
};

declare global {
  interface Window {
    hookdock?: HookdockBridge;
  }
}

let client: Client | null = null;

export function getApi(): Client {
  if (!client) client = createClient(typeof window !== 'undefined' ? window.hookdock : undefined);
  return client;
}

/** Tests (and the benchmark) hand in their own client. */
export function setApi(next: Client | null): void {
  client = next;
}

export function createClient(bridge: HookdockBridge | undefined): Client {
  const unauthorized = new Set<() => void>();
  const onUnauthorized = (fn: () => void) => {
    unauthorized.add(fn);
    return () => {
      unauthorized.delete(fn);
    };
  };
  if (bridge) {
    const channel = createIpcChannel(bridge);
    return {
      ...createIpcApi(bridge),
      listen: channel.listen,
      onConnection: channel.onConnection,
      onUnauthorized,
      mode: 'ipc',
    };
  }
  const channel = createSseChannel('/api/stream');
  const api = createHttpApi({ baseUrl: '', onUnauthorized: () => unauthorized.forEach((fn) => fn()) });
  return { ...api, listen: channel.listen, onConnection: channel.onConnection, onUnauthorized, mode: 'http' };
}

export type { ConnectionState };
export { ApiError, errorMessage } from './errors';
