// The dashboard transport: one generic HTTP client built from apiRoutes in
// shared/api.ts (so a method added there exists here without code), and push
// events over one EventSource on /api/stream. Auth is the session cookie that
// opening the printed `/?token=` link set, so requests stay same-origin.
import { API_METHODS, apiRoutes, type ApiMethod, type HookdockApi } from '../../shared/api';
import { PUSH_EVENT_NAMES, type Listen, type PushEventName } from '../../shared/events';
import { ApiError, NOT_ANSWERING, isErrorBody } from './errors';

export interface HttpRequest {
  verb: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
}

/** Path params substituted, GET args in the query, anything else as a JSON body. */
export function buildRequest(method: ApiMethod, args: object | undefined, baseUrl = ''): HttpRequest {
  const route = apiRoutes[method];
  const rest: Record<string, unknown> = { ...(args ?? {}) };
  const path = route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (value === undefined || value === null || value === '') {
      throw new ApiError(`Missing "${name}" for ${method}.`, 'bad_request', 400);
    }
    return encodeURIComponent(String(value));
  });
  if (route.method === 'GET') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
    }
    const qs = query.toString();
    return { verb: 'GET', url: `${baseUrl}${path}${qs ? `?${qs}` : ''}`, body: undefined };
  }
  return { verb: route.method, url: `${baseUrl}${path}`, body: JSON.stringify(rest) };
}

export interface HttpOptions {
  baseUrl?: string;
  /** Extra headers, e.g. `Authorization: Bearer` for scripts and benchmarks. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Called on 401 so the app can show "open the printed link" instead of data. */
  onUnauthorized?: () => void;
}

export function createHttpApi(options: HttpOptions = {}): HookdockApi {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const call = async (method: ApiMethod, args: object | undefined): Promise<unknown> => {
    const req = buildRequest(method, args, options.baseUrl);
    let res: Response;
    try {
      res = await doFetch(req.url, {
        method: req.verb,
        credentials: 'same-origin',
        headers: {
          Accept: 'application/json',
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...options.headers,
        },
        body: req.body,
      });
    } catch {
      throw new ApiError(NOT_ANSWERING, 'unreachable', 0);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      if (res.status === 401) options.onUnauthorized?.();
      if (isErrorBody(data)) throw new ApiError(data.error.message, data.error.code ?? 'error', res.status);
      throw new ApiError(fallbackMessage(res.status), 'http_' + res.status, res.status);
    }
    return data;
  };
  const api = {} as Record<ApiMethod, (args: object) => Promise<unknown>>;
  for (const method of API_METHODS) api[method] = (args) => call(method, args);
  return api as unknown as HookdockApi;
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'This page needs your access link. Open the link printed by hookdock serve.';
  if (status === 404) return 'That was not found. It may have been deleted.';
  if (status >= 500) return 'Something went wrong inside Hookdock. The log has the details.';
  return `Hookdock answered with an error (${status}).`;
}

export type ConnectionState = 'connecting' | 'live' | 'offline';

export interface PushChannel {
  listen: Listen;
  /** Told when the stream goes live or drops; `reconnected` means "refetch what you show". */
  onConnection: (fn: (state: ConnectionState, reconnected: boolean) => void) => () => void;
  close: () => void;
}

type Handler = (payload: unknown) => void;

/**
 * One EventSource for every listener. The browser retries on its own after a
 * dropped connection; when it gives up (CLOSED, e.g. the server restarted and
 * refused once) we open a new one with backoff. Events missed while away are
 * not replayed by the server, so each reconnect tells listeners to refetch.
 */
export function createSseChannel(url = '/api/stream', EventSourceImpl?: typeof EventSource): PushChannel {
  const handlers = new Map<PushEventName, Set<Handler>>();
  const connectionListeners = new Set<(s: ConnectionState, reconnected: boolean) => void>();
  let source: EventSource | null = null;
  let state: ConnectionState = 'connecting';
  let openedBefore = false;
  let lostSinceOpen = false;
  let retryMs = 1000;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setState = (next: ConnectionState, reconnected = false) => {
    if (next === state && !reconnected) return;
    state = next;
    connectionListeners.forEach((fn) => fn(next, reconnected));
  };

  const connect = () => {
    if (closed) return;
    const Impl = EventSourceImpl ?? globalThis.EventSource;
    if (!Impl) return;
    const es = new Impl(url);
    source = es;
    es.onopen = () => {
      const reconnected = openedBefore && lostSinceOpen;
      openedBefore = true;
      lostSinceOpen = false;
      retryMs = 1000;
      setState('live', reconnected);
    };
    es.onerror = () => {
      if (openedBefore) lostSinceOpen = true;
      setState('offline');
      if (es.readyState === 2 /* CLOSED */) {
        es.close();
        if (timer) clearTimeout(timer);
        timer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 15_000);
      }
    };
    for (const name of PUSH_EVENT_NAMES) {
      es.addEventListener(name, (e) => {
        let payload: unknown;
        try {
          payload = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        handlers.get(name)?.forEach((fn) => fn(payload));
      });
    }
  };

  const ensureConnected = () => {
    if (!source && !timer && !closed) connect();
  };

  const listen: Listen = (name, fn) => {
    ensureConnected();
    let set = handlers.get(name);
    if (!set) handlers.set(name, (set = new Set()));
    const h = fn as Handler;
    set.add(h);
    return () => {
      set.delete(h);
    };
  };

  return {
    listen,
    onConnection: (fn) => {
      ensureConnected();
      connectionListeners.add(fn);
      fn(state, false);
      return () => {
        connectionListeners.delete(fn);
      };
    },
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      source?.close();
    },
  };
}
