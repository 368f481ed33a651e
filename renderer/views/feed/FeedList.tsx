// The virtualized feed: only the rows in view (plus a few) are in the DOM, so
// 100,000 events scroll as smoothly as 10. Pages are fetched with the cursor as
// the end comes near. Arrow keys move between rows (one tab stop for the list).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { EventSummary, RunStatus } from '../../../shared/types';
import { FeedRow } from './FeedRow';

export const ROW_HEIGHT = 56;
const LOAD_AHEAD = 30;

export interface FeedListProps {
  items: EventSummary[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  ranFor: (ev: EventSummary) => { automationId: string; status: RunStatus }[];
  /** Told whether the list is scrolled to the top (new events then show at once). */
  onAtTopChange: (atTop: boolean) => void;
  /** Bumped to scroll back to the top (the "N new events" pill). */
  scrollToTopSignal: number;
  /** For tests: the size of the viewport before it is measured. */
  initialHeight?: number;
}

export function FeedList({
  items,
  hasMore,
  loadingMore,
  loadMore,
  ranFor,
  onAtTopChange,
  scrollToTopSignal,
  initialHeight = 600,
}: FeedListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const count = items.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1000, height: initialHeight },
    getItemKey: (i) => items[i]?.id ?? `more-${i}`,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const last = virtualItems[virtualItems.length - 1];

  useEffect(() => {
    if (last && hasMore && !loadingMore && last.index >= items.length - LOAD_AHEAD) loadMore();
  }, [last?.index, hasMore, loadingMore, items.length, loadMore, last]);

  useEffect(() => {
    if (scrollToTopSignal > 0) {
      scrollRef.current?.scrollTo({ top: 0 });
      setActive(0);
    }
  }, [scrollToTopSignal]);

  const atTopRef = useRef(true);
  const onScroll = () => {
    const atTop = (scrollRef.current?.scrollTop ?? 0) < 8;
    if (atTop !== atTopRef.current) {
      atTopRef.current = atTop;
      onAtTopChange(atTop);
    }
  };

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(items.length - 1, index));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    // The row may only exist after the virtualizer re-renders.
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"] a`)?.focus();
    });
  };

  // j/k also work before anything in the feed has focus (a fresh page, or after
  // clicking the heading): the first press lands on the current row.
  const enterRows = useRef(() => focusRow(active));
  enterRows.current = () => focusRow(active);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.key !== 'j' && e.key !== 'k') || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, textarea, select, button, [contenteditable], dialog, [role="dialog"]')) return;
      if (scrollRef.current?.contains(t)) return; // the list's own handler moves
      e.preventDefault();
      enterRows.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: items.length - 1,
      j: active + 1,
      k: active - 1,
    };
    if (e.key in moves && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      focusRow(moves[e.key]);
    }
  };

  return (
    <div
      ref={scrollRef}
      className="feed-scroll"
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      role="region"
      aria-label="Events, newest first"
      data-testid="feed-scroll"
    >
      <div className="feed-inner" style={{ height: virtualizer.getTotalSize() }} role="list">
        {virtualItems.map((v) => {
          const ev = items[v.index];
          return (
            <div
              key={v.key}
              className="feed-slot"
              role="listitem"
              data-index={v.index}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
            >
              {ev ? (
                <FeedRow
                  event={ev}
                  ran={ranFor(ev)}
                  active={v.index === active}
                  index={v.index}
                  onFocusRow={setActive}
                />
              ) : (
                <div className="feed-loading" aria-live="polite">
                  <span className="spinner" aria-hidden="true" /> Loading older events…
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
