// Status and the event feed: read-only views over the store, with runs and
// deliveries joined in from the automations service.
import type { ApiHandlers } from '../../../shared/api';
import type { Status } from '../../../shared/types';
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
    dataDir: ctx.dataDir,
  };
}

export function createEventHandlers(ctx: HandlerContext): EventHandlers {
  return {
    getStatus: async () => buildStatus(ctx),

    listEvents: async (args) => ctx.store.listEvents(args),

    getEvent: async ({ id }) => {
      const event = await ctx.store.getEvent(id);
      if (!event) throw notFound('That event');
      const automations = ctx.automations();
      return {
        ...event,
        runs: automations?.runsForEvent(id) ?? [],
        deliveries: automations?.deliveriesForEvent(id) ?? [],
      };
    },

    listEventTypes: async () => ({
      items: [...ctx.store.eventTypes()].sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)),
    }),
  };
}
