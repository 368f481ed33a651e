// The automations' part of the API (shared/api.ts): replay, retry by hand,
// the outbox views, pause/resume and test runs. Small functions of the
// service's parts; errors are HttpErrors with sentences an owner understands.
import { summarize } from '../../../shared/summary';
import { mayRun } from '../../../shared/statuses';
import type { EventSummary, Run } from '../../../shared/types';
import type { Outbox } from '../outbox/outbox';
import { payloadOfText } from '../store/event-payload';
import type { StoredEvent } from '../store/types';
import type { AutomationsService } from '../types';
import { HttpError, notFound } from '../util/errors';
import { newId } from '../util/ids';
import type { AutomationsCore } from './core';
import { ranOf } from './runs';

export type AutomationHandlers = AutomationsService['handlers'];

/**
 * An edited copy of an event, for edit-and-replay: new id, no provider id (never a
 * duplicate), marked replayOf. Edited text is kept as written, so scripts get its
 * exact bytes (an id beyond 2^53 stays whole); a value is serialized.
 */
export function editedCopy(
  event: StoredEvent,
  edit: { text: string } | { payload: unknown },
  now: number,
): StoredEvent {
  const text =
    'text' in edit ? edit.text : typeof edit.payload === 'string' ? edit.payload : JSON.stringify(edit.payload);
  const payload = 'text' in edit ? payloadOfText(text).payload : edit.payload;
  let summary: string | null;
  try {
    summary = summarize(event.provider, event.type, payload); // of the edited payload, not the original's
  } catch {
    summary = null;
  }
  return {
    ...event,
    summary,
    id: newId('evt', now),
    status: 'received',
    receivedAt: new Date(now).toISOString(),
    providerEventId: null,
    // Never a duplicate of its original (whose dedupe key the spread above copied).
    dedupeKey: null,
    verification: { ok: true, reason: `An edited copy of ${event.id}, made in Hookdock (not signed by the sender).` },
    sizeBytes: Buffer.byteLength(text),
    redeliveries: 0,
    replayOf: event.id,
    body: { text },
    payload,
  };
}

export function createAutomationHandlers(core: AutomationsCore, outbox: Outbox): AutomationHandlers {
  const { store, bus, clock } = core.deps;

  return {
    async replayEvent({ id, payload, payloadText }): Promise<{ event: EventSummary; runs: Run[] }> {
      const original = await store.getEvent(id);
      if (!original) throw notFound('That event');
      if (!mayRun(original.status)) {
        throw new HttpError(
          409,
          'not_replayable',
          `A ${original.status} event never runs automations, so it cannot be replayed.`,
        );
      }
      let target: EventSummary = store.getEventSummary(id) ?? original;
      const edit = payloadText !== undefined ? { text: payloadText } : payload !== undefined ? { payload } : null;
      if (edit) {
        const stored = await store.appendEvent(editedCopy(original, edit, clock.now()));
        target = stored.summary;
        bus.emit('event.created', stored.summary);
      }
      const runs = await core.fire(target, 'replay');
      const event = store.getEventSummary(target.id) ?? target;
      return { event: { ...event, ran: ranOf(core.runs.forEvent(event.id)) }, runs };
    },

    async retryRun({ id }) {
      return core.retryRun(id);
    },

    async listOutbox(q) {
      return outbox.list(q);
    },

    async retryDelivery({ id }) {
      return outbox.retryNow(id);
    },

    async setAutomationsPaused({ paused }) {
      await core.setPaused(paused);
      return { paused };
    },

    async testRunAutomation({ id, eventId }) {
      return core.testRun(id, eventId);
    },
  };
}
