// After a gap, Square's Events API gives back what was missed: every event of the
// subscription's types created in the span, for up to 28 days (and only while
// event search is enabled: square.ts enables it on create). Each event is rebuilt
// as the webhook notification Square would have posted: the same body shape
// {merchant_id, location_id?, type, event_id, created_at, data}, unsigned. The
// receiver's duplicate key for Square is `event_id`, which Square keeps on every
// retry, so a late webhook for the same event is a duplicate of the recovered one.
// Source: developer.squareup.com "Events API" overview, SearchEvents (POST /v2/events),
// "Subscribe to Event Notifications" (notification body and headers).
import { parse, stringify } from 'lossless-json';
import type { CallEnv } from './provider-http';
import { squareCall, squareEnvironment } from './square-api';
import {
  ConnectError,
  type ConnectorContext,
  type RecoveredDelivery,
  type RecoveryResult,
  type Subscription,
} from './types';

/** How far back the Events API searches ("events that occurred within the past 28 days"). */
export const SQUARE_EVENT_RETENTION_MS = 28 * 24 * 3600 * 1000;
/** SearchEvents' largest page. */
const PAGE = 100;
/** A guard against a cursor loop: 500 pages of 100 events. */
const MAX_PAGES = 500;

/** An Event of SearchEvents (numbers kept as lossless-json numbers, so ids past 2^53 keep their digits). */
interface SquareEvent {
  merchant_id?: string;
  location_id?: string;
  type?: string;
  event_id?: string;
  created_at?: string;
  data?: unknown;
}

/**
 * The notification Square would have posted for `event`: JSON in the webhook's field order, exact
 * numbers, and the headers Square sends except the signature (content type, `square-environment`).
 */
export function squareNotification(event: SquareEvent, environment: 'production' | 'sandbox'): RecoveredDelivery {
  const body: Record<string, unknown> = { merchant_id: event.merchant_id };
  if (event.location_id) body.location_id = event.location_id;
  Object.assign(body, { type: event.type, event_id: event.event_id, created_at: event.created_at, data: event.data });
  return {
    headers: {
      'content-type': 'application/json',
      'square-environment': environment === 'sandbox' ? 'Sandbox' : 'Production',
    },
    body: stringify(body) ?? '{}',
  };
}

/**
 * Searches the events of `sub.events` created in [from, to) (clamped to Square's 28 days, oldest
 * first, 100 a page, following `cursor` with the original query as Square requires) and returns each
 * once as a RecoveredDelivery. Throws ConnectError for a bad token, a missing permission or a rate
 * limit; notes what lies beyond Square's window.
 */
export async function recoverSquare(
  ctx: ConnectorContext,
  sub: Subscription,
  span: { from: number; to: number },
  env: CallEnv,
): Promise<RecoveryResult> {
  const environment = squareEnvironment(ctx.account);
  const notes: string[] = [];
  const oldest = env.now() - SQUARE_EVENT_RETENTION_MS;
  const from = Math.max(span.from, oldest);
  if (span.from < oldest) {
    notes.push(
      `Square keeps events for 28 days only: what happened before ${new Date(oldest).toISOString()} cannot be fetched back.`,
    );
  }
  if (from >= span.to) return { deliveries: [], redelivered: 0, notes };
  await enableSearch(ctx, env, notes);

  const query = {
    filter: {
      ...(sub.events.length > 0 ? { event_types: sub.events } : {}),
      created_at: { start_at: new Date(from).toISOString(), end_at: new Date(span.to).toISOString() },
    },
    sort: { field: 'DEFAULT', order: 'ASC' },
  };
  const seen = new Set<string>();
  const deliveries: RecoveredDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page === MAX_PAGES) {
      notes.push(`Square listed more than ${MAX_PAGES * PAGE} events for the gap; only the oldest were fetched.`);
      break;
    }
    const answer = await squareCall(
      ctx,
      'POST',
      '/v2/events',
      { limit: PAGE, query, ...(cursor ? { cursor } : {}) },
      sub.events,
      env,
    );
    const result = readPage(answer.text);
    for (const event of result.events) {
      if (!event.event_id || seen.has(event.event_id)) continue;
      seen.add(event.event_id);
      deliveries.push(squareNotification(event, environment));
    }
    if (!result.cursor || result.cursor === cursor) break;
    cursor = result.cursor;
  }
  return { deliveries, redelivered: 0, notes };
}

/**
 * Event search stays on once on (PUT /v2/events/enable is harmless when it is); asking again here
 * covers a create whose own attempt failed. A refusal is a note, not a failure: the events of the
 * gap may still be searchable.
 */
async function enableSearch(ctx: ConnectorContext, env: CallEnv, notes: string[]): Promise<void> {
  try {
    await squareCall(ctx, 'PUT', '/v2/events/enable', undefined, [], env);
  } catch (err) {
    if (!(err instanceof ConnectError) || err.kind === 'rate-limited' || err.kind === 'auth') throw err;
    notes.push(
      `Square did not switch on its event search (${err.message}) Only events that happen while it is on can be fetched back after a gap.`,
    );
  }
}

function readPage(text: string): { events: SquareEvent[]; cursor?: string } {
  let page: { events?: unknown; cursor?: unknown } | undefined;
  try {
    page = parse(text) as typeof page;
  } catch {
    page = undefined;
  }
  if (!page || (page.events !== undefined && !Array.isArray(page.events))) {
    throw new ConnectError(
      'provider',
      'Square answered the event search with something that is not a list of events; Hookdock tries again at its next check.',
    );
  }
  return {
    events: (page.events as SquareEvent[] | undefined) ?? [],
    cursor: typeof page.cursor === 'string' && page.cursor !== '' ? page.cursor : undefined,
  };
}
