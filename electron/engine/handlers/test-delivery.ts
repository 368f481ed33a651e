// "Send a test" on a destination: one real, signed delivery through the outbox
// (stored, attempted, retried like any other), so the owner sees the other side's
// answer before a script depends on it.
import type { ApiHandlers } from '../../../shared/api';
import type { Config } from '../../../shared/config';
import type { Outbox } from '../outbox/outbox';
import { notFound } from '../util/errors';

/** The type a test delivery carries, so a receiver can tell it from real traffic. */
export const TEST_DELIVERY_TYPE = 'hookdock.test';

export function createTestDeliveryHandlers(deps: {
  config: () => Config;
  outbox: () => Pick<Outbox, 'send'>;
  now: () => number;
}): Pick<ApiHandlers, 'sendTestDelivery'> {
  return {
    sendTestDelivery: async ({ id }) => {
      if (!deps.config().destinations.some((d) => d.id === id)) throw notFound('That destination');
      return deps.outbox().send({
        destinationId: id,
        type: TEST_DELIVERY_TYPE,
        data: { test: true, message: 'A test from Hookdock.', sentAt: new Date(deps.now()).toISOString() },
        eventId: null,
        runId: null,
      });
    },
  };
}
