// One HTTP attempt of a delivery: the signed POST, its timeout, and what the
// answer means (delivered, retry, retry after, gone). Never throws.
import type { Delivery, DeliveryAttempt } from '../../../shared/types';
import type { Clock } from '../util/clock';
import { LOOP_HEADER, loopDeliveryError, outgoingTrail, TRAIL_HEADER } from '../util/loop-guard';
import { sign } from './signing';

/** Response bodies are kept up to this many bytes. */
export const RESPONSE_BODY_LIMIT = 4096;
/** A Retry-After further away than this is cut back to it (a destination cannot park a delivery for weeks). */
export const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000;

export interface AttemptResult {
  ok: boolean;
  /** 410 Gone: the destination asked never to be called again. */
  gone: boolean;
  /**
   * How long the destination asked us to wait (Retry-After), in ms. The scheduler
   * only ever lengthens the policy's next delay with it, never shortens it.
   */
  retryAfterMs?: number;
  /** 508 Loop Detected: the destination leads back here (util/loop-guard.ts); never retried. */
  loop?: boolean;
  attempt: DeliveryAttempt;
}

/** The request body: the same bytes on every attempt (the timestamp is when the send was queued). */
export function deliveryBody(d: Pick<Delivery, 'type' | 'createdAt' | 'data'>): string {
  return JSON.stringify({ type: d.type, timestamp: d.createdAt, data: d.data ?? null });
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`,
);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (?: \\d|\\d{2}) ${TIME} \\d{4}$`);

/**
 * Retry-After (RFC 9110 §10.2.3): `delay-seconds` (digits only) or an HTTP-date.
 * Returns ms from `now`, 0 for a date already past, at most RETRY_AFTER_CAP_MS;
 * undefined when absent or not one of those forms (`-5`, `1.5`, `soon`: ignored,
 * never read as "now"). The caller may only lengthen its own schedule with it.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else if (IMF_FIXDATE.test(v) || RFC850.test(v) || ASCTIME.test(v)) {
    // asctime carries no zone: it is GMT by definition.
    const at = Date.parse(ASCTIME.test(v) ? `${v} GMT` : v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  } else return undefined;
  return Math.min(Math.max(0, ms), RETRY_AFTER_CAP_MS);
}

/** The start of the answer; never throws (the status code already says what happened). */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short (timeout, reset) still leaves what was read.
  } finally {
    // Whatever is left is not read: do not download a huge answer.
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'Could not connect: the destination refused the connection (ECONNREFUSED).';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Could not find the destination's host (${code}).`;
  if (code) return `Could not reach the destination (${code}).`;
  const msg = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return `Could not reach the destination: ${msg}`;
}

/**
 * Where and what one attempt sends: a destination's JSON body, or a forward's bytes and headers.
 * `secret` null: unsigned (a forward without a secret). `timeoutMs` per attempt.
 */
export interface DeliveryTarget {
  url: string;
  secret: string | null;
  timeoutMs: number;
  body: string | Uint8Array;
  /** Request headers besides Hookdock's own (user-agent, webhook-*, Hookdock-Trail), which win. */
  headers: Record<string, string>;
}

export async function attemptDelivery(input: {
  delivery: Delivery;
  target: DeliveryTarget;
  attempt: number;
  clock: Clock;
  fetch: typeof fetch;
  userAgent: string;
  stopSignal: AbortSignal;
  /** This install's id (util/loop-guard.ts), added to the delivery's trail. */
  installId: string;
}): Promise<AttemptResult> {
  const { delivery: d, target: dest, clock } = input;
  const body = dest.body;
  const started = clock.now();
  const timestamp = Math.floor(started / 1000);
  // One controller for both the timeout and Hookdock stopping. (Not AbortSignal.any
  // on the scheduler's long-lived signal: on Node 20 its dependents pile up.)
  const ctl = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, dest.timeoutMs);
  const onStop = () => ctl.abort();
  input.stopSignal.addEventListener('abort', onStop, { once: true });
  const record = (statusCode: number | null, responseBody: string | null, error: string | null): DeliveryAttempt => ({
    attempt: input.attempt,
    at: new Date(started).toISOString(),
    statusCode,
    durationMs: Math.max(0, clock.now() - started),
    responseBody,
    error,
  });
  try {
    const res = await input.fetch(dest.url, {
      method: 'POST',
      // A Buffer is a valid fetch body; lib.dom's BodyInit only names ArrayBuffer-backed views.
      body: body as string | Uint8Array<ArrayBuffer>,
      redirect: 'manual',
      signal: ctl.signal,
      headers: {
        ...dest.headers,
        'user-agent': input.userAgent,
        'webhook-id': d.webhookId,
        'webhook-timestamp': String(timestamp),
        ...(dest.secret ? { 'webhook-signature': sign(dest.secret, d.webhookId, timestamp, body) } : {}),
        [TRAIL_HEADER]: outgoingTrail(d.trail, input.installId),
      },
    });
    const text = await readCapped(res);
    const status = res.status;
    if (status >= 200 && status < 300) return { ok: true, gone: false, attempt: record(status, text, null) };
    if (status === 508) {
      const error = loopDeliveryError(res.headers.get(LOOP_HEADER));
      return { ok: false, gone: false, loop: true, attempt: record(status, text, error) };
    }
    const error =
      status === 410
        ? 'The destination answered 410 Gone: it no longer wants these webhooks, so it was turned off.'
        : status >= 300 && status < 400
          ? `The destination answered ${status} (a redirect). Redirects are not followed: use the final URL.`
          : `The destination answered ${status}.`;
    return {
      ok: false,
      gone: status === 410,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), clock.now()),
      attempt: record(status, text, error),
    };
  } catch (err) {
    const error = timedOut
      ? `The destination did not answer within ${dest.timeoutMs / 1000} s.`
      : input.stopSignal.aborted
        ? 'Hookdock stopped during the attempt.'
        : describeNetworkError(err);
    return { ok: false, gone: false, attempt: record(null, null, error) };
  } finally {
    clock.clearTimeout(timer);
    input.stopSignal.removeEventListener('abort', onStop);
  }
}
