// Which automations an event fires (ARCHITECTURE.md "Contract: config"). Pure; the rule itself
// lives in shared/automation-match.ts, which the renderer uses too.
import type { AutomationConfig, Config } from '../../../shared/config';
import { NEVER_RUNS } from '../../../shared/statuses';
import { automationMatches, type MatchableEvent } from '../../../shared/automation-match';

export { automationMatches, globMatch, type MatchableEvent } from '../../../shared/automation-match';

/** The enabled automations an event fires, in config order; none for rejected or duplicate events. */
export function matchingAutomations(config: Pick<Config, 'automations'>, event: MatchableEvent): AutomationConfig[] {
  if (event.status && NEVER_RUNS.has(event.status)) return [];
  return config.automations.filter((a) => automationMatches(a, event));
}
