// Past events an automation's conditions can be tried on: the newest stored events of
// the chosen source and (first exact) event type, and the fields of the one picked.
import { useEffect, useState } from 'react';
import type { EventSummary } from '../../../../shared/types';
import { getApi } from '../../../api';
import { fieldPaths } from './rows';

export interface Samples {
  events: EventSummary[];
  picked: string | null;
  pick: (id: string) => void;
  fields: { path: string; example: string }[];
}

export function useSamples(source: string, types: string[]): Samples {
  const type = types.find((t) => !/[*?[\]]/.test(t));
  const [events, setEvents] = useState<EventSummary[]>([]);
  const [picked, setPicked] = useState<string | null>(null);
  const [fields, setFields] = useState<Samples['fields']>([]);

  useEffect(() => {
    let live = true;
    // Through a promise, so a host that cannot list events just leaves the samples empty.
    Promise.resolve()
      .then(() => getApi().listEvents({ ...(source !== '*' ? { source } : {}), ...(type ? { type } : {}), limit: 10 }))
      .then(
        (page) => {
          if (!live) return;
          const usable = page.items.filter((e) => e.status !== 'rejected' && e.status !== 'duplicate');
          setEvents(usable);
          setPicked((p) => (p && usable.some((e) => e.id === p) ? p : (usable[0]?.id ?? null)));
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [source, type]);

  useEffect(() => {
    if (!picked) return setFields([]);
    let live = true;
    Promise.resolve()
      .then(() => getApi().getEvent({ id: picked }))
      .then(
        (e) => live && setFields(fieldPaths(e)),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [picked]);

  return { events, picked, pick: setPicked, fields };
}
