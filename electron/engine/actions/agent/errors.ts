// The sentences a failed agent attempt shows the owner. Built here, never copied from
// the endpoint wholesale: a hosted API's 401 body quotes part of the key
// ("Incorrect API key provided: sk-ab***yz"), so 401/403 bodies are never shown and
// every other endpoint message is scrubbed of the key and capped.
import type OpenAI from 'openai';

/** What a failed request came to: the sentence, the HTTP status if any, and a Retry-After wait. */
export interface AgentFailure {
  error: string;
  status: number | null;
  retryAfterMs?: number;
}

/** Longest Retry-After honoured, in ms (an endpoint asking for more is retried on the usual backoff). */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Turns the SDK's error into a sentence the owner can act on (openai-node README "Handling
 * errors": APIError subclasses carry `status` and `headers`; timeouts are
 * APIConnectionTimeoutError). `apiKey` is removed from any text taken from the endpoint.
 */
export function describeAgentError(
  err: unknown,
  opts: { apiKey?: string; timeoutSeconds: number },
  /** The openai module's default export (loaded on first use, agent/action.ts): its error classes. */
  sdk: typeof OpenAI,
): AgentFailure {
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return {
      error: `The AI endpoint did not answer within ${opts.timeoutSeconds} s: check that it is running, or raise the automation's timeout.`,
      status: null,
    };
  }
  if (err instanceof sdk.APIUserAbortError) {
    return { error: 'The request to the AI endpoint was stopped because Hookdock is stopping.', status: null };
  }
  if (err instanceof sdk.APIConnectionError) {
    return {
      error: 'Could not reach the AI endpoint: check its base URL and that the server (for example Ollama) is running.',
      status: null,
    };
  }
  if (err instanceof sdk.APIError && typeof err.status === 'number') {
    const status = err.status;
    if (status === 401 || status === 403) {
      return {
        error: `The AI endpoint refused the API key (HTTP ${status}): paste a valid key in the automation's settings.`,
        status,
      };
    }
    const said = endpointMessage(err, opts.apiKey);
    const tail = said ? ` It said: "${said}"` : '';
    if (status === 429) {
      const wait = retryAfterMs(err.headers);
      return {
        error: `The AI endpoint is rate limiting requests (HTTP 429); Hookdock will try again later.${tail}`,
        status,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      };
    }
    if (status === 404) {
      return {
        error: `The AI endpoint answered 404: check the base URL (it usually ends in /v1) and the model name.${tail}`,
        status,
      };
    }
    if (status >= 500)
      return { error: `The AI endpoint failed (HTTP ${status}); Hookdock will try again.${tail}`, status };
    return { error: `The AI endpoint refused the request (HTTP ${status}): check the model name.${tail}`, status };
  }
  const why = scrub(err instanceof Error ? err.message : String(err), opts.apiKey);
  return { error: `The AI request failed (${why}): check the automation's endpoint settings.`, status: null };
}

function endpointMessage(err: InstanceType<typeof OpenAI.APIError>, apiKey?: string): string {
  const body = err.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  return scrub(text, apiKey).slice(0, 300);
}

function scrub(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join('[key]');
  // Key-shaped tokens the endpoint may echo partially (sk-..., Bearer ...).
  return out.replace(/\b(sk|pk|rk)-[A-Za-z0-9_*.-]{4,}/g, '[key]').replace(/Bearer\s+\S+/gi, 'Bearer [key]');
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
