// The IPC side of the bridge: a generic adapter over shared/api.ts (and the
// desktop extras of shared/desktop.ts), like the HTTP dashboard is. Every
// handler goes through one wrapper, `guardedHandler`, which checks the sender
// frame, validates the arguments with the shared zod schema, calls the
// handler, and answers errors as data (an Error thrown across IPC loses
// everything but a mangled message).
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import type { z } from 'zod';
import { apiArgs, API_METHODS, type ApiHandlers } from '../../shared/api';
import { describeIssues } from '../../shared/config';
import { IPC, type IpcResult } from '../../shared/desktop';
import type { PushEventName, PushEvents, Unsubscribe } from '../../shared/events';
import type { Bus } from '../engine/util/bus';
import { toErrorBody } from '../engine/util/errors';
import type { Logger } from '../engine/util/logger';
import { isAppUrl } from './security';

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>;

/**
 * Only our own page, in the main frame, of the window we created may call:
 * not a subframe, not a page that somehow navigated elsewhere, not another
 * webContents. `expected` returns the window's webContents (null before it exists).
 */
export function isTrustedSender(event: SenderEvent, expected?: () => Pick<WebContents, 'id'> | null): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!isAppUrl(frame.url)) return false;
  if (expected) {
    const contents = expected();
    if (!contents || contents.id !== event.sender.id) return false;
  }
  return true;
}

export interface GuardOptions {
  isTrusted: (event: SenderEvent) => boolean;
  logger: Logger;
}

/** The one wrapper every ipcMain.handle goes through. */
export function guardedHandler<S extends z.ZodType, R>(
  name: string,
  schema: S,
  fn: (args: z.output<S>) => Promise<R>,
  opts: GuardOptions,
): (event: SenderEvent, raw?: unknown) => Promise<IpcResult<R>> {
  return async (event, raw) => {
    if (!opts.isTrusted(event)) {
      opts.logger.warn('refused an IPC call from a foreign frame', {
        method: name,
        url: event.senderFrame?.url ?? null,
      });
      return { ok: false, error: { code: 'forbidden', message: 'This window is not allowed to talk to Hookdock.' } };
    }
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad_request', message: describeIssues(parsed.error) } };
    }
    try {
      return { ok: true, value: await fn(parsed.data) };
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (status >= 500) opts.logger.error('IPC handler failed', { method: name, error: err });
      return { ok: false, error: body.error };
    }
  };
}

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

/** Registers every API method (and the given desktop methods); returns the undo. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: ApiHandlers,
  desktop: { [name: string]: { schema: z.ZodType; fn: (args: never) => Promise<unknown> } },
  opts: GuardOptions,
): Unsubscribe {
  const channels: string[] = [];
  for (const method of API_METHODS) {
    const channel = IPC.api(method);
    const fn = handlers[method] as (args: unknown) => Promise<unknown>;
    ipcMain.handle(
      channel,
      guardedHandler(method, apiArgs[method], (a) => fn(a), opts),
    );
    channels.push(channel);
  }
  for (const [name, { schema, fn }] of Object.entries(desktop)) {
    const channel = IPC.desktop(name);
    const call = fn as (args: unknown) => Promise<unknown>;
    ipcMain.handle(
      channel,
      guardedHandler(name, schema, (a) => call(a), opts),
    );
    channels.push(channel);
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}

type Target = Pick<WebContents, 'send' | 'isDestroyed'>;

export interface PushForwarder {
  /** The renderer subscribed: flush what queued, then forward live. */
  ready(): void;
  /** The page is (re)loading: queue until it says ready again. */
  notReady(): void;
  /** Asks the renderer to show something; kept until it is ready. */
  open(target: unknown): void;
  dispose(): void;
  queued(): number;
}

/**
 * Forwards every bus event to the renderer over IPC.push. Events queue until
 * the renderer says it is ready (none lost during page load); the queue is
 * bounded because a chatty script's output must not grow memory without end.
 */
export function createPushForwarder(
  bus: Pick<Bus, 'onAny'>,
  target: () => Target | null,
  maxQueue = 1000,
): PushForwarder {
  let isReady = false;
  const queue: [string, unknown][] = [];
  let pendingOpen: unknown = null;
  const send = (channel: string, ...args: unknown[]) => {
    const t = target();
    if (t && !t.isDestroyed()) t.send(channel, ...args);
  };
  const off = bus.onAny(<K extends PushEventName>(name: K, payload: PushEvents[K]) => {
    if (isReady) return send(IPC.push, name, payload);
    queue.push([name, payload]);
    if (queue.length > maxQueue) queue.shift();
  });
  return {
    ready() {
      isReady = true;
      for (const [name, payload] of queue.splice(0)) send(IPC.push, name, payload);
      if (pendingOpen) send(IPC.open, pendingOpen);
      pendingOpen = null;
    },
    notReady() {
      isReady = false;
    },
    open(openTarget) {
      if (isReady) send(IPC.open, openTarget);
      else pendingOpen = openTarget;
    },
    dispose: off,
    queued: () => queue.length,
  };
}

/** Wires the renderer's "ready" message to the forwarder, from trusted senders only. */
export function listenForReady(
  ipcMain: IpcMainLike,
  forwarder: PushForwarder,
  isTrusted: (event: SenderEvent) => boolean,
): Unsubscribe {
  const onReady = (event: IpcMainEvent) => {
    if (isTrusted(event)) forwarder.ready();
  };
  ipcMain.on(IPC.ready, onReady);
  return () => ipcMain.removeListener(IPC.ready, onReady);
}
