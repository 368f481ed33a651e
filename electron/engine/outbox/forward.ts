// A forward action's delivery (README "forward"): sent to the action's own URL rather than to a
// configured destination, with the event's original bytes (or the rendered body) and the chosen
// headers, through the same outbox job: same retries, attempts, Retry-After and 410 rules.
import type { Config } from '../../../shared/config';
import { DEFAULT_OUTBOX_RETRY, toRetryPolicy, type RetryPolicy } from '../jobs/backoff';
import type { Delivery, EventBody } from '../../../shared/types';
import { newId } from '../util/ids';
import { registerSecret } from '../util/logger';
import type { DeliveryTarget } from './http';

/** What a forward action hands the outbox; see Outbox.forward. */
export interface ForwardInput {
  url: string;
  automationId: string;
  /** Header names (any case) to value; stored lower-cased. */
  headers: Record<string, string>;
  body: EventBody;
  type: string;
  eventId: string;
  runId: string;
}

/** Per attempt, as a destination's timeout default (ARCHITECTURE.md "Contract: the outbox"). */
export const FORWARD_TIMEOUT_MS = 15_000;

/**
 * The retry policy of a forward delivery: the automation's own `retry` when it has one (the
 * owner set how hard to try for it), else the outbox's default (the Standard Webhooks schedule).
 */
export function forwardRetryPolicy(config: Config, automationId: string): RetryPolicy {
  return toRetryPolicy(config.automations.find((a) => a.id === automationId)?.retry, DEFAULT_OUTBOX_RETRY);
}

/**
 * The delivery a forward is stored as, pending (`now` in ms). Header names are lower-cased,
 * so Hookdock's own headers replace a copied one; destinationId is the URL, for the Outbox list.
 */
export function newForwardDelivery(input: ForwardInput, now: number): Delivery {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  const id = newId('dlv', now);
  return {
    id,
    destinationId: input.url,
    type: input.type,
    status: 'pending',
    webhookId: `msg_${id.slice(id.indexOf('_') + 1)}`,
    data: null,
    eventId: input.eventId,
    runId: input.runId,
    attempts: [],
    nextAttemptAt: null,
    createdAt: new Date(now).toISOString(),
    forward: { url: input.url, automationId: input.automationId, headers, body: input.body },
  };
}

/**
 * The request of one attempt of a forward delivery. The signing secret is the automation's
 * current one (config), so it is never stored with the delivery nor shown with it; an
 * automation since deleted or turned into another kind sends unsigned only if it never had one:
 * otherwise it is an error sentence (the receiver would refuse an unsigned copy anyway).
 */
export function forwardTarget(
  d: Delivery & { forward: NonNullable<Delivery['forward']> },
  config: Config,
): { target: DeliveryTarget } | { error: string } {
  const automation = config.automations.find((a) => a.id === d.forward.automationId);
  if (!automation || automation.action.kind !== 'forward') {
    return {
      error: `The automation "${d.forward.automationId}" that made this forward no longer forwards: replay the event from an automation that does.`,
    };
  }
  const secret = automation.action.secret || null;
  if (secret && !secret.startsWith('whsec_')) {
    return { error: `The forward's signing secret in automation "${automation.id}" is not set: paste it again.` };
  }
  registerSecret(secret);
  const body = 'text' in d.forward.body ? d.forward.body.text : Buffer.from(d.forward.body.base64, 'base64');
  return { target: { url: d.forward.url, secret, timeoutMs: FORWARD_TIMEOUT_MS, body, headers: d.forward.headers } };
}
