// The store's public entry. Everything else in this folder is internal.
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { Store } from './types';
import { DurableStore, type StoreOptions } from './store';

export type { Store, Collection, EventQuery, StoredEvent } from './types';
export { StoreWriteError } from './types';
export type { StoreOptions } from './store';

export function createStore(opts: {
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  faults?: { beforeSync?: () => void };
  tuning?: StoreOptions['tuning'];
}): Store {
  return new DurableStore(opts);
}
