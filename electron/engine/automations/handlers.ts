// The automations' part of the API (shared/api.ts): replay, retry by hand,
// the outbox views, pause/resume and test runs. Small functions of the
// service's parts; errors are HttpErrors with sentences an owner understands.
import type { EventSummary, Run } from '../../../shared/types';
import type { Outbox } from '../outbox/outbox';
import type { StoredEvent } from '../store/types';
import type { AutomationsService } from '../types';
import { HttpError, notFound } from '../util/errors';
import { newId } from '../util/ids';
import type { AutomationsCore } from './core';
import { ranOf } from './runs';

export type AutomationHandlers = AutomationsService['handlers'];

/** An edited copy of an event, for edit-and-replay: new id, no provider id (never a duplicate), marked replayOf. */
export function editedCopy(event: StoredEvent, payload: unknown, now: number): StoredEvent {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    ...event,
    id: newId('evt', now),
    status: 'received',
    receivedAt: new Date(now).toISOString(),
    providerEventId: null,
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
    async replayEvent({ id, payload }): Promise<{ event: EventSummary; runs: Run[] }> {
      const original = await store.getEvent(id);
      if (!original) throw notFound('That event');
      if (original.status === 'rejected' || original.status === 'duplicate') {
        throw new HttpError(
          409,
          'not_replayable',
          `A ${original.status} event never runs automations, so it cannot be replayed.`,
        );
      }
      let target: EventSummary = store.getEventSummary(id) ?? original;
      if (payload !== undefined) {
        const stored = await store.appendEvent(editedCopy(original, payload, clock.now()));
        target = stored.summary;
        bus.emit('event.created', stored.summary);
      }
      const runs = await core.fire(target);
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
