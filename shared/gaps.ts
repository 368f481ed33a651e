// Gap protection: spans when Hookdock was not receiving, and whether the
// public URL can be reached from outside right now. Shared by engine and UI.
import type { RecoveryReport } from './connect';
import type { IsoTime, ProviderId } from './types';

/** Why Hookdock was not receiving: not running, the computer slept, the tunnel was down, the probe failed. */
export type GapCause = 'stopped' | 'asleep' | 'tunnel-down' | 'unreachable';

/** What one source's provider does about a gap, in sentences for the owner. */
export interface GapSource {
  id: string;
  provider: ProviderId;
  /** The provider's documented retry policy, one sentence. */
  providerPolicy: string;
  /** What that means for this gap and what the owner should do, one or two sentences. */
  recovery: string;
}

export interface Gap {
  id: string;
  from: IsoTime;
  /** Null while the gap is still going on. */
  to: IsoTime | null;
  cause: GapCause;
  sources: GapSource[];
  /** What Connect did about this gap, one report per connected source (API answers only; issue #14). */
  recoveries?: RecoveryReport[];
}

export type ReachabilityState = 'reachable' | 'unreachable' | 'unknown';

export interface Reachability {
  state: ReachabilityState;
  /** When the last probe finished, or null before the first one. */
  checkedAt: IsoTime | null;
  /** Set after two failed probes in a row: the sentence a notification shows. */
  attention: string | null;
}
