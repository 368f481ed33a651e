// The one IPC wrapper: foreign frames and invalid arguments never reach a
// handler; errors come back as data. Push events queue until "ready".
import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiHandlers } from '../../shared/api';
import { IPC, type IpcResult } from '../../shared/desktop';
import type { Status } from '../../shared/types';
import { createDesktopHandlers } from '../../electron/shell/desktop-handlers';
import {
  createPushForwarder,
  guardedHandler,
  isTrustedSender,
  listenForReady,
  registerIpcHandlers,
} from '../../electron/shell/ipc';
import { createBus } from '../../electron/engine/util/bus';
import { HttpError } from '../../electron/engine/util/errors';
import { memoryLogger } from '../../electron/engine/util/logger';
import { apiArgs } from '../../shared/api';

const frame = (url: string, parent: unknown = null) => ({ url, parent });
const ours = { senderFrame: frame('app://hookdock/index.html'), sender: { id: 7 } };

type Invoke = (event: unknown, args?: unknown) => Promise<IpcResult<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Invoke>();
  const listeners = new Map<string, (event: unknown) => void>();
  return {
    handlers,
    listeners,
    handle: (channel: string, fn: Invoke) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
    on: (channel: string, fn: (event: unknown) => void) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel),
  };
}

describe('isTrustedSender', () => {
  const win = { id: 7 };
  it('accepts our own page in the main frame of our window', () => {
    expect(isTrustedSender(ours as never, () => win)).toBe(true);
  });
  it('refuses subframes, other origins, other windows and destroyed frames', () => {
    expect(isTrustedSender({ ...ours, senderFrame: frame('app://hookdock/index.html', {}) } as never, () => win)).toBe(
      false,
    );
    expect(isTrustedSender({ ...ours, senderFrame: frame('https://evil.example/') } as never, () => win)).toBe(false);
    expect(isTrustedSender({ ...ours, senderFrame: frame('file:///tmp/x.html') } as never, () => win)).toBe(false);
    expect(isTrustedSender({ ...ours, sender: { id: 8 } } as never, () => win)).toBe(false);
    expect(isTrustedSender({ ...ours, senderFrame: null } as never, () => win)).toBe(false);
    expect(isTrustedSender(ours as never, () => null)).toBe(false);
  });
});

describe('guardedHandler', () => {
  const logger = memoryLogger();
  const calls: unknown[] = [];
  const handler = guardedHandler(
    'getEvent',
    apiArgs.getEvent,
    async (args) => {
      calls.push(args);
      if (args.id === 'missing') throw new HttpError(404, 'not_found', 'That event was not found.');
      if (args.id === 'boom') throw new Error('ENOENT /secret/path');
      return { id: args.id };
    },
    { isTrusted: (e) => isTrustedSender(e, () => ({ id: 7 })), logger },
  );

  it('calls the handler with parsed arguments for our own frame', async () => {
    expect(await handler(ours as never, { id: 'evt_1' })).toEqual({ ok: true, value: { id: 'evt_1' } });
    expect(calls).toEqual([{ id: 'evt_1' }]);
  });

  it('rejects a foreign frame without calling the handler', async () => {
    const before = calls.length;
    const res = await handler({ senderFrame: frame('https://evil.example/'), sender: { id: 7 } } as never, {
      id: 'evt_1',
    });
    expect(res).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(calls.length).toBe(before);
    expect(logger.lines.some((l) => l.includes('foreign frame') && l.includes('evil.example'))).toBe(true);
  });

  it('rejects invalid arguments with the JSON path, without calling the handler', async () => {
    const before = calls.length;
    for (const bad of [{}, { id: '' }, { id: 42 }, { id: 'x'.repeat(201) }, 'evt_1', null, [1]]) {
      const res = await handler(ours as never, bad);
      expect(res.ok, JSON.stringify(bad)).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('bad_request');
    }
    const res = await handler(ours as never, { id: 42 });
    expect(!res.ok && res.error.message).toMatch(/^id: /);
    expect(calls.length).toBe(before);
  });

  it('returns errors as data: HttpError as is, anything else as a sentence without internals', async () => {
    expect(await handler(ours as never, { id: 'missing' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That event was not found.' },
    });
    const res = await handler(ours as never, { id: 'boom' });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('internal');
      expect(res.error.message).not.toContain('/secret/path');
    }
  });
});

