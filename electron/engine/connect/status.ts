// A connected source's status as API answers show it (shared/connect.ts ManagedStatus),
// from the manager's state file (state.ts).
import type { Config } from '../../../shared/config';
import type { ManagedStatus } from '../../../shared/connect';
import { getProvider } from '../receiver/providers';
import type { ConnectorRegistry } from './registry';
import type { SourceState } from './state';

export function publicStatus(s: SourceState): ManagedStatus {
  return {
    state: s.state,
    subscriptionId: s.subscriptionId,
    url: s.url,
    lastCheckedAt: s.lastCheckedAt,
    error: s.error,
    lastAction: s.lastAction,
  };
}

/**
 * `managed` for a source: its state when Hookdock has one, `connecting` before the first
 * answer, an error sentence when no connector handles its provider, null without `connect`.
 */
export function managedStatus(
  current: SourceState | undefined,
  config: Config,
  sourceId: string,
  registry: ConnectorRegistry,
): ManagedStatus | null {
  const source = config.sources.find((x) => x.id === sourceId);
  if (!source?.connect) return null;
  if (!registry.get(source.provider)) {
    return {
      state: 'error',
      subscriptionId: null,
      url: null,
      lastCheckedAt: null,
      lastAction: null,
      error: `This Hookdock cannot connect ${getProvider(source.provider).label} sources yet: remove "connect" and paste the webhook's signing secret instead.`,
    };
  }
  if (current) return publicStatus(current);
  return { state: 'connecting', subscriptionId: null, url: null, lastCheckedAt: null, error: null, lastAction: null };
}

/** The state after a failed pass: what was known stays, `error` says what to do. */
export function errorState(
  current: SourceState | undefined,
  provider: string,
  message: string,
  now: number,
): SourceState {
  return {
    provider,
    subscriptionId: current?.subscriptionId ?? null,
    url: current?.url ?? null,
    events: current?.events ?? [],
    connectedAt: current?.connectedAt ?? now,
    lastAction: current?.lastAction ?? null,
    lastCheckedAt: new Date(now).toISOString(),
    state: 'error',
    error: message,
  };
}
