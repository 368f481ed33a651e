// The work side of the engine, as peers: the one job scheduler, the outbox and the
// built-in action kinds, with the config-bound options each needs, and the automations
// service over them. engine.ts composes these one by one; createAutomations() builds
// the same stack alone (tests, benches).
import { join } from 'node:path';
import { createBuiltinActions } from './actions';
import type { SpawnScript } from './actions/script/launcher/types';
import type { ActionRegistry } from './actions/types';
import { createAutomationsService, type Automations } from './automations/service';
import { createScheduler, type Scheduler } from './jobs/scheduler';
import { createOutbox, type Outbox } from './outbox/outbox';
import { installIdFor } from './util/loop-guard';
import type { EngineDeps } from './types';

export type { Automations };

/** The one durable retry scheduler; `countWatchers` hear of every job change. Concurrency from config.limits. */
export function createJobScheduler(deps: EngineDeps, countWatchers: Set<() => void>): Scheduler {
  const { store, clock, logger, config } = deps;
  return createScheduler({
    store,
    clock,
    logger,
    concurrency: () => config.current().limits.concurrency,
    onChange: () => {
      for (const fn of countWatchers) fn();
    },
  });
}

/** The outbox on the scheduler; a destination answering 410 Gone is turned off in the config. */
export function createEngineOutbox(
  deps: EngineDeps,
  scheduler: Scheduler,
  opts: { fetch?: typeof fetch; version?: string; dataDir?: string },
): Outbox {
  const { store, bus, logger, clock, config } = deps;
  return createOutbox({
    store,
    scheduler,
    bus,
    logger,
    clock,
    getConfig: () => config.current(),
    fetch: opts.fetch,
    version: opts.version,
    // Carried in Hookdock-Trail so a webhook that comes back to this install is recognised (loop-guard.ts).
    installId: () => installIdFor(opts.dataDir),
    // 410 Gone: the destination asked never to be called again.
    onDestinationGone: async (id) => {
      await config.update((draft) => {
        const dest = draft.destinations.find((d) => d.id === id);
        if (dest) dest.enabled = false;
      });
    },
  });
}

export interface ScriptHostOptions {
  /** Starts scripts; by default a launcher helper process does (actions/script/launcher/). */
  spawn?: SpawnScript;
  /** Node.js for .js scripts; default process.execPath ("node" under Electron). */
  nodePath?: string;
  /** Between SIGTERM and SIGKILL when a script times out. Default 2 s. */
  killGraceMs?: number;
  /** Coalescing window of live output ('run.output'). Default 100 ms. */
  liveIntervalMs?: number;
}

/** The built-in action kinds, with event files under DATA_DIR/tmp; forwards go to `outbox`. */
export function createEngineActions(deps: EngineDeps, script: ScriptHostOptions = {}, outbox: Outbox): ActionRegistry {
  return createBuiltinActions({
    script: { logger: deps.logger, tmpDir: join(deps.dataDir, 'tmp'), ...script },
    notify: {
      emit: (push) => {
        const listeners = deps.bus.listenerCount?.('notify') ?? 0;
        deps.bus.emit('notify', push);
        return listeners;
      },
    },
    forward: { outbox },
  });
}

export interface AutomationsOptions extends EngineDeps, ScriptHostOptions {
  fetch?: typeof fetch;
  /** Injected by tests; by default one is made here (concurrency from config.limits). */
  scheduler?: Scheduler;
  outbox?: Outbox;
  version?: string;
}

/** The scheduler, the outbox and the built-in action kinds (unless handed in), and the automations over them. */
export function createAutomations(opts: AutomationsOptions): Automations {
  const countWatchers = new Set<() => void>();
  const scheduler = opts.scheduler ?? createJobScheduler(opts, countWatchers);
  const outbox = opts.outbox ?? createEngineOutbox(opts, scheduler, opts);
  const { spawn, nodePath, killGraceMs, liveIntervalMs } = opts;
  const actions = createEngineActions(opts, { spawn, nodePath, killGraceMs, liveIntervalMs }, outbox);
  return createAutomationsService(opts, { scheduler, outbox, actions, countWatchers });
}
