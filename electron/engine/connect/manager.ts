// Connect (issue #14): for each source with `connect`, Hookdock creates the provider's
// webhook subscription at the source's webhook URL and keeps it alive:
// - a config change or a new public URL (`tunnel.urlChanged`): make it match (ensure);
// - every `checkEveryMs` (default 6 h) and after each gap: ask the provider (check) and
//   re-create a deleted one, re-enable a disabled one, fix a wrong URL or event list;
// - after a gap closes (`gap.changed` with `to`, or found at start): recover what the
//   provider allows (recover.ts) and keep a RecoveryReport per source and gap;
// - Connect or the source removed: delete the subscription.
// One operation per source at a time (a promise chain per source). Errors: auth /
// forbidden / invalid -> state `error` with the connector's sentence, until the owner
// changes something or the next check; rate-limited -> wait Retry-After (else backoff)
// and retry; unreachable / provider -> retry later with backoff.
import { createHash } from 'node:crypto';
import type { Config } from '../../../shared/config';
import type { ConnectConfig, ManagedStatus, RecoveryReport } from '../../../shared/connect';
import type { Gap } from '../../../shared/gaps';
import type { EventSummary, ProviderId } from '../../../shared/types';
import { webhookUrl } from '../config/public';
import type { Store } from '../store/types';
import type { ConfigService } from '../types';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { check, ensure, remove, type PassResult } from './keeper';
import { createConnectorRegistry, type ConnectorRegistry } from './registry';
import { recoverGap } from './gap-recovery';
import { createConnectState, type SourceState } from './state';
import { ConnectError, type ConnectorContext, type ProviderConnector } from './types';
import { errorState, managedStatus, publicStatus } from './status';
import { createWaits, retryRateLimited } from './waits';

export interface ConnectManagerOptions {
  dataDir: string;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  store: Store;
  config: ConfigService;
  fetch: typeof fetch;
  /** The public URL when there is one, else the receiver URL (handlers/context.ts baseUrl). */
  webhookBase: () => string;
  /** The receiver's hand-off to automations, for recovered events. */
  onAccepted: (summary: EventSummary) => void;
  /** The gap ledger's list, newest first. */
  gaps: () => Gap[];
  registry?: ConnectorRegistry;
  /** How often every subscription is checked, ms. Default 6 h. */
  checkEveryMs?: number;
  /** First wait after an unreachable provider, ms (doubles up to checkEveryMs). Default 60 s. */
  retryMs?: number;
}

export interface ConnectManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A connected source's status for API answers; null for a source set up by hand. */
  managed(sourceId: string): ManagedStatus | null;
  /** Recovery reports of one gap. */
  reports(gapId: string): RecoveryReport[];
  /** Checks every subscription now (what the timer does); resolves when done. */
  checkAll(): Promise<void>;
  /** Resolves when no operation is queued or running. */
  idle(): Promise<void>;
}

const SIX_HOURS = 6 * 3600_000;
const RATE_LIMIT_TRIES = 6;

