// Whether an automation covers an event (ARCHITECTURE.md "Contract: config"). Pure:
// the engine (automations/match.ts) and the renderer (an event page naming automations made since) share it.
//
// An automation matches when it is enabled, its `source` is the event's source
// or "*", and one of its `events` matches the event type: exactly, or as a
// glob where "*" stands for any run of characters, "/" and "." included
// ("orders/*", "refund.*", "*"). Nothing else is special, so an owner's
// pattern never surprises them the way a regular expression would.
import type { AutomationConfig } from './config';
import type { EventStatus } from './types';

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
