// Gap protection, composed: the ledger (gaps on disk), the reachability
// checker (probes through the public URL) and the bus events that drive them.
// engine.ts creates one, hands `consumeProbe` to the receiver, and merges `handlers`.
import { networkInterfaces } from 'node:os';
import type { ApiHandlers } from '../../../shared/api';
import type { Config } from '../../../shared/config';
import type { Reachability } from '../../../shared/gaps';
import type { TunnelService } from '../types';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createGapLedger, type GapLedger } from './ledger';
import { providerLabel } from './policy';
import { createReachability, type ReachabilityChecker } from './reachability';

export { PROBE_PATH } from './reachability';

export interface GapOptions {
  dataDir: string;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  getConfig: () => Config;
  tunnel: () => TunnelService;
  /** Heartbeat interval, ms (default 30 s); probe interval and retry, ms (default 5 min / 30 s). */
  heartbeatMs?: number;
  probeIntervalMs?: number;
  probeRetryMs?: number;
  /** A fingerprint of the network (default: this machine's interface addresses); a change triggers a probe. */
  networkSignature?: () => string;
}

export interface GapProtection {
  start(): Promise<void>;
  stop(): Promise<void>;
  reachability(): Reachability;
  /** For the receiver: true once for a probe nonce this process sent. */
  consumeProbe(nonce: string): boolean;
  ledger: GapLedger;
  checker: ReachabilityChecker;
  handlers: Pick<ApiHandlers, 'listGaps'>;
}

/** "Shopify and Stripe can't reach Hookdock right now: ..." with what to do. */
export function attentionText(config: Config, reason: string): string {
  const labels = [
    ...new Set(config.sources.filter((s) => s.provider !== 'none').map((s) => providerLabel(s.provider))),
  ];
  const who =
    labels.length === 0
      ? 'Your webhook senders'
      : labels.length === 1
        ? labels[0]!
        : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]!}`;
  return `${who} can't reach Hookdock right now: ${reason}. Check this computer's internet connection and the tunnel in Settings; Hookdock keeps checking and lists what was missed under "While you were away".`;
}

function defaultNetworkSignature(): string {
  return Object.values(networkInterfaces())
    .flatMap((list) => (list ?? []).filter((a) => !a.internal).map((a) => a.address))
    .sort()
    .join(',');
}

export function createGapProtection(opts: GapOptions): GapProtection {
  const { bus, clock } = opts;
  const networkSignature = opts.networkSignature ?? defaultNetworkSignature;
  let network = '';
  const offs: (() => void)[] = [];

  const checker = createReachability({
    publicUrl: () => opts.tunnel().publicUrl(),
    fetch: opts.fetch,
    clock,
    logger: opts.logger.child('reachability'),
    intervalMs: opts.probeIntervalMs,
    retryMs: opts.probeRetryMs,
    attentionText: (reason) => attentionText(opts.getConfig(), reason),
    onChange: (r) => {
      if (r.state === 'unreachable') ledger.open('unreachable', checker.failingSince() ?? clock.now());
      else ledger.close('unreachable', clock.now());
      bus.emit('reachability.changed', r);
    },
  });

  const ledger: GapLedger = createGapLedger({
    dataDir: opts.dataDir,
    clock,
    logger: opts.logger.child('gaps'),
    sources: () => opts.getConfig().sources,
    heartbeatMs: opts.heartbeatMs,
    onChange: (gap) => bus.emit('gap.changed', gap),
    onWake: () => void checker.probeNow(),
    onTick: () => {
      const now = networkSignature();
      if (now !== network) {
        network = now;
        void checker.probeNow();
      }
    },
  });

  // Only a tunnel that was online can go down: one never set up (or never connected) is not a gap.
  let tunnelWasOnline = false;
  const onTunnel = () => {
    const t = opts.tunnel().status();
    if (t.state === 'online') tunnelWasOnline = true;
    if (tunnelWasOnline && (t.state === 'reconnecting' || t.state === 'error')) {
      ledger.open('tunnel-down', Date.parse(t.since) || clock.now());
    } else {
      ledger.close('tunnel-down', clock.now());
    }
    if (t.state === 'off') tunnelWasOnline = false;
  };

  return {
    async start() {
      network = networkSignature();
      await ledger.start();
      offs.push(bus.on('tunnel.changed', onTunnel));
      offs.push(bus.on('tunnel.urlChanged', () => void checker.probeNow()));
      checker.start();
    },
    async stop() {
      for (const off of offs.splice(0)) off();
      checker.stop();
      await ledger.stop();
    },
    reachability: () => checker.current(),
    consumeProbe: (nonce) => checker.consume(nonce),
    ledger,
    checker,
    handlers: { listGaps: async () => ({ items: ledger.list() }) },
  };
}
