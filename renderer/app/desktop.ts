// Desktop-only extras (shared/desktop.ts): present only inside the Electron
// window. In a browser `window.hookdockDesktop` is undefined and these no-op.
import { useEffect } from 'react';
import type { DesktopBridge } from '../../shared/desktop';
import { ApiError, isErrorBody } from '../api/errors';
import { href, navigate } from './router';

declare global {
  interface Window {
    hookdockDesktop?: DesktopBridge;
  }
}

export function desktop(): DesktopBridge | null {
  return typeof window !== 'undefined' ? (window.hookdockDesktop ?? null) : null;
}

/** The tray menu or a notification asks the window to show something. */
export function useDesktopOpen(): void {
  useEffect(() => {
    const d = desktop();
    if (!d) return;
    return d.onOpen((target) => {
      if (target.view === 'event') navigate(href('events', target.id));
      else if (target.view === 'outbox') navigate(href('outbox'));
      else navigate(href('feed'));
    });
  }, []);
}

/** The preload answers errors as data (`{ error }`), like the API: turn them back into throws. */
export async function desktopCall<T>(pending: Promise<T>): Promise<T> {
  const result = await pending;
  if (isErrorBody(result)) throw new ApiError(result.error.message, result.error.code ?? 'error', 400);
  return result;
}
