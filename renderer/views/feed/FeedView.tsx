// Home: the live feed. New events appear on top as they arrive; while the owner
// reads further down, or has paused, they wait behind an "N new events" pill so
// the rows under the pointer never jump.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EventSummary, RunStatus } from '../../../shared/types';
import { getApi, errorMessage } from '../../api';
import { useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { frameBatcher } from '../../lib/batch';
import { plural } from '../../lib/format';
import { consumePreset, href } from '../../app/router';
import { FeedList } from './FeedList';
import { FeedToolbar } from './FeedToolbar';
import {
  NO_FILTERS,
  addCreated,
  addFound,
  needsServerSearch,
  appendPage,
  applyUpdated,
  firstPage,
  flushPending,
  hasFilters,
  type FeedFilters,
  type FeedState,
} from './feedModel';

const PAGE_SIZE = 100;
const EMPTY_FEED: FeedState = { items: [], pending: [], nextCursor: null };
type Ran = { automationId: string; status: RunStatus }[];
const NO_RUNS: Ran = [];

// Kept across visits so coming back from an event keeps the owner's filters.
let lastFilters: FeedFilters = NO_FILTERS;

export function FeedView({ presetStatus }: { presetStatus?: string } = {}) {
  const api = getApi();
  const config = useAppState((s) => s.config);
  const connection = useAppState((s) => s.connection);
  const [filters, setFiltersState] = useState<FeedFilters>(() => presetFilters(presetStatus) ?? lastFilters);
  const [feed, setFeed] = useState<FeedState>(EMPTY_FEED);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [atTop, setAtTop] = useState(true);
  const [topSignal, setTopSignal] = useState(0);
  const [seenTypes, setSeenTypes] = useState<{ source: string; type: string }[]>([]);
  const [ranVersion, setRanVersion] = useState(0);
  const ranLive = useRef(new Map<string, Ran>());
  const generation = useRef(0);
  const filtersRef = useRef(filters);
  const holdBack = useRef(false);
  holdBack.current = paused || !atTop;

  const setFilters = useCallback((f: FeedFilters) => {
    lastFilters = f;
    filtersRef.current = f;
    setFiltersState(f);
  }, []);

  const loadFirst = useCallback(async () => {
    const gen = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await api.listEvents({ ...toQuery(filtersRef.current), limit: PAGE_SIZE });
      if (gen !== generation.current) return;
      setFeed((cur) => firstPage(cur, page.items, page.nextCursor, filtersRef.current));
      setTopSignal((n) => n + 1);
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, [api]);

  const loadMore = useCallback(async () => {
    const cursor = feed.nextCursor;
    if (!cursor || loadingMore) return;
    const gen = generation.current;
    setLoadingMore(true);
    try {
      const page = await api.listEvents({ ...toQuery(filtersRef.current), limit: PAGE_SIZE, cursor });
      if (gen === generation.current) setFeed((s) => appendPage(s, page.items, page.nextCursor));
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }, [api, feed.nextCursor, loadingMore]);

  // A pushed event whose match is only in its payload: the server's search says (one ask at a time).
  const asking = useRef({ busy: false, again: false });
  const askServer = useCallback(async () => {
    const a = asking.current;
    if (a.busy) {
      a.again = true;
      return;
    }
    a.busy = true;
    try {
      do {
        a.again = false;
        const gen = generation.current;
        const page = await api.listEvents({ ...toQuery(filtersRef.current), limit: PAGE_SIZE });
        if (gen === generation.current) setFeed((s) => addFound(s, page.items, holdBack.current));
      } while (a.again);
    } catch {
      // The next event, or a reload, asks again; the list stays as it is.
    } finally {
      a.busy = false;
    }
  }, [api]);

  const loadTypes = useCallback(() => {
    api.listEventTypes({}).then(
      (r) => setSeenTypes(r.items),
      () => undefined,
    );
  }, [api]);

  useEffect(() => {
    void loadFirst();
  }, [filters, loadFirst]);

  useEffect(() => {
    loadTypes();
    const knownTypes = new Set<string>();
    // Creations and updates in arrival order, applied once per frame.
    const created = frameBatcher<EventSummary & { updateOnly?: boolean }>((list) =>
      setFeed((s) =>
        list.reduce(
          (acc, ev) =>
            ev.updateOnly
              ? applyUpdated(acc, stripFlag(ev))
              : addCreated(acc, ev, filtersRef.current, holdBack.current),
          s,
        ),
      ),
    );
    const offs = [
      api.listen('event.created', (ev) => {
        created.push(ev);
        if (needsServerSearch(ev, filtersRef.current)) void askServer();
        if (!knownTypes.has(`${ev.source} ${ev.type}`)) {
          knownTypes.add(`${ev.source} ${ev.type}`);
          setSeenTypes((list) =>
            list.some((t) => t.source === ev.source && t.type === ev.type)
              ? list
              : [{ source: ev.source, type: ev.type }, ...list],
          );
        }
      }),
      api.listen('event.updated', (ev) => created.push({ ...ev, updateOnly: true })),
      api.listen('run.updated', (run) => {
        // A "Test it" run never speaks for its event (as on the server: runs.ts ranOf).
        if (run.reason === 'test') return;
        const list = ranLive.current.get(run.eventId) ?? [];
        const next = [
          { automationId: run.automationId, status: run.status },
          ...list.filter((r) => r.automationId !== run.automationId),
        ];
        ranLive.current.set(run.eventId, next);
        setRanVersion((v) => v + 1);
      }),
      // Events missed while disconnected are not replayed: fetch the top again.
      api.onConnection((_state, reconnected) => {
        if (reconnected) void loadFirst();
      }),
    ];
    return () => {
      created.cancel();
      offs.forEach((off) => off());
    };
  }, [api, loadFirst, loadTypes, askServer]);

  // Back at the top and live: show what waited.
  useEffect(() => {
    if (atTop && !paused) setFeed(flushPending);
  }, [atTop, paused]);

  const ranFor = useCallback(
    (ev: EventSummary): Ran => ranLive.current.get(ev.id) ?? ev.ran ?? NO_RUNS,
    // ranVersion: a new function when live runs changed, so the rows re-render.
    [ranVersion],
  );

  const sources = useMemo(() => {
    const ids = new Set((config?.sources ?? []).map((s) => s.id));
    seenTypes.forEach((t) => ids.add(t.source));
    return [...ids].sort();
  }, [config, seenTypes]);
  const types = useMemo(
    () =>
      [...new Set(seenTypes.filter((t) => !filters.source || t.source === filters.source).map((t) => t.type))].sort(),
    [seenTypes, filters.source],
  );

  const showNew = () => {
    setPaused(false);
    setFeed(flushPending);
    setTopSignal((n) => n + 1);
  };

  return (
    <div className="feed-view">
      <div className="feed-heading">
        <h1 className="page-title">Live feed</h1>
        <span className={`live-indicator ${paused || connection !== 'live' ? 'is-paused' : ''}`} aria-live="polite">
          <span className="dot" aria-hidden="true" />
          {paused ? 'Paused' : connection === 'live' ? 'Live' : 'Reconnecting…'}
        </span>
      </div>
      <FeedToolbar
        filters={filters}
        onChange={setFilters}
        sources={sources}
        types={types}
        paused={paused}
        onTogglePause={() => setPaused((p) => !p)}
      />
      {error && (
        <div className="notice tone-danger" role="alert">
          {error}{' '}
          <Button size="sm" variant="ghost" onClick={() => void loadFirst()}>
            Try again
          </Button>
        </div>
      )}
      <div className="feed-frame">
        {feed.pending.length > 0 && (
          <button type="button" className="new-pill" onClick={showNew}>
            ↑ {plural(feed.pending.length, 'new event')}
            {paused ? ' — resume' : ''}
          </button>
        )}
        <div className="feed-columns" aria-hidden="true">
          <span>Time</span>
          <span>Source</span>
          <span>What happened</span>
          <span>Details</span>
          <span>Status</span>
        </div>
        {loading && feed.items.length === 0 ? (
          <div className="feed-placeholder" role="status">
            <span className="spinner" aria-hidden="true" /> Loading events…
          </div>
        ) : feed.items.length === 0 ? (
          <FeedEmpty
            filtered={hasFilters(filters)}
            hasSources={(config?.sources.length ?? 0) > 0}
            onClear={() => setFilters(NO_FILTERS)}
          />
        ) : (
          <FeedList
            items={feed.items}
            hasMore={feed.nextCursor !== null}
            loadingMore={loadingMore}
            loadMore={loadMore}
            ranFor={ranFor}
            onAtTopChange={setAtTop}
            scrollToTopSignal={topSignal}
          />
        )}
      </div>
    </div>
  );
}

function FeedEmpty({ filtered, hasSources, onClear }: { filtered: boolean; hasSources: boolean; onClear: () => void }) {
  if (filtered) {
    return (
      <EmptyState title="Nothing matches these filters" action={<Button onClick={onClear}>Clear filters</Button>}>
        <p>
          Try fewer words, another source or any status. Search looks at the first 256 characters of each field (a long
          note: its start).
        </p>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      title="No events yet"
      action={
        <a className="btn btn-primary" href={hasSources ? href('sources') : href('sources', 'new')}>
          {hasSources ? 'Send a test event' : 'Add your first source'}
        </a>
      }
    >
      <p>
        {hasSources
          ? 'Your sources are set up. Paste their webhook URL in your shop or payment settings, or send a test event to see how it looks.'
          : 'Add a source (Shopify, Stripe, WooCommerce…), paste the webhook URL it gives you into that service, and events will show up here as they arrive.'}
      </p>
    </EmptyState>
  );
}

function stripFlag(ev: EventSummary & { updateOnly?: boolean }): EventSummary {
  const { updateOnly: _drop, ...rest } = ev;
  return rest;
}

/** A header counter's link (#/feed?status=failed): that status only, every other filter cleared. */
function presetFilters(status: string | undefined): FeedFilters | null {
  if (status === undefined) return null;
  consumePreset();
  const known = ['received', 'processing', 'done', 'failed', 'duplicate', 'rejected'];
  lastFilters = { ...NO_FILTERS, status: (known.includes(status) ? status : '') as FeedFilters['status'] };
  return lastFilters;
}

function toQuery(f: FeedFilters) {
  return {
    source: f.source || undefined,
    type: f.type || undefined,
    status: f.status || undefined,
    q: f.q.trim() || undefined,
  };
}
