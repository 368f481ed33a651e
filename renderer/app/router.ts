// Routing by hash, so the same built files work from file:// in Electron and
// from the dashboard server: #/feed, #/events/:id, #/automations[/new|/:id],
// #/sources[/new], #/outbox, #/settings. A query after the path presets a list's
// filter (#/feed?status=rejected, #/outbox?status=failed): the header's counters link there.
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'feed'; preset?: { status: string } }
  | { name: 'event'; id: string }
  | { name: 'automations'; edit: string | null }
  | { name: 'sources'; adding: boolean; edit?: string }
  | { name: 'outbox'; preset?: { status: string } }
  | { name: 'settings' };

export function parseHash(hash: string): Route {
  const [path = '', query] = hash.replace(/^#\/?/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = query === undefined ? null : new URLSearchParams(query);
  const preset = params?.has('status') ? { preset: { status: params.get('status') ?? '' } } : {};
  switch (parts[0]) {
    case 'events':
      return parts[1] ? { name: 'event', id: parts[1] } : { name: 'feed' };
    case 'automations':
      return { name: 'automations', edit: parts[1] ?? null };
    case 'sources':
      return parts[1] && parts[1] !== 'new'
        ? { name: 'sources', adding: false, edit: parts[1] }
        : { name: 'sources', adding: parts[1] === 'new' };
    case 'outbox':
      return { name: 'outbox', ...preset };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'feed', ...preset };
  }
}

/**
 * Once a view took its preset filter, the address goes back to the plain page (no
 * hashchange), so the owner's own filter changes are not contradicted by the address
 * and the same counter link works again.
 */
export function consumePreset(): void {
  const [path] = window.location.hash.split('?', 1);
  if (path !== window.location.hash) window.history.replaceState(window.history.state, '', path);
}

export function href(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** The current route, and how many times the address changed (a key that remounts a view given a new preset). */
export function useRoute(): Route & { visit: number } {
  const [route, setRoute] = useState(() => ({ ...parseHash(window.location.hash), visit: 0 }));
  useEffect(() => {
    const on = () => setRoute((r) => ({ ...parseHash(window.location.hash), visit: r.visit + 1 }));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
