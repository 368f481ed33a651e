// The notify action (issue #12 section 4): renders its title and body templates over the
// event and emits a 'notify' push event. The desktop shell shows it as a native notification
// (electron/shell/notifications.ts), an open browser dashboard as a browser Notification;
// clicking either opens the event.
//
// Decided: an attempt succeeds once the notification is emitted, even when nothing is
// listening (no window, no dashboard open): a notification is for the moment, retrying it
// later would show stale news, and the rendered text stays on the run for the owner to read.
// The attempt's result says how many listeners it reached, so "nobody saw it" is visible.
import { notifyActionSchema, type NotifyActionConfig } from '../../../../shared/actions';
import type { NotifyPush } from '../../../../shared/events';
import { renderFields, templateEnvelope } from '../../templates';
import type { ActionKind, ActionOutcome } from '../types';

/** The attempt's `result` of a notify action. */
export interface NotifyResult {
  title: string;
  body: string;
  /** Subscribers the push reached (desktop shell, IPC bridge, each open dashboard stream). */
  listeners: number;
}

export interface NotifyActionOptions {
  /** Emits the push; returns how many listeners it reached (bus.emit + bus.listenerCount). */
  emit(push: NotifyPush): number;
}

/** Longest title and body shown (characters); longer text is cut with "…" (OS notifications cut anyway). */
export const NOTIFY_TITLE_MAX = 200;
export const NOTIFY_BODY_MAX = 2000;

export function createNotifyAction(opts: NotifyActionOptions): ActionKind<NotifyActionConfig> {
  return {
    kind: 'notify',
    configSchema: notifyActionSchema,
    async run(ctx, event): Promise<ActionOutcome> {
      const envelope = templateEnvelope(event, ctx.test);
      let text: { title: string; body: string };
      try {
        text = await renderFields({ title: ctx.action.title, body: ctx.action.body }, envelope);
      } catch (err) {
        await ctx.ready; // the attempt is recorded only once it is durable, failed ones too
        return { ok: false, error: (err as Error).message, fields: { result: null } };
      }
      const title = cut(text.title.trim() || 'Hookdock', NOTIFY_TITLE_MAX);
      const body = cut(text.body.trim(), NOTIFY_BODY_MAX);
      await ctx.ready; // act only once the attempt is durable
      const listeners = opts.emit({
        eventId: event.id,
        runId: ctx.runId,
        automationId: ctx.automationId,
        title,
        body,
        test: ctx.test || event.test === true,
      });
      const result: NotifyResult = { title, body, listeners };
      return { ok: true, error: null, fields: { result } };
    },
  };
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
