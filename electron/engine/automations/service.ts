// The automations service (electron/engine/types.ts AutomationsService):
// matching, the script runner and sends, on top of the one job scheduler
// (kind 'run') and the outbox (kind 'outbox') it shares it with.
import { join } from 'node:path';
import type { EventSummary } from '../../../shared/types';
import { createScheduler, type Scheduler } from '../jobs/scheduler';
import { createOutbox, type Outbox } from '../outbox/outbox';
import { installIdFor } from '../util/loop-guard';
import type { AutomationsService, EngineDeps } from '../types';
import type { AttemptDeps } from './attempt';
import { createCore } from './core';
import { createAutomationHandlers } from './handlers';
import { createScriptLauncher } from './launcher/launcher';
import type { SpawnScript } from './launcher/types';
import { createRunBook } from './runs';

export interface AutomationsOptions extends EngineDeps {
  /** Starts scripts; by default a launcher helper process does (launcher/launcher.ts). */
  spawn?: SpawnScript;
  fetch?: typeof fetch;
  /** Node.js for .js scripts; default process.execPath ("node" under Electron). */
  nodePath?: string;
  /** Injected by tests; by default one is made here (concurrency from config.limits). */
  scheduler?: Scheduler;
  outbox?: Outbox;
  version?: string;
  /** Between SIGTERM and SIGKILL when a script times out. Default 2 s. */
  killGraceMs?: number;
  /** Coalescing window of live output ('run.output'). Default 100 ms. */
  liveIntervalMs?: number;
}

export type Automations = AutomationsService & { readonly scheduler: Scheduler; readonly outbox: Outbox };

export function createAutomations(opts: AutomationsOptions): Automations {
  const { store, bus, config, logger, clock } = opts;
  // Told of every job change: counts().jobsPending moves without a bus event of its own.
  const countWatchers = new Set<() => void>();
  const scheduler =
    opts.scheduler ??
    createScheduler({
      store,
      clock,
      logger,
      concurrency: () => config.current().limits.concurrency,
      onChange: () => {
        for (const fn of countWatchers) fn();
      },
    });
  const outbox =
    opts.outbox ??
    createOutbox({
      store,
      scheduler,
      bus,
      logger,
      clock,
      getConfig: () => config.current(),
      fetch: opts.fetch,
      version: opts.version,
      installId: () => installIdFor(opts.dataDir),
      // 410 Gone: the destination asked never to be called again.
      onDestinationGone: async (id) => {
        await config.update((draft) => {
          const dest = draft.destinations.find((d) => d.id === id);
          if (dest) dest.enabled = false;
        });
      },
    });
  const runs = createRunBook({ store, bus, clock, logger });
  const launcher = opts.spawn ? null : createScriptLauncher({ logger });
  const attemptDeps: AttemptDeps = {
    runs,
    store,
    config,
    outbox,
    bus,
    logger: logger.child('runner'),
    clock,
    tmpDir: join(opts.dataDir, 'tmp'),
    spawn: opts.spawn ?? launcher!.spawn,
    nodePath: opts.nodePath,
    killGraceMs: opts.killGraceMs,
    liveIntervalMs: opts.liveIntervalMs,
  };
  const core = createCore(opts, attemptDeps, scheduler);
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
      launcher?.stop();
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
