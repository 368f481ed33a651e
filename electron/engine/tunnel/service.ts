// The tunnel service the engine composes: decides from config, flags and env
// whether and how to tunnel, runs the state machine, publishes its status on
// the bus, and restarts when the tunnel settings change.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../../shared/config';
import type { TunnelStatus } from '../../../shared/types';
import type { TunnelService } from '../types';
import type { Bus } from '../util/bus';
import { systemClock, type Clock } from '../util/clock';
import { registerSecret, type Logger } from '../util/logger';
import { QUARANTINE_DIR, keepBytes } from '../store/quarantine';
import { createTunnelMachine, type TunnelTarget } from './machine';
import { createNgrokConnector, loadNgrok, type Connector, type NgrokLike } from './ngrokAdapter';

export interface TunnelOptions {
  bus: Bus;
  logger: Logger;
  clock?: Clock;
  /** The @ngrok/ngrok module; loaded lazily when not given. */
  ngrok?: NgrokLike;
  /** Replaces the SDK adapter altogether (state-machine tests). */
  connector?: Connector;
  receiverPort: () => number;
  /** Follow mode: the follow port (0 or absent: none), given a second ngrok endpoint. */
  followPort?: () => number;
  /** The receiver's bind address; the tunnel forwards to loopback when it is a wildcard. */
  receiverHost?: () => string;
  getConfig: () => Config;
  /** NGROK_AUTHTOKEN: used when the config has none. */
  envAuthtoken?: string;
  /** --tunnel / HOOKDOCK_TUNNEL. */
  override?: 'ngrok' | 'none';
  connectTimeoutMs?: number;
  /** A custom ngrok ingress address (HOOKDOCK_NGROK_SERVER_ADDR); tests point it at local listeners. */
  serverAddr?: string | null;
  /** Where the last public URL is remembered, so a change across restarts is announced too. */
  dataDir?: string;
  version?: string;
  random?: () => number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface TunnelPlan {
  provider: 'ngrok' | 'none';
  target: TunnelTarget | null;
  /** Set when ngrok was asked for but cannot run as configured. */
  problem: string | null;
}

export const NEED_AUTHTOKEN =
  'Add your ngrok authtoken in Settings (or set NGROK_AUTHTOKEN) to get a public URL. It is free at dashboard.ngrok.com.';

/** What to run, from the flag, the config and the environment. Pure. */
export function planTunnel(
  config: Config,
  o: {
    override?: 'ngrok' | 'none';
    envAuthtoken?: string;
    addr: string;
    serverAddr: string | null;
    followAddr?: string | null;
  },
): TunnelPlan {
  const authtoken = config.tunnel.authtoken || o.envAuthtoken || null;
  // Default: ngrok when an authtoken is configured, else none.
  const provider = o.override ?? (config.tunnel.provider === 'none' || !authtoken ? 'none' : 'ngrok');
  if (provider === 'none') return { provider, target: null, problem: null };
  if (!authtoken) return { provider, target: null, problem: NEED_AUTHTOKEN };
  return {
    provider,
    target: {
      addr: o.addr,
      authtoken,
      domain: config.tunnel.domain || null,
      serverAddr: o.serverAddr,
      ...(o.followAddr ? { followAddr: o.followAddr } : {}),
    },
    problem: null,
  };
}

export function createTunnel(opts: TunnelOptions): TunnelService {
  const logger = opts.logger;
  const clock = opts.clock ?? systemClock;
  const serverAddr = opts.serverAddr ?? process.env.HOOKDOCK_NGROK_SERVER_ADDR ?? null;
  const stateFile = opts.dataDir ? join(opts.dataDir, 'tunnel-state.json') : null;
  const ngrok = opts.ngrok;
  const connector = opts.connector ?? createNgrokConnector(ngrok ? async () => ngrok : loadNgrok);
  registerSecret(opts.envAuthtoken);

  let rememberedUrl: Promise<string | null> = Promise.resolve(null);
  // The latest URL's comparison and save, which stop() lets finish: a URL not saved would
  // be announced as a change on the next start.
  let urlBookkeeping: Promise<void> = Promise.resolve();
  const machine = createTunnelMachine({
    connector,
    clock,
    logger,
    version: opts.version,
    random: opts.random,
    connectTimeoutMs: opts.connectTimeoutMs,
    initialDelayMs: opts.initialDelayMs,
    maxDelayMs: opts.maxDelayMs,
    onStatus: (s: TunnelStatus) => opts.bus.emit('tunnel.changed', s),
    onUrlChanged: (previous, url) => {
      urlBookkeeping = rememberedUrl.then((saved) => {
        // The first URL of this run is still a change if the last run had another.
        const before = previous ?? (saved !== url ? saved : null);
        if (previous !== null || saved !== url) opts.bus.emit('tunnel.urlChanged', { previous: before, url });
        rememberedUrl = Promise.resolve(url);
        return saveUrl(url);
      });
    },
  });

  let running: string | null = null; // the plan in use, to notice settings changes
  let unsubscribe: (() => void) | null = null;

  function addr(): string {
    const host = opts.receiverHost?.() ?? '127.0.0.1';
    const loopback = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
    return `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${opts.receiverPort()}`;
  }

  function apply(force: boolean): void {
    const plan = planTunnel(opts.getConfig(), {
      override: opts.override,
      envAuthtoken: opts.envAuthtoken,
      addr: addr(),
      serverAddr,
      followAddr: opts.followPort?.() ? `http://127.0.0.1:${opts.followPort()}` : null,
    });
    const key = JSON.stringify(plan);
    if (!force && key === running) return;
    running = key;
    if (plan.target) {
      registerSecret(plan.target.authtoken);
      logger.info('Starting the ngrok tunnel', { forwardsTo: plan.target.addr, domain: plan.target.domain });
      machine.run(plan.target);
    } else if (plan.problem) {
      machine.idle('error', plan.provider, plan.problem);
    } else {
      machine.idle('off', 'none');
    }
  }

  async function loadUrl(): Promise<string | null> {
    if (!stateFile) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(stateFile);
    } catch {
      return null;
    }
    try {
      const data = JSON.parse(bytes.toString('utf8')) as { lastUrl?: unknown } | null;
      return typeof data?.lastUrl === 'string' ? data.lastUrl : null;
    } catch {
      // kept below
    }
    // The next saveUrl replaces the file: keep what could not be read first.
    const kept = await keepBytes(join(opts.dataDir!, QUARANTINE_DIR), 'tunnel-state.json', bytes, clock.now()).catch(
      () => null,
    );
    logger.warn(
      `tunnel-state.json could not be read; the last public URL is unknown.${kept ? ` It was kept at ${kept}.` : ''}`,
    );
    return null;
  }

  async function saveUrl(url: string): Promise<void> {
    if (!stateFile || !opts.dataDir) return;
    try {
      await mkdir(opts.dataDir, { recursive: true });
      await writeFile(stateFile + '.tmp', JSON.stringify({ lastUrl: url }) + '\n');
      await rename(stateFile + '.tmp', stateFile);
    } catch (err) {
      logger.debug('Could not remember the tunnel URL', { error: err });
    }
  }

  return {
    start() {
      if (unsubscribe) return;
      rememberedUrl = loadUrl();
      unsubscribe = opts.bus.on('config.changed', ({ error }) => {
        if (!error) apply(false);
      });
      try {
        apply(true);
      } catch (err) {
        logger.error('The tunnel could not start', { error: err });
      }
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      running = null;
      await machine.stop();
      // A small file: bounded anyway, stop() must stay quick whatever the disk does.
      await Promise.race([urlBookkeeping, new Promise((r) => setTimeout(r, 1000).unref())]);
    },
    status: () => machine.status(),
    publicUrl: () => machine.publicUrl(),
    followUrl: () => machine.followUrl(),
  };
}
