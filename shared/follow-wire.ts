// The stored event as follow mode sends it (see shared/follow.ts).
import type { HookEvent, IsoTime } from './types';

export type { IsoTime };

/** A stored event without the runs and deliveries (those are the follower's own). */
export type StoredEventWire = Omit<HookEvent, 'runs' | 'deliveries'>;
