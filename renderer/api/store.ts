// App-wide state every view reads: status (tunnel, counts, pause), the masked
// config, the live connection, and the loud "your webhook URL changed" notice.
// A tiny external store read with useSyncExternalStore: no state library needed.
import { useSyncExternalStore } from 'react';
import type { PublicConfig } from '../../shared/api';
import type { Status } from '../../shared/types';
import { errorMessage, type Client, type ConnectionState } from './index';

export interface AppState {
  status: Status | null;
  config: PublicConfig | null;
  connection: ConnectionState;
  /** Set by 'tunnel.urlChanged' until the owner dismisses it. */
  urlChanged: { previous: string | null; url: string } | null;
  /** The dashboard answered 401: show "open the printed link", not data. */
  needsToken: boolean;
  loadError: string | null;
}

type Listener = () => void;

export function createStore<T>(initial: T) {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(patch: Partial<T> | ((s: T) => Partial<T>)) {
      const next = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...next };
      listeners.forEach((l) => l());
    },
    subscribe(l: Listener) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}

export const appStore = createStore<AppState>({
  status: null,
  config: null,
  connection: 'connecting',
  urlChanged: null,
  needsToken: false,
  loadError: null,
});

export function useAppState<S>(select: (s: AppState) => S): S {
  return useSyncExternalStore(appStore.subscribe, () => select(appStore.get()));
}

export async function refreshStatus(api: Client): Promise<void> {
  try {
    appStore.set({ status: await api.getStatus({}), loadError: null });
  } catch (err) {
    appStore.set({ loadError: errorMessage(err) });
  }
}

export async function refreshConfig(api: Client): Promise<void> {
  try {
    appStore.set({ config: await api.getConfig({}) });
  } catch (err) {
    appStore.set({ loadError: errorMessage(err) });
  }
}

/** Starts the app store: first load, then push events keep it current. Returns a stop function. */
export function startAppStore(api: Client): () => void {
  // Counts in the header follow runs and deliveries too, even if the engine
  // sends no status.changed for them: one refetch per quiet moment.
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  const refreshCountsSoon = () => {
    if (countsTimer) return;
    countsTimer = setTimeout(() => {
      countsTimer = null;
      void refreshStatus(api);
    }, 500);
  };
  const offs = [
    api.listen('delivery.updated', refreshCountsSoon),
    api.listen('run.updated', refreshCountsSoon),
    api.onUnauthorized(() => appStore.set({ needsToken: true })),
    api.onConnection((connection, reconnected) => {
      appStore.set({ connection });
      if (reconnected) {
        void refreshStatus(api);
        void refreshConfig(api);
      }
    }),
    api.listen('status.changed', (status) => appStore.set({ status })),
    api.listen('tunnel.changed', (tunnel) =>
      appStore.set((s) => ({
        status: s.status ? { ...s.status, tunnel, publicUrl: tunnel.url ?? s.status.publicUrl } : s.status,
      })),
    ),
    api.listen('tunnel.urlChanged', (change) => {
      // The first URL of a session is not a change the owner must act on.
      appStore.set((s) => ({
        urlChanged: change.previous ? change : s.urlChanged,
        status: s.status
          ? { ...s.status, publicUrl: change.url, tunnel: { ...s.status.tunnel, url: change.url } }
          : s.status,
      }));
      void refreshConfig(api);
    }),
    api.listen('config.changed', () => {
      void refreshConfig(api);
      void refreshStatus(api);
    }),
    // A connected source's subscription changed (Connect): its `managed` is in the config answer.
    api.listen('connect.changed', () => void refreshConfig(api)),
    api.listen('automations.paused', ({ paused }) =>
      appStore.set((s) => ({ status: s.status ? { ...s.status, automationsPaused: paused } : s.status })),
    ),
  ];
  void refreshStatus(api);
  void refreshConfig(api);
  return () => {
    if (countsTimer) clearTimeout(countsTimer);
    offs.forEach((off) => off());
  };
}
