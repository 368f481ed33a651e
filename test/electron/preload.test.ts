// The preload as Electron runs it: the esbuild CJS bundle, evaluated in a
// fresh vm context whose `require('electron')` hands out fake contextBridge
// and ipcRenderer. Only named methods are exposed; errors arrive as data;
// push events fan out with unsubscribe; "ready" is sent once.
import vm from 'node:vm';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../shared/api';
import { IPC } from '../../shared/desktop';

const repo = path.resolve(__dirname, '..', '..');
let code: string;

beforeAll(async () => {
  const out = await build({
    entryPoints: [path.join(repo, 'electron', 'preload.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    external: ['electron'],
    logLevel: 'silent',
  });
  code = out.outputFiles[0].text;
});

function loadPreload(answer: (channel: string, args: unknown) => unknown) {
  const exposed: Record<string, Record<string, unknown>> = {};
  const sent: unknown[][] = [];
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (channel: string, args: unknown) => (invoked.push([channel, args]), answer(channel, args)),
      send: (...a: unknown[]) => void sent.push(a),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => void listeners.set(channel, fn),
    },
  };
  const required: string[] = [];
  const sandbox = {
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
    module: { exports: {} },
    exports: {},
    setTimeout,
    console,
  };
  vm.runInNewContext(code, sandbox);
  return { exposed, sent, invoked, listeners, required };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('preload', () => {
  it('exposes exactly the API methods plus listen, and the desktop extras; no raw IPC', () => {
    const { exposed, required } = loadPreload(() => ({ ok: true, value: null }));
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed).sort()).toEqual(['hookdock', 'hookdockDesktop']);
    expect(Object.keys(exposed.hookdock).sort()).toEqual([...API_METHODS, 'listen'].sort());
    expect(Object.keys(exposed.hookdockDesktop).sort()).toEqual(
      [
        'getLaunchAtLogin',
        'getPreferences',
        'getSecretsStorage',
        'onOpen',
        'pickScript',
        'revealInFolder',
        'setLaunchAtLogin',
        'setPreferences',
      ].sort(),
    );
    for (const api of Object.values(exposed)) {
      for (const [name, value] of Object.entries(api)) expect(typeof value, name).toBe('function');
      expect(Object.keys(api)).not.toContain('send');
      expect(Object.keys(api)).not.toContain('invoke');
    }
  });

  it('calls each method on its own channel; errors come back as the error body', async () => {
    const { exposed, invoked } = loadPreload((channel) =>
      channel === IPC.api('getEvent')
        ? { ok: false, error: { code: 'not_found', message: 'That event was not found.' } }
        : { ok: true, value: { channel } },
    );
    const api = exposed.hookdock as Record<string, (a?: unknown) => Promise<unknown>>;
    expect(await api.listEvents({ limit: 5 })).toEqual({ channel: 'hookdock:api:listEvents' });
    expect(await api.getEvent({ id: 'evt_x' })).toEqual({
      error: { code: 'not_found', message: 'That event was not found.' },
    });
    expect(await api.getStatus()).toEqual({ channel: 'hookdock:api:getStatus' });
    const desktop = exposed.hookdockDesktop as Record<string, (a?: unknown) => Promise<unknown>>;
    await desktop.revealInFolder({ target: 'dataDir' });
    expect(invoked).toEqual([
      ['hookdock:api:listEvents', { limit: 5 }],
      ['hookdock:api:getEvent', { id: 'evt_x' }],
      ['hookdock:api:getStatus', {}],
      ['hookdock:desktop:revealInFolder', { target: 'dataDir' }],
    ]);
  });

  it('fans push events out to subscribers, says ready once, and unsubscribes', async () => {
    const { exposed, sent, listeners } = loadPreload(() => ({ ok: true, value: null }));
    const listen = exposed.hookdock.listen as (name: string, fn: (p: unknown) => void) => () => void;
    const onOpen = exposed.hookdockDesktop.onOpen as (fn: (p: unknown) => void) => () => void;
    const got: unknown[] = [];
    const off = listen('event.created', (p) => got.push(['a', p]));
    listen('event.created', (p) => got.push(['b', p]));
    listen('status.changed', (p) => got.push(['status', p]));
    onOpen((t) => got.push(['open', t]));
    expect(() => listen('no.such.event', () => undefined)).toThrow(/Unknown event/);
    expect(() => listen('event.created', 'not a function' as never)).toThrow(/needs a function/);
    await tick();
    expect(sent).toEqual([[IPC.ready]]);

    const push = listeners.get(IPC.push)!;
    push({}, 'event.created', { id: 'evt_1' });
    off();
    push({}, 'event.created', { id: 'evt_2' });
    listeners.get(IPC.open)!({}, { view: 'event', id: 'evt_2' });
    expect(got).toEqual([
      ['a', { id: 'evt_1' }],
      ['b', { id: 'evt_1' }],
      ['b', { id: 'evt_2' }],
      ['open', { view: 'event', id: 'evt_2' }],
    ]);
    listen('run.updated', () => undefined);
    await tick();
    expect(sent).toHaveLength(1);
  });
});
