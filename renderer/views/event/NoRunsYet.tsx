// The event page's line for an arrived event that ran nothing.
import { automationMatches } from '../../../shared/automation-match';
import type { AutomationConfig } from '../../../shared/config';
import type { HookEvent } from '../../../shared/types';

/**
 * Why an arrived event has no runs. "No automation matched" was true when it arrived; an
 * automation made since that would match it now is named, with the way to run it: Replay.
 */
export function NoRunsYet({ event, automations }: { event: HookEvent; automations: AutomationConfig[] }) {
  const now = automations.filter((a) => automationMatches(a, event));
  if (now.length === 0) {
    return (
      <>
        No automation matched this event when it arrived. <a href="#/automations/new">Create one</a>
      </>
    );
  }
  const names = now.map((a) => `\u201c${a.name || a.id}\u201d`).join(', ');
  return (
    <>
      No automation matched this event when it arrived. {names} {now.length === 1 ? 'was' : 'were'} made since for
      events like it: use Replay to run {now.length === 1 ? 'it' : 'them'} on this event now.
    </>
  );
}
