// Status and the event feed: read-only views over the store, with runs and
// deliveries joined in from the automations service.
import type { ApiHandlers } from '../../../shared/api';
import type { Status } from '../../../shared/types';
import { ranOf } from '../automations/runs';
import { notFound } from '../util/errors';
import type { HandlerContext } from './context';

type EventHandlers = Pick<ApiHandlers, 'getStatus' | 'listEvents' | 'getEvent' | 'listEventTypes'>;

const NO_AUTOMATION_COUNTS = { runsFailed: 0, deliveriesFailed: 0, jobsPending: 0 };

export function buildStatus(ctx: HandlerContext): Status {
  const tunnel = ctx.tunnel().status();
  const automations = ctx.automations();
  return {
    version: ctx.version,
    receiverUrl: ctx.receiverUrl(),
    publicUrl: ctx.tunnel().publicUrl(),
    tunnel,
    counts: { ...ctx.store.eventCounts(ctx.clock.now()), ...(automations?.counts() ?? NO_AUTOMATION_COUNTS) },
    automationsPaused: automations?.paused() ?? false,
    store: ctx.store.health(),
    configError: ctx.config.error(),
    configRejectedEdit: ctx.config.rejectedEdit?.() ?? null,
    dataDir: ctx.dataDir,
    ...(ctx.reachability ? { reachability: ctx.reachability() } : {}),
    follow: ctx.follow?.() ?? null,
    ...(ctx.followers ? { followers: ctx.followers() } : {}),
  };
}

export function createEventHandlers(ctx: HandlerContext): EventHandlers {
  return {
    getStatus: async () => buildStatus(ctx),

    listEvents: async (args) => {
      const page = ctx.store.listEvents(args);
      const automations = ctx.automations();
      // `test` always said (the store keeps it only when true); runs come from an index by
      // event: a page of 50 costs 50 small lookups.
      const items = page.items.map((e) => ({
        ...e,
        test: e.test === true,
        ...(automations ? { ran: ranOf(automations.runsForEvent(e.id)) } : {}),
      }));
      return { ...page, items };
    },

    getEvent: async ({ id }) => {
      const event = await ctx.store.getEvent(id);
      if (!event) throw notFound('That event');
      const automations = ctx.automations();
      // Runs stored before reasons existed ran because their event arrived.
      const runs = (automations?.runsForEvent(id) ?? []).map((r) => ({ reason: 'event' as const, test: false, ...r }));
      return {
        ...event,
        test: event.test === true,
        ...(automations ? { ran: ranOf(runs) } : {}),
        runs,
        deliveries: automations?.deliveriesForEvent(id) ?? [],
      };
    },

    listEventTypes: async () => ({
      items: [...ctx.store.eventTypes()].sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)),
    }),
  };
}
