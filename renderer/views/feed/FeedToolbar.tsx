import { useEffect, useRef, useState } from 'react';
import { humanizeType } from '../../../shared/summary';
import type { EventStatus } from '../../../shared/types';
import { Button } from '../../components/Button';
import { Select } from '../../components/inputs';
import { EVENT_STATUS } from '../../lib/format';
import { useNames } from '../../lib/names';
import { NO_FILTERS, hasFilters, type FeedFilters } from './feedModel';

const STATUSES = Object.keys(EVENT_STATUS) as EventStatus[];
/** A redelivery is stored once, on its first copy: the filter finds the events sent more than once. */
const STATUS_FILTER_LABEL: Partial<Record<EventStatus, string>> = { duplicate: 'Sent more than once' };

export function FeedToolbar({
  filters,
  onChange,
  sources,
  types,
  paused,
  onTogglePause,
}: {
  filters: FeedFilters;
  onChange: (f: FeedFilters) => void;
  sources: string[];
  types: string[];
  paused: boolean;
  onTogglePause: () => void;
}) {
  // Names the owner typed; two sources with the same name are told apart by their id.
  const names = useNames();
  const sourceOption = (id: string) => {
    const name = names.source(id);
    const twin = sources.some((other) => other !== id && names.source(other) === name);
    return name === id ? id : twin ? `${name} (${id})` : name;
  };
  // Typing is debounced so each keystroke does not refetch.
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => {
    if (q === filters.q) return;
    const t = setTimeout(() => onChange({ ...filters, q }), 250);
    return () => clearTimeout(t);
  }, [q, filters, onChange]);

  // "/" jumps to the search box, as in most web apps.
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (
        e.key !== '/' ||
        e.ctrlKey ||
        e.metaKey ||
        e.altKey ||
        t?.closest('input, textarea, select, [contenteditable]')
      )
        return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select(); // typing replaces the last search, as in most web apps
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="toolbar" role="search" aria-label="Filter events">
      <div className="search-box">
        <svg
          viewBox="0 0 16 16"
          width="14"
          height="14"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
        >
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5L14 14" />
        </svg>
        <input
          ref={searchRef}
          type="search"
          className="input"
          placeholder="Search orders, emails, ids…  ( / )"
          aria-label="Search events"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ ...filters, q });
          }}
        />
      </div>
      <Select
        aria-label="Source"
        value={filters.source}
        onChange={(source) => onChange({ ...filters, source, type: '' })}
        options={[['', 'All sources'], ...sources.map((s) => [s, sourceOption(s)] as const)]}
      />
      <Select
        aria-label="Event type"
        className="type-filter"
        value={filters.type}
        onChange={(type) => onChange({ ...filters, type })}
        options={[['', 'All event types'], ...types.map((t) => [t, `${humanizeType(t)} (${t})`] as const)]}
      />
      <Select<EventStatus | ''>
        aria-label="Status"
        value={filters.status}
        onChange={(status) => onChange({ ...filters, status })}
        options={[
          ['', 'Any status'],
          ...STATUSES.map((s) => [s, STATUS_FILTER_LABEL[s] ?? EVENT_STATUS[s].label] as const),
        ]}
      />
      {hasFilters(filters) && (
        <Button variant="ghost" size="sm" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      )}
      <span className="toolbar-spacer" />
      <Button
        variant={paused ? 'primary' : 'secondary'}
        size="sm"
        aria-pressed={paused}
        onClick={onTogglePause}
        icon={
          <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" fill="currentColor">
            {paused ? <path d="M4 2.5v11l9-5.5z" /> : <path d="M4 2.5h3v11H4zM9 2.5h3v11H9z" />}
          </svg>
        }
      >
        {paused ? 'Resume live updates' : 'Pause live updates'}
      </Button>
    </div>
  );
}