describe('registerIpcHandlers', () => {
  it('registers one guarded channel per API and desktop method, and removes them', async () => {
    const ipc = fakeIpcMain();
    const seen: string[] = [];
    const handlers = Object.fromEntries(
      API_METHODS.map((m) => [m, async (args: unknown) => (seen.push(m), { method: m, args })]),
    ) as unknown as ApiHandlers;
    const desktop = createDesktopHandlers({
      pickScript: async () => ({ path: '/home/me/refund.sh' }),
      reveal: async () => ({ ok: true }),
      launchAtLogin: {
        get: () => ({ enabled: false, supported: true }),
        set: async (enabled) => ({ enabled, supported: true }),
      },
      onLaunchAtLoginChanged: () => undefined,
      secrets: () => ({ mode: 'plain-file', description: 'x' }),
      prefs: {} as never,
      config: () => ({}) as never,
    });
    const undo = registerIpcHandlers(ipc as never, handlers, desktop, {
      isTrusted: () => true,
      logger: memoryLogger(),
    });
    expect(ipc.handlers.size).toBe(API_METHODS.length + Object.keys(desktop).length);
    const status = await ipc.handlers.get(IPC.api('listEvents'))!(ours, { limit: '10', status: 'failed' });
    // zod coerced and defaulted the arguments before the handler saw them.
    expect(status).toEqual({ ok: true, value: { method: 'listEvents', args: { limit: 10, status: 'failed' } } });
    const bad = await ipc.handlers.get(IPC.api('listEvents'))!(ours, { status: 'exploded' });
    expect(bad.ok).toBe(false);
    const reveal = await ipc.handlers.get(IPC.desktop('revealInFolder'))!(ours, { target: 'path', path: '/etc' });
    expect(reveal.ok).toBe(false);
    const pick = await ipc.handlers.get(IPC.desktop('pickScript'))!(ours, {});
    expect(pick).toEqual({ ok: true, value: { path: '/home/me/refund.sh' } });
    expect(seen).toEqual(['listEvents']);
    undo();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('push forwarding', () => {
  const status = { version: '1' } as Status;
  it('queues until the renderer is ready, then forwards live, in order', () => {
    const bus = createBus();
    const sent: unknown[][] = [];
    const target = { send: (...a: unknown[]) => sent.push(a), isDestroyed: () => false };
    const fwd = createPushForwarder(bus, () => target);
    bus.emit('status.changed', status);
    bus.emit('automations.paused', { paused: true });
    fwd.open({ view: 'event', id: 'evt_1' });
    expect(sent).toEqual([]);
    expect(fwd.queued()).toBe(2);

    const ipc = fakeIpcMain();
    listenForReady(ipc as never, fwd, (e) => isTrustedSender(e as never));
    ipc.listeners.get(IPC.ready)!({ senderFrame: frame('https://evil.example/'), sender: { id: 1 } });
    expect(sent).toEqual([]);
    ipc.listeners.get(IPC.ready)!(ours);
    expect(sent).toEqual([
      [IPC.push, 'status.changed', status],
      [IPC.push, 'automations.paused', { paused: true }],
      [IPC.open, { view: 'event', id: 'evt_1' }],
    ]);
    bus.emit('config.changed', { error: null });
    expect(sent[3]).toEqual([IPC.push, 'config.changed', { error: null }]);

    fwd.notReady();
    bus.emit('automations.paused', { paused: false });
    expect(sent.length).toBe(4);
    fwd.dispose();
    bus.emit('automations.paused', { paused: true });
    fwd.ready();
    expect(sent.length).toBe(5);
  });

  it('bounds the queue while nobody listens', () => {
    const bus = createBus();
    const fwd = createPushForwarder(bus, () => null, 10);
    for (let i = 0; i < 50; i++) bus.emit('automations.paused', { paused: i % 2 === 0 });
    expect(fwd.queued()).toBe(10);
  });
});
