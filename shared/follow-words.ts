// Follow mode's status words (issue #15), one place for the header badge, Settings and
// the tray's menu (electron/shell/tray-state.ts): shared, so they say the same.
import type { FollowStatus } from './follow';

/** The server as a person reads it: its host (and port), without the scheme. */
export function serverName(server: string): string {
  return server.replace(/^https?:\/\//, '').replace(/\/+$/, '') || 'the server';
}

/** "Following vps.example.com" · "Following … · catching up 1,234 events" · "Cannot reach the server: <why>". */
export function followWords(f: FollowStatus): string {
  if (f.state === 'unreachable')
    return `Cannot reach the server: ${f.error ?? 'no answer yet; Hookdock keeps trying.'}`;
  const base = `Following ${serverName(f.server)}`;
  if (f.state === 'catching-up')
    return f.behind > 0
      ? `${base} · catching up ${f.behind.toLocaleString('en')} event${f.behind === 1 ? '' : 's'}`
      : `${base} · catching up`;
  return base;
}