export function createConnectManager(opts: ConnectManagerOptions): ConnectManager {
  const { bus, clock, config } = opts;
  const log = opts.logger.child('connect');
  const registry = opts.registry ?? createConnectorRegistry();
  const state = createConnectState(opts.dataDir, log);
  const checkEveryMs = opts.checkEveryMs ?? SIX_HOURS;
  const retryMs = opts.retryMs ?? 60_000;
  const waits = createWaits(clock);
  const chains = new Map<string, Promise<void>>();
  const retryCount = new Map<string, number>();
  /**
   * Sources whose credential the provider refused (auth / forbidden / invalid), with what was
   * asked: a config change elsewhere does not ask again with the same key, events and URL (it
   * would only fail and log the same sentence again); a new key, events or URL, and the periodic
   * check, do.
   */
  const refused = new Map<string, string>();
  const askedWith = (sourceId: string, connect: ConnectConfig) =>
    createHash('sha256')
      .update(
        JSON.stringify([
          connect.credential,
          connect.account ?? '',
          connect.events,
          webhookUrl(opts.webhookBase(), sourceId),
        ]),
      )
      .digest('hex');
  /** The last `connect` seen per source: the credential to delete with once it is removed from the config. */
  const lastConnect = new Map<string, { provider: ProviderId; connect: ConnectConfig }>();
  const offs: (() => void)[] = [];
  let stopped = false;

  const now = () => clock.now();
  const connected = () => config.current().sources.filter((s) => s.connect && registry.get(s.provider));

  function enqueue(sourceId: string, op: () => Promise<void>): Promise<void> {
    const next = (chains.get(sourceId) ?? Promise.resolve()).then(() => (stopped ? undefined : op()));
    const settled = next.catch((err: unknown) =>
      log.error('A Connect operation failed', { source: sourceId, error: err }),
    );
    chains.set(sourceId, settled);
    void settled.finally(() => {
      if (chains.get(sourceId) === settled) chains.delete(sourceId);
    });
    return settled;
  }

  const context = (connector: ProviderConnector, connect: ConnectConfig): ConnectorContext => ({
    apiBase: registry.apiBase(connector.provider),
    credential: connect.credential,
    ...(connect.account ? { account: connect.account } : {}),
    fetch: opts.fetch,
    signal: waits.signal,
  });

  async function setState(sourceId: string, next: SourceState | undefined): Promise<void> {
    await state.set(sourceId, next);
    bus.emit('connect.changed', { source: sourceId, managed: next ? publicStatus(next) : null });
  }

  const politely = <T>(fn: () => Promise<T>) =>
    retryRateLimited(fn, RATE_LIMIT_TRIES, (ms) => {
      log.info(`The provider asked Hookdock to slow down: waiting ${Math.round(ms / 1000)} s`);
      return waits.sleep(ms);
    });

  /** One pass for one source: `ensure` (only what changed) or `check` (ask the provider). */
  async function pass(sourceId: string, kind: 'ensure' | 'check'): Promise<PassResult | null> {
    const source = config.current().sources.find((s) => s.id === sourceId);
    const connector = source && registry.get(source.provider);
    if (!source?.connect || !connector) return null;
    const connect = source.connect;
    const ctx = context(connector, connect);
    const want = { sourceId, url: webhookUrl(opts.webhookBase(), sourceId), connect };
    const current = state.get(sourceId);
    try {
      const result = await politely(() =>
        kind === 'ensure' ? ensure(connector, ctx, want, current, now()) : check(connector, ctx, want, current, now()),
      );
      retryCount.delete(sourceId);
      refused.delete(sourceId);
      if (!result) return null;
      // The secret first: a crash before the state is saved then makes a new subscription, never a wrong secret.
      if (result.secret && result.secret !== source.secret) await saveSecret(sourceId, result.secret);
      await setState(sourceId, result.state);
      if (result.state.lastAction !== current?.lastAction) log.info(`${sourceId}: ${result.state.lastAction}`);
      return result;
    } catch (err) {
      if (err instanceof ConnectError && ['auth', 'forbidden', 'invalid'].includes(err.kind)) {
        refused.set(sourceId, askedWith(sourceId, connect));
      }
      if (!stopped) await failed(sourceId, connector, current, err);
      return null;
    }
  }

  async function saveSecret(sourceId: string, secret: string): Promise<void> {
    await config.update((draft) => {
      const s = draft.sources.find((x) => x.id === sourceId);
      if (s) s.secret = secret;
    });
  }

  async function failed(
    sourceId: string,
    connector: ProviderConnector,
    current: SourceState | undefined,
    err: unknown,
  ) {
    const e =
      err instanceof ConnectError
        ? err
        : new ConnectError('provider', 'Something unexpected went wrong inside Hookdock; it will try again later.');
    if (!(err instanceof ConnectError)) log.error('Connect failed unexpectedly', { source: sourceId, error: err });
    else log.warn(`${sourceId}: ${e.message}`);
    await setState(sourceId, errorState(current, connector.provider, e.message, now()));
    if (e.kind === 'unreachable' || e.kind === 'provider' || e.kind === 'rate-limited') {
      const n = (retryCount.get(sourceId) ?? 0) + 1;
      retryCount.set(sourceId, n);
      waits.later(
        Math.min(checkEveryMs, retryMs * 2 ** (n - 1)),
        () => void enqueue(sourceId, () => pass(sourceId, 'check').then(() => undefined)),
      );
    }
  }

  async function disconnect(sourceId: string, last: { provider: ProviderId; connect: ConnectConfig } | undefined) {
    const current = state.get(sourceId);
    if (!current) return;
    const connector = last && registry.get(last.provider);
    if (connector && last) {
      try {
        await politely(() => remove(connector, context(connector, last.connect), current));
        log.info(`${sourceId}: deleted the subscription ${current.subscriptionId ?? ''}`);
      } catch (err) {
        log.warn(`${sourceId}: the subscription could not be deleted; delete it at the provider`, {
          reason: err instanceof ConnectError ? err.message : 'unexpected error',
        });
      }
    } else {
      log.warn(
        `${sourceId}: Connect was removed while Hookdock was not running; delete subscription ${current.subscriptionId ?? ''} at the provider`,
      );
    }
    await setState(sourceId, undefined);
  }

  /** After every config change: remove what went, make the rest match. */
  function reconcile(cfg: Config): void {
    const wanted = new Set<string>();
    for (const s of cfg.sources) {
      if (!s.connect || !registry.get(s.provider)) continue;
      wanted.add(s.id);
      if (refused.get(s.id) === askedWith(s.id, s.connect)) continue; // refused as it is: wait for a change
      // A new key or account may be another account at the provider: ask, don't assume.
      const before = lastConnect.get(s.id)?.connect;
      const changed = before && (before.credential !== s.connect.credential || before.account !== s.connect.account);
      void enqueue(s.id, () => pass(s.id, changed ? 'check' : 'ensure').then(() => undefined));
    }
    for (const id of new Set([...state.ids(), ...lastConnect.keys()])) {
      if (wanted.has(id)) continue;
      const last = lastConnect.get(id); // the credential it had, read now: the config no longer holds it
      lastConnect.delete(id);
      void enqueue(id, () => disconnect(id, last));
    }
    for (const s of cfg.sources) if (s.connect) lastConnect.set(s.id, { provider: s.provider, connect: s.connect });
  }

  function onGap(gap: Gap): void {
    if (gap.to === null) return;
    for (const s of connected()) {
      if (state.hasReport(gap.id, s.id)) continue;
      void enqueue(s.id, async () => {
        const source = config.current().sources.find((x) => x.id === s.id);
        const connector = source && registry.get(source.provider);
        if (!source?.connect || !connector || state.hasReport(gap.id, s.id)) return;
        const before = state.get(s.id);
        if (!before || Date.parse(gap.to!) < before.connectedAt) return; // not connected then: nothing was missed
        const checked = await pass(s.id, 'check');
        const report = await recoverGap({
          connector,
          ctx: context(connector, source.connect),
          source,
          gap,
          connectedAt: before.connectedAt,
          subscription: state.get(s.id),
          checked,
          now: now(),
          retry: politely,
          store: { store: opts.store, bus, now, onAccepted: opts.onAccepted },
        });
        await state.addReport(report);
        bus.emit('connect.recovered', report);
        log.info(`${s.id}: after the gap from ${gap.from}: ${report.recovered} recovered`);
      });
    }
  }

  const checkAll = async () => {
    await Promise.all(connected().map((s) => enqueue(s.id, () => pass(s.id, 'check').then(() => undefined))));
  };

  const scheduleChecks = () => {
    waits.later(checkEveryMs, () => {
      void checkAll().finally(() => !stopped && scheduleChecks());
    });
  };

  return {
    async start() {
      await state.load();
      offs.push(config.onChange((cfg) => reconcile(cfg)));
      offs.push(bus.on('tunnel.urlChanged', () => reconcile(config.current())));
      offs.push(bus.on('gap.changed', onGap));
      // Removed while not running: nothing to delete with, but the state goes.
      reconcile(config.current());
      for (const gap of [...opts.gaps()].reverse()) onGap(gap);
      scheduleChecks();
    },
    async stop() {
      stopped = true;
      for (const off of offs.splice(0)) off();
      waits.cancelAll();
      await Promise.all([...chains.values()]);
      await state.flush();
    },
    managed: (sourceId) => managedStatus(state.get(sourceId), config.current(), sourceId, registry),
    reports: (gapId) => state.reports().filter((r) => r.gapId === gapId),
    checkAll,
    async idle() {
      while (chains.size) await Promise.all([...chains.values()]);
    },
  };
}
