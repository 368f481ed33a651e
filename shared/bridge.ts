// What the Electron preload puts on `window.hookdock`: the same named methods as
// the dashboard API, plus `listen` for push events. The preload checks itself
// against this type with `satisfies HookdockBridge`; renderer/api/ uses it in
// IPC mode. Types only: shared/ has no runtime dependency on either side.
// A failed IPC call resolves to the error body `{ error: { code, message } }`
// (an Error thrown through contextBridge keeps only its message); renderer/api/ipc.ts
// turns it into an ApiError, so views see the same errors in both hosts.
import type { HookdockApi } from './api';
import type { Listen } from './events';

export type HookdockBridge = HookdockApi & { listen: Listen };
