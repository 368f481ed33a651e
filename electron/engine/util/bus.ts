// The engine's typed event bus. Every subscribe returns its unsubscribe.
import { EventEmitter } from 'node:events';
import type { PushEventName, PushEvents, Unsubscribe } from '../../../shared/events';

export interface Bus {
  emit<K extends PushEventName>(name: K, payload: PushEvents[K]): void;
  on<K extends PushEventName>(name: K, fn: (payload: PushEvents[K]) => void): Unsubscribe;
  /** Every event, for the transports (SSE, IPC). */
  onAny(fn: <K extends PushEventName>(name: K, payload: PushEvents[K]) => void): Unsubscribe;
  /** How many subscribers an emit of `name` reaches now (its own and every onAny). */
  listenerCount?(name: PushEventName): number;
}

export function createBus(): Bus {
  const ee = new EventEmitter();
  ee.setMaxListeners(0);
  const ANY = Symbol('any');
  return {
    emit(name, payload) {
      ee.emit(name, payload);
      ee.emit(ANY, name, payload);
    },
    on(name, fn) {
      ee.on(name, fn as (p: unknown) => void);
      return () => ee.off(name, fn as (p: unknown) => void);
    },
    onAny(fn) {
      const l = fn as (...a: unknown[]) => void;
      ee.on(ANY, l);
      return () => ee.off(ANY, l);
    },
    listenerCount: (name) => ee.listenerCount(name) + ee.listenerCount(ANY),
  };
}
