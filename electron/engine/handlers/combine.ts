// Merges the API handlers each domain defines (events, config, test events,
// automations...) into the one map both transports serve. Actual's combine():
// a method defined by two domains is a programming error, caught at start.
import type { ApiHandlers } from '../../../shared/api';

type Group = Partial<ApiHandlers>;

/**
 * One handler map from several domains' groups. Throws when two groups define the same
 * method (naming both groups by position), so one domain can never silently replace another's.
 */
export function combineHandlers(...groups: Group[]): ApiHandlers {
  const merged: Record<string, unknown> = {};
  const owner = new Map<string, number>();
  groups.forEach((group, i) => {
    for (const [name, fn] of Object.entries(group)) {
      const first = owner.get(name);
      if (first !== undefined) {
        throw new Error(
          `The API method "${name}" is defined by handler groups ${first + 1} and ${i + 1}; keep it in one.`,
        );
      }
      owner.set(name, i);
      merged[name] = fn;
    }
  });
  return merged as ApiHandlers;
}
