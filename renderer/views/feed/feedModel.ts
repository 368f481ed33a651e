// The live feed's state changes as pure functions: which pushed events belong
// in the list under the current filters, and how they merge in place.
import { foldText } from '../../../shared/fold';
import type { EventStatus, EventSummary, RunStatus } from '../../../shared/types';

export interface FeedFilters {
  source: string;
  type: string;
  status: EventStatus | '';
  q: string;
}

export const NO_FILTERS: FeedFilters = { source: '', type: '', status: '', q: '' };

export function hasFilters(f: FeedFilters): boolean {
  return Boolean(f.source || f.type || f.status || f.q.trim());
}

/** The source, type and status filters (not the words), for an event pushed while the list is open. */
function matchesChoices(ev: EventSummary, f: FeedFilters): boolean {
  if (f.source && ev.source !== f.source) return false;
  if (f.type && ev.type !== f.type) return false;
  // 'duplicate' is never an event's own status: a redelivery is counted on its first copy.
  if (f.status && !(f.status === 'duplicate' ? ev.redeliveries > 0 : ev.status === f.status)) return false;
  return true;
}

/**
 * The client-side twin of the server's filter, for events pushed while the list is open.
 * Words are folded as on the server (shared/fold.ts: "maria" finds "María"), but only the
 * summary's fields are here: a word found only in the payload needs the server
 * (needsServerSearch).
 */
export function matchesFilters(ev: EventSummary, f: FeedFilters): boolean {
  if (!matchesChoices(ev, f)) return false;
  const q = foldText(f.q.trim());
  if (q) {
    const hay = foldText(
      [ev.id, ev.type, ev.source, ev.summary ?? '', ev.providerEventId ?? '', ev.provider].join(' '),
    );
    if (!q.split(/\s+/).every((word) => hay.includes(word))) return false;
  }
  return true;
}

/**
 * True when a pushed event fits the source, type and status filters and the search words
 * may be in its payload, which the dashboard does not have: the server must be asked
 * (the feed then fetches its first page again and adds what it had not shown).
 */
export function needsServerSearch(ev: EventSummary, f: FeedFilters): boolean {
  return f.q.trim() !== '' && ev.status !== 'rejected' && matchesChoices(ev, f) && !matchesFilters(ev, f);
}

export interface FeedState {
  items: EventSummary[];
  /** Arrived while paused or scrolled away: shown by the "N new events" pill. */
  pending: EventSummary[];
  nextCursor: string | null;
}

/** A new event goes on top, or waits in `pending` when the owner is not watching the top. */
export function addCreated(state: FeedState, ev: EventSummary, f: FeedFilters, holdBack: boolean): FeedState {
  if (!matchesFilters(ev, f)) return state;
  if (state.items.some((x) => x.id === ev.id) || state.pending.some((x) => x.id === ev.id)) {
    return applyUpdated(state, ev);
  }
  if (holdBack) return { ...state, pending: [ev, ...state.pending] };
  return { ...state, items: [ev, ...state.items] };
}

/**
 * The first page of the current filters (newest first), keeping on top the events pushed live
 * while it was being fetched: newer than its top row, not in it, and matching the filters.
 * Replacing the list with the page lost a webhook that arrived in between until a reload.
 */
export function firstPage(
  state: FeedState,
  page: EventSummary[],
  nextCursor: string | null,
  f: FeedFilters,
): FeedState {
  const inPage = new Set(page.map((x) => x.id));
  const top = page[0]?.id ?? '';
  const live = (list: EventSummary[]) => list.filter((x) => !inPage.has(x.id) && x.id > top && matchesFilters(x, f));
  return { items: [...live(state.items), ...page], pending: live(state.pending), nextCursor };
}

/**
 * Events the server found for the current search that the list does not show yet (a page,
 * newest first) go on top, or wait in `pending`, as addCreated does; rows already shown stay.
 */
export function addFound(state: FeedState, page: EventSummary[], holdBack: boolean): FeedState {
  const shown = new Set([...state.items, ...state.pending].map((x) => x.id));
  const top = state.items[0]?.id ?? '';
  // Only what is newer than the top row: older ones come with "load more", in order.
  const found = page.filter((x) => !shown.has(x.id) && x.id > top);
  if (!found.length) return state;
  if (holdBack) return { ...state, pending: [...found, ...state.pending] };
  return { ...state, items: [...found, ...state.items] };
}

/** An update replaces the row in place (status changes never move rows). */
export function applyUpdated(state: FeedState, ev: EventSummary): FeedState {
  const replace = (list: EventSummary[]) => {
    const i = list.findIndex((x) => x.id === ev.id);
    if (i < 0) return list;
    const next = list.slice();
    next[i] = { ...list[i], ...ev };
    return next;
  };
  const items = replace(state.items);
  const pending = replace(state.pending);
  return items === state.items && pending === state.pending ? state : { ...state, items, pending };
}

export function flushPending(state: FeedState): FeedState {
  if (!state.pending.length) return state;
  const seen = new Set(state.pending.map((x) => x.id));
  return { ...state, items: [...state.pending, ...state.items.filter((x) => !seen.has(x.id))], pending: [] };
}

/** A fetched page goes at the end, skipping rows already shown (new events shift cursors). */
export function appendPage(state: FeedState, page: EventSummary[], nextCursor: string | null): FeedState {
  const seen = new Set(state.items.map((x) => x.id));
  return { ...state, items: [...state.items, ...page.filter((x) => !seen.has(x.id))], nextCursor };
}

/** What ran for each event, learned from 'run.updated' while the feed is open. */
export type RunsByEvent = Map<string, Map<string, RunStatus>>;
