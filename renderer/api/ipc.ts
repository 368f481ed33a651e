// The desktop transport: the preload's `window.hookdock` bridge already has
// every method of shared/api.ts and `listen`; we only turn its errors into the
// same ApiError the HTTP client throws.
import { API_METHODS, type ApiMethod, type HookdockApi } from '../../shared/api';
import type { HookdockBridge } from '../../shared/bridge';
import { ApiError, errorMessage, isErrorBody } from './errors';
import type { PushChannel } from './http';

export function createIpcApi(bridge: HookdockBridge): HookdockApi {
  const api = {} as Record<ApiMethod, (args: object) => Promise<unknown>>;
  for (const method of API_METHODS) {
    const fn = bridge[method] as (args: object) => Promise<unknown>;
    api[method] = async (args) => {
      let result: unknown;
      try {
        result = await fn(args ?? {});
      } catch (err) {
        throw new ApiError(errorMessage(err), 'ipc_error', 500);
      }
      // The shell may hand errors back as data, like the HTTP API does.
      if (isErrorBody(result)) throw new ApiError(result.error.message, result.error.code ?? 'error', 400);
      return result;
    };
  }
  return api as unknown as HookdockApi;
}

/** IPC never drops: the window and the engine live in one app. */
export function createIpcChannel(bridge: HookdockBridge): PushChannel {
  return {
    listen: (name, fn) => bridge.listen(name, fn),
    onConnection: (fn) => {
      fn('live', false);
      return () => undefined;
    },
    close: () => undefined,
  };
}
