// Routing by hash, so the same built files work from file:// in Electron and
// from the dashboard server: #/feed, #/events/:id, #/automations[/new|/:id],
// #/sources[/new], #/outbox, #/settings.
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'feed' }
  | { name: 'event'; id: string }
  | { name: 'automations'; edit: string | null }
  | { name: 'sources'; adding: boolean }
  | { name: 'outbox' }
  | { name: 'settings' };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'events':
      return parts[1] ? { name: 'event', id: parts[1] } : { name: 'feed' };
    case 'automations':
      return { name: 'automations', edit: parts[1] ?? null };
    case 'sources':
      return { name: 'sources', adding: parts[1] === 'new' };
    case 'outbox':
      return { name: 'outbox' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'feed' };
  }
}

export function href(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
