// Waking from sleep: Electron's powerMonitor 'resume' (and 'unlock-screen', which
// some systems send instead after a long sleep) triggers a heartbeat tick at once
// (the ledger records the `asleep` gap from the clock jump) and a reachability
// probe, instead of waiting for the next timer; a follower (follow mode) reconnects to its
// server and catches up at once.
import type { GapProtection } from '../engine/gaps';
import type { Logger } from '../engine/util/logger';

/** The part of Electron's powerMonitor used here. */
export interface PowerMonitorLike {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

const WAKE_EVENTS = ['resume', 'unlock-screen'] as const;

/** Subscribes; returns the unsubscribe. Failures are logged, never thrown. */
export function watchWake(
  power: PowerMonitorLike,
  gaps: Pick<GapProtection, 'ledger' | 'checker'>,
  logger: Logger,
  follower?: { wake(): void },
): () => void {
  const onWake = () => {
    follower?.wake();
    void gaps.ledger
      .tick()
      .then(() => gaps.checker.probeNow())
      .catch((err) => logger.warn('could not check for a sleep gap after waking', { error: err }));
  };
  for (const name of WAKE_EVENTS) power.on(name, onWake);
  return () => {
    for (const name of WAKE_EVENTS) power.removeListener(name, onWake);
  };
}
