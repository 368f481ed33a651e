// The work side of the engine, composed: the one job scheduler, the outbox and
// the action kinds as peers, and the automations service over them. engine.ts
// composes it with the receiver; tests and benches use it alone.
import { join } from 'node:path';
import { createBuiltinActions } from './actions';
import type { SpawnScript } from './actions/script/launcher/types';
import { createAutomationsService, type Automations } from './automations/service';
import { createScheduler, type Scheduler } from './jobs/scheduler';
import { createOutbox, type Outbox } from './outbox/outbox';
import type { EngineDeps } from './types';

export type { Automations };

export interface AutomationsOptions extends EngineDeps {
  /** Starts scripts; by default a launcher helper process does (actions/script/launcher/). */
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

/** Builds the scheduler, the outbox and the built-in action kinds (unless handed in), then the automations over them. */
export function createAutomations(opts: AutomationsOptions): Automations {
  const { store, bus, config, logger, clock } = opts;
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
      // 410 Gone: the destination asked never to be called again.
      onDestinationGone: async (id) => {
        await config.update((draft) => {
          const dest = draft.destinations.find((d) => d.id === id);
          if (dest) dest.enabled = false;
        });
      },
    });
  const actions = createBuiltinActions({
    script: {
      logger,
      tmpDir: join(opts.dataDir, 'tmp'),
      spawn: opts.spawn,
      nodePath: opts.nodePath,
      killGraceMs: opts.killGraceMs,
      liveIntervalMs: opts.liveIntervalMs,
    },
  });
  return createAutomationsService(opts, { scheduler, outbox, actions, countWatchers });
}
