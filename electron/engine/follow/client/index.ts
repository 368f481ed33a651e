// Follow mode, the engine's side (issue #15): which link to follow (EngineOptions.follow,
// from `--follow` / HOOKDOCK_FOLLOW, else config `follow.link` from Settings), one
// FollowClient for it, restarted when Settings change the link, and its status on the
// bus ('follow.changed', and so GET /api/status `follow` and the status stream).
import type { FollowStatus } from '../../../../shared/follow';
import type { Bus } from '../../util/bus';
import { registerSecret, type Logger } from '../../util/logger';
import type { ConfigService } from '../../types';
import { createFollowClient, type FollowClient, type FollowClientOptions, type FollowTiming } from './client';
import { parsePairingLink } from './link';
import { mirrorSources } from './sources';

export { parsePairingLink } from './link';
export type { FollowTiming } from './client';

export interface Follower {
  /** Starts following when a link is set (after the automations started: events run at once). */
  start(): void;
  stop(): Promise<void>;
  /** Null when not following. */
  status(): FollowStatus | null;
  /** A link is set: this computer receives through the server and needs no tunnel of its own. */
  active(): boolean;
  /** The computer woke up: reconnect and catch up now. */
  wake(): void;
}

export interface FollowerOptions extends Pick<FollowClientOptions, 'store' | 'automations' | 'fetch'> {
  /** The pairing link given on the command line; it overrides (and hides) the one in Settings. */
  link?: string;
  config: ConfigService;
  bus: Bus;
  logger: Logger;
  timing?: FollowTiming;
  /** Called when following starts or stops, so the engine can stop or start its tunnel. */
  onActiveChanged?: (active: boolean) => void;
}

const STATUS_EVERY_MS = 250;

export function createFollower(opts: FollowerOptions): Follower {
  const log = opts.logger.child('follow');
  const wantedLink = () => opts.link ?? opts.config.current().follow?.link ?? null;
  let client: FollowClient | null = null;
  let link: string | null = null;
  let broken: FollowStatus | null = null;
  let started = false;
  let offConfig: (() => void) | null = null;
  let switching: Promise<void> = Promise.resolve();

  // Pushed at once when the state or the error changes, else at most every 250 ms (catching up moves `behind` fast).
  let last: FollowStatus | null = null;
  let timer: NodeJS.Timeout | null = null;
  const push = () => {
    timer = null;
    const s = api.status();
    if (s) opts.bus.emit('follow.changed', s);
    last = s;
  };
  const onStatus = (s: FollowStatus) => {
    if (!last || s.state !== last.state || s.error !== last.error) {
      if (timer) clearTimeout(timer);
      push();
    } else if (!timer) {
      timer = setTimeout(push, STATUS_EVERY_MS);
      timer.unref();
    }
  };

  const begin = (value: string) => {
    registerSecret(value);
    link = value;
    try {
      const parsed = parsePairingLink(value);
      registerSecret(parsed.token);
      broken = null;
      client = createFollowClient({
        link: parsed,
        store: opts.store,
        bus: opts.bus,
        automations: opts.automations,
        fetch: opts.fetch,
        logger: log,
        timing: opts.timing,
        onHello: (hello) => mirrorSources(opts.config, hello),
        onStatus,
      });
      client.start();
      log.info(`Following ${parsed.server}`);
    } catch (err) {
      // A hand-edited link that does not parse: said in the status, nothing followed.
      broken = { state: 'unreachable', behind: 0, server: '', error: (err as Error).message, lastEventAt: null };
    }
    onStatus(api.status()!);
  };

  const end = async () => {
    const old = client;
    client = null;
    link = null;
    broken = null;
    await old?.stop();
  };

  const follow = (next: string | null) => {
    if (next === link) return switching;
    const wasActive = link !== null;
    switching = switching.then(async () => {
      await end();
      if (next) begin(next);
      else {
        last = null;
        log.info('Stopped following the server');
      }
      if (wasActive !== (next !== null)) opts.onActiveChanged?.(next !== null);
    });
    return switching;
  };

  const api: Follower = {
    start() {
      if (started) return;
      started = true;
      const first = wantedLink();
      if (first) begin(first);
      if (opts.link === undefined) {
        offConfig = opts.config.onChange(() => void follow(wantedLink()));
      }
    },
    async stop() {
      offConfig?.();
      if (timer) clearTimeout(timer);
      await switching;
      await end();
    },
    status: () => broken ?? client?.status() ?? null,
    active: () => wantedLink() !== null,
    wake: () => client?.wake(),
  };
  return api;
}
