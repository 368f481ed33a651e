// Keep the computer from sleeping while Hookdock receives webhooks: Electron's
// powerSaveBlocker with 'prevent-app-suspension' (the system may still turn the
// screen off). On by default when a tunnel is configured, since only then can
// providers reach this computer; the owner's choice in Settings or the tray wins.
import type { Config } from '../../shared/config';
import type { Logger } from '../engine/util/logger';

/** The slice of Electron's powerSaveBlocker used here, so tests hand in a fake. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): void;
  isStarted(id: number): boolean;
}

/** The default when the owner never chose: on when a tunnel is configured (ngrok with an authtoken, or asked for). */
export function keepAwakeDefault(config: Config): boolean {
  return config.tunnel.provider === 'ngrok' && !!config.tunnel.authtoken;
}

export interface KeepAwake {
  /** Starts or stops the blocker to match wanted(); call after the setting or the config changed. */
  sync(): void;
  active(): boolean;
  dispose(): void;
}

export function createKeepAwake(blocker: PowerSaveBlockerLike, wanted: () => boolean, logger: Logger): KeepAwake {
  let id: number | null = null;
  const active = () => id !== null && blocker.isStarted(id);
  const stop = () => {
    if (id !== null && blocker.isStarted(id)) blocker.stop(id);
    id = null;
  };
  return {
    sync() {
      if (wanted()) {
        if (active()) return;
        id = blocker.start('prevent-app-suspension');
        logger.info('Keeping this computer awake while Hookdock receives webhooks');
      } else if (id !== null) {
        stop();
        logger.info('No longer keeping this computer awake');
      }
    },
    active,
    dispose: stop,
  };
}
