// The registry of action kinds: refuses a repeated kind, so two folders can
// never claim the same name (STYLE.md "Kinds behind one interface").
import type { ActionConfig } from '../../../shared/actions';
import type { ActionKind, ActionRegistry, AnyActionKind } from './types';

/** Throws (a programming error, at start) when two kinds share a name. */
export function createActionRegistry(kinds: readonly AnyActionKind[]): ActionRegistry {
  const byKind = new Map<string, ActionKind>();
  for (const k of kinds) {
    if (byKind.has(k.kind)) throw new Error(`Two action kinds are named "${k.kind}"; each kind needs its own name.`);
    byKind.set(k.kind, k as unknown as ActionKind<ActionConfig>);
  }
  return {
    get: (kind) => byKind.get(kind),
    kinds: () => [...byKind.keys()] as ActionConfig['kind'][],
    stop() {
      for (const k of byKind.values()) k.stop?.();
    },
    async recoverInterrupted(runIds) {
      const merged = new Map<string, string | null>();
      if (runIds.length === 0) return merged;
      for (const k of byKind.values()) {
        const found = (await k.recoverInterrupted?.(runIds)) ?? new Map<string, string | null>();
        for (const [id, what] of found) if (what) merged.set(id, what);
      }
      return merged;
    },
  };
}
