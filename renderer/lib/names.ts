// Names, not ids: what the owner typed for a source, an automation or a
// destination, falling back to the id when it has no name (or is gone).
import { useMemo } from 'react';
import { useAppState } from '../api/store';

export interface Names {
  source: (id: string) => string;
  automation: (id: string) => string;
  destination: (id: string) => string;
}

type Named = { id: string; name?: string | null };

function lookup(list: readonly Named[] | undefined): (id: string) => string {
  const byId = new Map((list ?? []).map((x) => [x.id, x.name?.trim() || x.id]));
  return (id) => (id === '*' ? 'any source' : (byId.get(id) ?? id));
}

/** Pure: the names in a config. */
export function namesOf(config: { sources?: Named[]; automations?: Named[]; destinations?: Named[] } | null): Names {
  return {
    source: lookup(config?.sources),
    automation: lookup(config?.automations),
    destination: lookup(config?.destinations),
  };
}

/** The names in the app's current config (updated when it changes). */
export function useNames(): Names {
  const config = useAppState((s) => s.config);
  return useMemo(() => namesOf(config as Parameters<typeof namesOf>[0]), [config]);
}
