// Keeping one source's subscription as its config says: create it, point it at the
// current webhook URL with the chosen events, re-create it when the provider deleted
// it, re-enable it when the provider disabled it, delete it when Connect is removed.
// Each function does one pass and returns the new state; manager.ts serialises the
// passes per source, retries and saves. Sentences here are what the owner reads.
import { randomBytes } from 'node:crypto';
import type { ConnectConfig } from '../../../shared/connect';
import { getProvider } from '../receiver/providers';
import type { SourceState } from './state';
import type { ConnectorContext, ProviderConnector, Subscription } from './types';

/** What the subscription should be. */
export interface Desired {
  sourceId: string;
  url: string;
  connect: ConnectConfig;
}

export interface PassResult {
  state: SourceState;
  /** A new signing secret to store as the source's `secret` (create / re-create). */
  secret?: string;
  recreated?: boolean;
  reenabled?: boolean;
}

/** A secret for providers that take one from the caller (GitHub, WooCommerce): 32 random bytes, hex. */
export function generatedSecret(): string {
  return randomBytes(32).toString('hex');
}

const sameEvents = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function clockTime(now: number): string {
  return new Date(now).toISOString().slice(11, 16) + ' UTC';
}

function activeState(
  base: SourceState | undefined,
  provider: string,
  sub: Subscription,
  now: number,
  state: SourceState['state'],
  lastAction: string | null,
): SourceState {
  return {
    provider,
    state,
    subscriptionId: sub.id,
    url: sub.url,
    events: sub.events,
    lastCheckedAt: new Date(now).toISOString(),
    error: null,
    lastAction: lastAction ?? base?.lastAction ?? null,
    connectedAt: base?.connectedAt ?? now,
  };
}

async function create(
  connector: ProviderConnector,
  ctx: ConnectorContext,
  want: Desired,
  base: SourceState | undefined,
  now: number,
  action: string,
): Promise<PassResult> {
  const { subscription, secret } = await connector.create(ctx, {
    url: want.url,
    events: want.connect.events,
    secret: generatedSecret(),
  });
  const state = activeState(base, connector.provider, subscription, now, 'active', null);
  state.lastAction = `${action} at ${clockTime(now)}`;
  return { state, ...(secret ? { secret } : {}) };
}

/**
 * Makes the subscription match `want` without asking the provider when nothing changed
 * (a config save, a restart): creates it when there is none, updates url/events when they differ.
 */
export async function ensure(
  connector: ProviderConnector,
  ctx: ConnectorContext,
  want: Desired,
  current: SourceState | undefined,
  now: number,
): Promise<PassResult | null> {
  if (!current?.subscriptionId) {
    return create(connector, ctx, want, undefined, now, `Created the ${label(connector)} subscription`);
  }
  if (current.url === want.url && sameEvents(current.events, want.connect.events) && current.state !== 'error') {
    return null;
  }
  return check(connector, ctx, want, current, now);
}

/**
 * Asks the provider how the subscription is and repairs it: deleted -> re-created (a new
 * secret), disabled -> re-enabled, wrong URL or events -> updated.
 */
export async function check(
  connector: ProviderConnector,
  ctx: ConnectorContext,
  want: Desired,
  current: SourceState | undefined,
  now: number,
): Promise<PassResult> {
  if (!current?.subscriptionId) {
    return create(connector, ctx, want, current, now, `Created the ${label(connector)} subscription`);
  }
  const sub = await connector.get(ctx, current.subscriptionId);
  if (!sub) {
    const result = await create(
      connector,
      ctx,
      want,
      current,
      now,
      `Re-created the subscription ${label(connector)} had deleted`,
    );
    return { ...result, state: { ...result.state, state: 'repaired' }, recreated: true };
  }
  const wrongUrl = sub.url !== want.url;
  const wrongEvents = !sameEvents(sub.events, want.connect.events);
  if (!sub.enabled || wrongUrl || wrongEvents) {
    const updated = await connector.update(ctx, sub.id, {
      ...(wrongUrl ? { url: want.url } : {}),
      ...(wrongEvents ? { events: want.connect.events } : {}),
      ...(!sub.enabled ? { enabled: true } : {}),
    });
    const what = !sub.enabled
      ? `Re-enabled the subscription ${label(connector)} had disabled`
      : wrongUrl
        ? `Pointed the subscription at ${want.url}`
        : 'Updated the subscribed event types';
    const repaired = !sub.enabled || (current.url === want.url && wrongUrl);
    const state = activeState(
      current,
      connector.provider,
      updated,
      now,
      repaired ? 'repaired' : 'active',
      `${what} at ${clockTime(now)}`,
    );
    return { state, ...(!sub.enabled ? { reenabled: true } : {}) };
  }
  // Nothing wrong this time: `repaired` gives way to `active` (lastAction still says what was done).
  return { state: activeState(current, connector.provider, sub, now, 'active', null) };
}

/** Deletes the subscription (Connect removed, or the source). Already gone counts as done. */
export async function remove(connector: ProviderConnector, ctx: ConnectorContext, current: SourceState): Promise<void> {
  if (current.subscriptionId) await connector.delete(ctx, current.subscriptionId);
}

function label(connector: ProviderConnector): string {
  return getProvider(connector.provider).label;
}
