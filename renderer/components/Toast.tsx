// Short notices after an action ("Replayed", "Copied"), read out by screen
// readers through a polite live region; errors stay until dismissed.
import { useSyncExternalStore } from 'react';
import { errorMessage } from '../api/errors';
import { createStore } from '../api/store';

export interface ToastItem {
  id: number;
  tone: 'success' | 'danger' | 'info';
  text: string;
}

const toastStore = createStore<{ items: ToastItem[] }>({ items: [] });
let nextId = 1;

export function toast(text: string, tone: ToastItem['tone'] = 'success'): void {
  const id = nextId++;
  toastStore.set((s) => ({ items: [...s.items.slice(-2), { id, tone, text }] }));
  setTimeout(() => dismissToast(id), tone === 'danger' ? 9000 : 3500);
}

export function dismissToast(id: number): void {
  toastStore.set((s) => ({ items: s.items.filter((t) => t.id !== id) }));
}

export function ToastRegion() {
  const items = useSyncExternalStore(toastStore.subscribe, () => toastStore.get().items);
  return (
    <div className="toast-region" aria-live="polite" aria-relevant="additions">
      {items.map((t) => (
        <div key={t.id} className={`toast tone-${t.tone}`} role={t.tone === 'danger' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * Runs an action whose failure needs no more than a notice: the error's
 * sentence becomes a danger toast. Never throws, so callers can clean up after.
 */
export async function toastOnError(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    toast(errorMessage(err), 'danger');
  }
}
