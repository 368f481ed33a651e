// The forward action (README "forward"): POSTs the event onward to the owner's URL through the
// outbox, so it gets the outbox's retries, attempts, Retry-After and 410 rules and shows in the
// Outbox and on the event page. The attempt succeeds once the delivery is durably queued.
import { forwardActionSchema, type ForwardActionConfig } from '../../../../shared/actions';
import type { EventBody } from '../../../../shared/types';
import type { Outbox } from '../../outbox/outbox';
import type { StoredEvent } from '../../store/types';
import { registerSecret } from '../../util/logger';
import { renderTemplate } from '../local-template';
import type { ActionContext, ActionKind, ActionOutcome } from '../types';

export interface ForwardActionOptions {
  /** Where forwards are queued (Outbox.forward). */
  outbox: Pick<Outbox, 'forward'>;
}

/** What a forward attempt recorded: the delivery it queued (null for a test run, which sends nothing). */
export interface ForwardResult {
  deliveryId: string | null;
  url: string;
  bytes: number;
}

/**
 * The request a forward sends, before signing: the original body bytes with the original
 * content-type, or the rendered `body` (JSON when it parses as JSON, else plain UTF-8 text);
 * plus the named headers of the original request that it had (names matched in any case).
 */
export async function forwardRequest(
  action: ForwardActionConfig,
  event: StoredEvent,
): Promise<{ body: EventBody; headers: Record<string, string> }> {
  const lower = new Map(Object.entries(event.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const headers: Record<string, string> = {};
  for (const name of action.headers) {
    const value = lower.get(name.toLowerCase());
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (action.body === undefined) {
    const type = lower.get('content-type');
    return { body: event.body, headers: { ...(type ? { 'content-type': type } : {}), ...headers } };
  }
  const text = await renderTemplate(action.body, event);
  return { body: { text }, headers: { 'content-type': contentTypeOf(text), ...headers } };
}

function contentTypeOf(text: string): string {
  try {
    JSON.parse(text);
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}

const sizeOf = (b: EventBody) => ('text' in b ? Buffer.byteLength(b.text) : Buffer.from(b.base64, 'base64').length);

export function createForwardAction(opts: ForwardActionOptions): ActionKind<ForwardActionConfig> {
  async function run(ctx: ActionContext<ForwardActionConfig>, event: StoredEvent): Promise<ActionOutcome> {
    const { action } = ctx;
    registerSecret(action.secret);
    let request: Awaited<ReturnType<typeof forwardRequest>>;
    try {
      request = await forwardRequest(action, event);
    } catch (err) {
      await ctx.ready;
      return { ok: false, error: (err as Error).message };
    }
    await ctx.ready; // nothing is queued before the attempt's job is durable
    const result: ForwardResult = { deliveryId: null, url: action.url, bytes: sizeOf(request.body) };
    if (ctx.reason === 'test') {
      return {
        ok: true,
        error: 'A test run sends nothing onward: this is what would be forwarded.',
        fields: { result },
      };
    }
    const delivery = await opts.outbox.forward({
      url: action.url,
      automationId: ctx.automationId,
      headers: request.headers,
      body: request.body,
      type: event.type,
      eventId: event.id,
      runId: ctx.runId,
    });
    return { ok: true, error: null, fields: { result: { ...result, deliveryId: delivery.id } } };
  }

  return { kind: 'forward', configSchema: forwardActionSchema, run };
}
