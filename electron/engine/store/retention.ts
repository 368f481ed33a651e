// Retention: drops events older than config.retention.days at start, every hour,
// and at once when the owner shortens the retention. With followers (follow mode), never
// an event a follower has not acknowledged: those are kept until it does or until
// retention.days, whichever is later (issue #15).
import type { ConfigService } from '../types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { Store } from './types';

const HOUR = 3_600_000;

/** Starts pruning; returns the stop. A failed prune is logged and tried again within the hour. */
export function startRetention(opts: {
  store: Store;
  config: ConfigService;
  clock: Clock;
  logger: Logger;
  /** The smallest acknowledged cursor of the followers ('' = keep all; undefined = no followers). */
  floor?: () => string | undefined;
}): () => void {
  const { store, config, clock, logger } = opts;
  const prune = async () => {
    try {
      const keepAfter = opts.floor?.();
      const { eventsRemoved, eventsKept } = await store.prune(
        config.current().retention.days,
        clock.now(),
        keepAfter === undefined ? {} : { keepAfter },
      );
      if (eventsKept)
        logger.info(
          `Kept ${eventsKept} events older than ${config.current().retention.days} days: a follower has not acknowledged them yet`,
        );
      if (eventsRemoved)
        logger.info(`Removed ${eventsRemoved} events older than ${config.current().retention.days} days`);
    } catch (err) {
      logger.warn('Pruning old events failed; will try again in an hour', { error: err });
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), HOUR);
  timer.unref();
  // A shorter retention set in the UI or by hand applies now, not within the hour.
  let retentionDays = config.current().retention.days;
  const off = config.onChange((c) => {
    if (c.retention.days < retentionDays) void prune();
    retentionDays = c.retention.days;
  });
  return () => {
    clearInterval(timer);
    off();
  };
}
