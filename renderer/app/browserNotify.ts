// The browser dashboard's side of notify actions: while the dashboard is open, each 'notify'
// push becomes a browser Notification (the desktop app shows native ones from the shell
// instead, so the window stays quiet there). Clicking one focuses the tab and opens the event.
// Permission is asked once, from the Settings card (browsers only allow asking on a click).
import { useEffect, useState } from 'react';
import type { NotifyPush } from '../../shared/events';
import type { Client } from '../api';
import { getApi } from '../api';
import { href, navigate } from './router';

type Permission = 'granted' | 'denied' | 'default' | 'unsupported';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;

export function browserPermission(): Permission {
  return supported() ? (Notification.permission as Permission) : 'unsupported';
}

/** Shows one notify push as a browser Notification when allowed; returns whether it did. */
export function showBrowserNotification(push: NotifyPush): boolean {
  if (browserPermission() !== 'granted') return false;
  const n = new Notification(push.title, { body: push.body, tag: push.runId });
  n.onclick = () => {
    window.focus();
    navigate(href('events', push.eventId));
    n.close();
  };
  return true;
}

/** Subscribes the open browser dashboard to notify pushes (not in the desktop window). */
export function listenForNotify(api: Pick<Client, 'listen' | 'mode'>): () => void {
  if (api.mode !== 'http' || !supported()) return () => undefined;
  return api.listen('notify', (push) => void showBrowserNotification(push));
}

export function useBrowserNotifications(): void {
  useEffect(() => listenForNotify(getApi()), []);
}

/** The permission and a way to ask for it (one click, once); null in the desktop app. */
export function useBrowserNotifyPermission(): { state: Permission; ask: () => Promise<void> } | null {
  const [state, setState] = useState<Permission>(browserPermission);
  if (getApi().mode !== 'http') return null;
  return {
    state,
    ask: async () => {
      if (!supported()) return;
      setState((await Notification.requestPermission()) as Permission);
    },
  };
}
