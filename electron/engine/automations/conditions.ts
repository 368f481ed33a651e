// The `conditions` step of matching (shared/conditions.ts): which of the automations
// that matched an event by source and type also match its payload and headers.
// Compiled once per conditions object (the config's objects are replaced, never
// mutated, when it changes); the stored event is read only when one has conditions.
import type { AutomationConfig } from '../../../shared/config';
import { compileConditions, conditionPayload, type ConditionView } from '../../../shared/conditions';
import type { StoredEvent } from '../store/types';

const compiled = new WeakMap<object, (view: ConditionView) => boolean>();

function testerFor(conditions: Record<string, unknown>): (view: ConditionView) => boolean {
  let test = compiled.get(conditions);
  if (!test) {
    try {
      test = compileConditions(conditions);
    } catch {
      test = () => false; // refused on save; a hand edit that slipped through matches nothing
    }
    compiled.set(conditions, test);
  }
  return test;
}

/** What conditions see of a stored event: headers, and the payload with every number exact. */
export function conditionView(event: Pick<StoredEvent, 'headers' | 'body' | 'payload'>): ConditionView {
  const text = 'text' in event.body ? event.body.text : null;
  return { headers: event.headers, payload: conditionPayload(text, event.payload) };
}

/**
 * The automations whose conditions the event meets (those without conditions always do).
 * `load` reads the stored event; it is called at most once, and only when needed. An event
 * that can no longer be read meets no conditions.
 */
export async function meetingConditions(
  automations: AutomationConfig[],
  load: () => Promise<StoredEvent | undefined>,
): Promise<AutomationConfig[]> {
  if (!automations.some((a) => a.conditions)) return automations;
  const event = await load();
  const view = event ? conditionView(event) : null;
  return automations.filter((a) => !a.conditions || (view !== null && testerFor(a.conditions)(view)));
}
