// Which automations an event fires (ARCHITECTURE.md "Contract: config"). Pure.
//
// An automation matches when it is enabled, its `source` is the event's source
// or "*", and one of its `events` matches the event type: exactly, or as a
// glob where "*" stands for any run of characters, "/" and "." included
// ("orders/*", "refund.*", "*"). Nothing else is special, so an owner's
// pattern never surprises them the way a regular expression would.
import type { AutomationConfig, Config } from '../../../shared/config';
import { NEVER_RUNS } from '../../../shared/statuses';
import type { EventStatus } from '../../../shared/types';

/**
 * Glob match where "*" matches any characters (possibly none). Linear-time
 * greedy matching with backtracking to the last star, so a hostile event type
 * cannot make it slow (no regular expression is built).
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export interface MatchableEvent {
  source: string;
  type: string;
  status?: EventStatus;
}

export function automationMatches(automation: AutomationConfig, event: MatchableEvent): boolean {
  if (!automation.enabled) return false;
  if (automation.source !== '*' && automation.source !== event.source) return false;
  return automation.events.some((pattern) => globMatch(pattern, event.type));
}

/** The enabled automations an event fires, in config order; none for rejected or duplicate events. */
export function matchingAutomations(config: Pick<Config, 'automations'>, event: MatchableEvent): AutomationConfig[] {
  if (event.status && NEVER_RUNS.has(event.status)) return [];
  return config.automations.filter((a) => automationMatches(a, event));
}
