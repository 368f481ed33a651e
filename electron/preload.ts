// The preload: named methods only, never a raw ipcRenderer or a generic
// send(channel). Sandboxed preloads can load nothing but 'electron' (and a few
// Node shims), so this file imports only types and the package-free
// shared/desktop.ts and shared/events.ts; esbuild bundles it to CommonJS.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiMethod, HookdockApi } from '../shared/api';
import type { HookdockBridge } from '../shared/bridge';
import {
  BRIDGE_GLOBAL,
  DESKTOP_GLOBAL,
  IPC,
  type DesktopBridge,
  type DesktopMethod,
  type IpcResult,
  type OpenTarget,
} from '../shared/desktop';
import { PUSH_EVENT_NAMES, type Listen, type PushEventName } from '../shared/events';

// `satisfies` makes these lists exact: a method added to shared/api.ts or
// shared/desktop.ts without being listed here fails the type check.
const API_METHOD_NAMES = {
  getStatus: 1,
  listEvents: 1,
  getEvent: 1,
  replayEvent: 1,
  listEventTypes: 1,
  retryRun: 1,
  listOutbox: 1,
  retryDelivery: 1,
  setAutomationsPaused: 1,
  getConfig: 1,
  saveSource: 1,
  deleteSource: 1,
  sendTestEvent: 1,
  saveAutomation: 1,
  deleteAutomation: 1,
  checkScript: 1,
  testRunAutomation: 1,
  previewConditions: 1,
  writeStarterScript: 1,
  saveDestination: 1,
  deleteDestination: 1,
  sendTestDelivery: 1,
  updateSettings: 1,
  listGaps: 1,
  previewTemplate: 1,
  createFollower: 1,
  listFollowers: 1,
  revokeFollower: 1,
} satisfies Record<ApiMethod, 1>;

const DESKTOP_METHOD_NAMES = {
  pickScript: 1,
  revealInFolder: 1,
  getLaunchAtLogin: 1,
  setLaunchAtLogin: 1,
  getSecretsStorage: 1,
  getPreferences: 1,
  setPreferences: 1,
} satisfies Record<DesktopMethod, 1>;

/**
 * Errors stay data: a failed call resolves to `{ error: { code, message } }`,
 * as the HTTP API answers, because an Error thrown through contextBridge keeps
 * only its message. renderer/api/ipc.ts turns that body into its ApiError.
 */
async function call(channel: string, args: unknown): Promise<unknown> {
  const result = (await ipcRenderer.invoke(channel, args ?? {})) as IpcResult<unknown>;
  return result.ok ? result.value : { error: result.error };
}

function methods<K extends string>(names: Record<K, 1>, channel: (m: string) => string) {
  const out = {} as Record<K, (args: unknown) => Promise<unknown>>;
  for (const m of Object.keys(names) as K[]) out[m] = (args: unknown) => call(channel(m), args);
  return out;
}

// Push events: one IPC listener, fanned out here. The first subscription tells
// main the renderer is listening, so events queued during page load arrive.
const subscribers = new Map<string, Set<(payload: unknown) => void>>();
let readySent = false;

function subscribe(name: string, fn: (payload: unknown) => void): () => void {
  if (typeof fn !== 'function') throw new TypeError('listen() needs a function.');
  let set = subscribers.get(name);
  if (!set) subscribers.set(name, (set = new Set()));
  set.add(fn);
  if (!readySent) {
    readySent = true;
    // After the current task, so every listen() of the first render is in place.
    setTimeout(() => ipcRenderer.send(IPC.ready), 0);
  }
  return () => void set.delete(fn);
}

const dispatch = (name: string, payload: unknown) => {
  for (const fn of subscribers.get(name) ?? []) {
    try {
      fn(payload);
    } catch (err) {
      console.error(err);
    }
  }
};
ipcRenderer.on(IPC.push, (_event, name: string, payload: unknown) => dispatch(name, payload));
ipcRenderer.on(IPC.open, (_event, target: OpenTarget) => dispatch(IPC.open, target));

const listen: Listen = (name, fn) => {
  if (!PUSH_EVENT_NAMES.includes(name as PushEventName)) throw new TypeError(`Unknown event "${String(name)}".`);
  return subscribe(name, fn as (payload: unknown) => void);
};

const bridge = { ...(methods(API_METHOD_NAMES, IPC.api) as HookdockApi), listen } satisfies HookdockBridge;

const desktop = {
  ...(methods(DESKTOP_METHOD_NAMES, IPC.desktop) as Omit<DesktopBridge, 'onOpen'>),
  onOpen: (fn: (target: OpenTarget) => void) => subscribe(IPC.open, fn as (payload: unknown) => void),
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
contextBridge.exposeInMainWorld(DESKTOP_GLOBAL, desktop);
