// Process lifecycle: one instance only (a second launch focuses the first),
// the app stays alive in the tray with no window, and quitting drains the
// engine before the process exits.
import type { App } from 'electron';
import { LAUNCHER_MARK } from '../engine/actions/script/launcher/helper-source';
import type { Clock } from '../engine/util/clock';
import type { Logger } from '../engine/util/logger';

type AppEvents = Pick<App, 'on' | 'quit' | 'exit'>;

/**
 * Takes the single-instance lock. False: another Hookdock runs; this one
 * quits at once (the other one gets 'second-instance' and shows its window).
 */
export function acquireSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on' | 'quit'>,
  onSecondInstance: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => {
    // The engine's script launcher runs this same binary as Node; should a packaged build
    // ever turn Electron's RunAsNode off, that helper arrives here: not a person's launch.
    if (argv.includes(LAUNCHER_MARK)) return;
    onSecondInstance();
  });
  // Closing the last window hides it (window.ts); if one is ever really closed, stay in the tray.
  app.on('window-all-closed', () => undefined);
  return true;
}

export interface QuitWiring {
  isQuitting(): boolean;
}

/**
 * On quit, holds the exit until `drain` (engine.stop) finishes: the store
 * finishes in-flight writes, so nothing acknowledged is lost. engine.stop
 * never waits on the tunnel; the cap below is a last resort against a bug,
 * and an exit then still loses nothing acknowledged, since an event is
 * fsync'd before its 2xx.
 */
export function wireQuitDrain(
  app: AppEvents,
  drain: () => Promise<void>,
  opts: { logger: Logger; clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>; capMs?: number },
): QuitWiring {
  let quitting = false;
  let phase: 'running' | 'draining' | 'drained' = 'running';
  const finish = (code: number) => {
    if (phase === 'drained') return;
    phase = 'drained';
    // exit(), not quit(): quit() would emit before-quit again and re-enter here.
    app.exit(code);
  };
  app.on('before-quit', (event) => {
    quitting = true;
    if (phase === 'drained') return;
    event.preventDefault();
    if (phase === 'draining') return;
    phase = 'draining';
    const cap = opts.clock.setTimeout(() => {
      opts.logger.error('the engine did not stop in time; exiting anyway');
      finish(1);
    }, opts.capMs ?? 15_000);
    drain().then(
      () => {
        opts.clock.clearTimeout(cap);
        finish(0);
      },
      (err) => {
        opts.clock.clearTimeout(cap);
        opts.logger.error('the engine failed to stop cleanly', { error: err });
        finish(1);
      },
    );
  });
  return { isQuitting: () => quitting };
}

/** SIGINT/SIGTERM (a terminal, a logout on Linux) quit through the same drain. */
export function quitOnSignals(proc: Pick<NodeJS.Process, 'on'>, app: Pick<App, 'quit'>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) proc.on(signal, () => app.quit());
}
