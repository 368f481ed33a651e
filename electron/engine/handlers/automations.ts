// The automations-owned API methods, forwarded to the automations service.
// While it is not composed (or failed to start), they answer 503 with a sentence.
import type { ApiHandlers } from '../../../shared/api';
import type { AutomationsService } from '../types';
import { HttpError } from '../util/errors';

type AutomationHandlers = AutomationsService['handlers'];

const unavailable = () => new HttpError(503, 'automations_unavailable', 'Automations are not available yet. Try again in a moment.');

export function automationHandlers(get: () => AutomationsService | null): AutomationHandlers {
  const service = () => {
    const s = get();
    if (!s) throw unavailable();
    return s.handlers;
  };
  return {
    replayEvent: async (args) => service().replayEvent(args),
    retryRun: async (args) => service().retryRun(args),
    listOutbox: async (args) => service().listOutbox(args),
    retryDelivery: async (args) => service().retryDelivery(args),
    setAutomationsPaused: async (args) => service().setAutomationsPaused(args),
    testRunAutomation: async (args) => service().testRunAutomation(args),
  } satisfies Pick<ApiHandlers, keyof AutomationHandlers>;
}
