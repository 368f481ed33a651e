// The automations service (electron/engine/types.ts AutomationsService): which
// automations an event matches and the run lifecycle, on the one job scheduler
// (kind 'run'). Its peers are handed in: the scheduler, the outbox (actions'
// sends) and the registry of action kinds. It knows no action kind.
import type { EventSummary } from '../../../shared/types';
import type { ActionRegistry } from '../actions/types';
import type { Scheduler } from '../jobs/scheduler';
import type { Outbox } from '../outbox/outbox';
import type { AutomationsService, EngineDeps } from '../types';
import type { AttemptDeps } from './attempt';
import { createCore } from './core';
import { createAutomationHandlers } from './handlers';
import { createRunBook } from './runs';

export interface AutomationsPeers {
  scheduler: Scheduler;
  outbox: Outbox;
  actions: ActionRegistry;
  /** Told of every job change, so counts() watchers hear of jobsPending moving (see onCountsChanged). */
  countWatchers: Set<() => void>;
}

export type Automations = AutomationsService & { readonly scheduler: Scheduler; readonly outbox: Outbox };

export function createAutomationsService(deps: EngineDeps, peers: AutomationsPeers): Automations {
  const { store, bus, config, logger, clock } = deps;
  const { scheduler, outbox, actions, countWatchers } = peers;
  const runs = createRunBook({ store, bus, clock, logger });
  const attemptDeps: AttemptDeps = {
    runs,
    store,
    config,
    outbox,
    bus,
    logger: logger.child('runner'),
    clock,
    actions,
  };
  const core = createCore(deps, attemptDeps, scheduler);
  let started = false;

  return {
    scheduler,
    outbox,

    async start() {
      if (started) return;
      started = true;
      await core.beforeStart();
      await scheduler.start();
      await core.afterStart();
      await outbox.recover();
    },

    async stop() {
      core.stop();
      await scheduler.stop();
      actions.stop();
    },

    async onEvent(event: EventSummary) {
      await core.fire(event);
    },

    runsForEvent: (eventId) => runs.forEvent(eventId),
    deliveriesForEvent: (eventId) => outbox.forEvent(eventId),

    counts() {
      return {
        runsFailed: runs.failedCount(),
        deliveriesFailed: outbox.counts().failed,
        jobsPending: scheduler.pendingCount(),
      };
    },

    paused: () => core.paused(),

    onCountsChanged(fn) {
      countWatchers.add(fn);
      return () => countWatchers.delete(fn);
    },

    handlers: createAutomationHandlers(core, outbox),
  };
}
