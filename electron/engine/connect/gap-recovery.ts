// One source's recovery after one gap: the span asked for, the connector's
// recover(), storing what came back (recover.ts), and the report for "While you
// were away" (RecoveryReport + the gap's id).
import type { SourceConfig } from '../../../shared/config';
import type { Gap } from '../../../shared/gaps';
import { getProvider } from '../receiver/providers';
import type { PassResult } from './keeper';
import { storeRecovered, type StoreRecoveredDeps } from './recover';
import type { SourceState, StoredReport } from './state';
import { ConnectError, type ConnectorContext, type ProviderConnector } from './types';

/**
 * Asked for on both sides of a gap: its ends are when Hookdock noticed (a heartbeat,
 * a probe), and a provider's clock may differ by seconds. What was received anyway
 * in the margin is a duplicate and stored once.
 */
export const RECOVERY_MARGIN_MS = 2 * 60_000;

export interface RecoverGapArgs {
  connector: ProviderConnector;
  ctx: ConnectorContext;
  source: SourceConfig;
  gap: Gap;
  /** When the subscription was first created (ms): nothing before it was missed. */
  connectedAt: number;
  subscription: SourceState | undefined;
  /** The check made just before (re-created, re-enabled), or null when it failed. */
  checked: PassResult | null;
  now: number;
  /** Retries rate-limited calls (the manager's Retry-After handling). */
  retry: <T>(fn: () => Promise<T>) => Promise<T>;
  store: StoreRecoveredDeps;
}

/** The span a recovery asks for, ms: [from - margin, to + margin), never before the connection. */
export function recoverySpan(gap: Gap, connectedAt: number): { from: number; to: number } {
  const from = Math.max(Date.parse(gap.from), connectedAt) - RECOVERY_MARGIN_MS;
  return { from, to: Date.parse(gap.to ?? gap.from) + RECOVERY_MARGIN_MS };
}

export async function recoverGap(args: RecoverGapArgs): Promise<StoredReport> {
  const { connector, source, gap, subscription, checked } = args;
  const label = getProvider(source.provider).label;
  const report: StoredReport = {
    gapId: gap.id,
    source: source.id,
    from: gap.from,
    to: gap.to ?? gap.from,
    recovered: 0,
    redelivered: 0,
    recreated: checked?.recreated ? 1 : 0,
    reenabled: checked?.reenabled ? 1 : 0,
    notes: [],
    at: new Date(args.now).toISOString(),
  };
  if (subscription?.state === 'error' && subscription.error) report.notes.push(subscription.error);
  if (!connector.recover) {
    report.notes.push(`${label} offers no way to fetch missed events through its API: check its dashboard.`);
    return report;
  }
  if (!subscription?.subscriptionId) {
    report.notes.push(`There is no ${label} subscription yet, so nothing could be recovered.`);
    return report;
  }
  const sub = {
    id: subscription.subscriptionId,
    url: subscription.url ?? '',
    events: source.connect?.events ?? subscription.events,
    enabled: true,
  };
  try {
    const result = await args.retry(() => connector.recover!(args.ctx, sub, recoverySpan(gap, args.connectedAt)));
    const { stored } = await storeRecovered(args.store, source, result.deliveries);
    report.recovered = stored;
    report.redelivered = result.redelivered;
    report.notes.push(...result.notes);
  } catch (err) {
    report.notes.push(
      err instanceof ConnectError
        ? err.message
        : `Hookdock could not get the missed ${label} events back: something unexpected went wrong (see the log).`,
    );
  }
  report.notes = [...new Set(report.notes)];
  return report;
}
