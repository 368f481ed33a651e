// The follower's side of the follow API (shared/follow.ts): hello, pages of events,
// the live SSE stream and the ack. Every failure becomes a FollowWireError whose
// message is a sentence for the owner (never the token, never a stack).
import { createParser } from 'eventsource-parser';
import type { FollowedEvent, FollowHello, FollowPage } from '../../../../shared/follow';
import type { PairingLink } from './link';

/** Why a call failed; `retryAfterMs` when the server asked to wait (429), `revoked` on 401. */
export class FollowWireError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly revoked = false,
  ) {
    super(message);
    this.name = 'FollowWireError';
  }
}

export interface FollowWire {
  hello(signal?: AbortSignal): Promise<FollowHello>;
  /** Events after `after` (null: from the start), oldest first; limit 1..1000. */
  page(after: string | null, limit: number, signal?: AbortSignal): Promise<FollowPage>;
  /** Everything up to and including `cursor` is durable here. */
  ack(cursor: string, signal?: AbortSignal): Promise<void>;
  /**
   * Opens the live stream after `lastEventId`; `onEvent` gets each event in order, `onPing`
   * every `: ping` comment (and the open itself). Resolves when the server ends the stream;
   * rejects with FollowWireError when it cannot be opened or breaks.
   */
  stream(
    lastEventId: string | null,
    handlers: { onEvent: (e: FollowedEvent) => void; onPing: () => void },
    signal: AbortSignal,
  ): Promise<void>;
}

/** A transport failure in words: the server is down, the name does not resolve, TLS fails... */
export function unreachableMessage(server: string, err: unknown): string {
  if (err instanceof FollowWireError) return err.message;
  const cause = (err as { cause?: { code?: string } })?.cause ?? (err as { code?: string });
  const code = cause?.code ?? '';
  const why =
    code === 'ECONNREFUSED'
      ? 'nothing answers there (is hookdock serve running with --follow-port?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its name does not resolve (check this computer is online)'
        : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'it did not answer in time'
          : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? 'the connection was cut'
            : /CERT|SSL|TLS/.test(code)
              ? 'its TLS certificate is not valid'
              : 'the connection failed';
  return `Cannot reach ${server}: ${why}. Hookdock keeps trying.`;
}

async function failure(server: string, res: Response): Promise<FollowWireError> {
  await res.body?.cancel().catch(() => undefined);
  if (res.status === 401 || res.status === 403) {
    return new FollowWireError(
      `${server} no longer accepts this computer's pairing link (it was removed there): ask for a new one under "Add a follower" and paste it in Settings.`,
      null,
      true,
    );
  }
  if (res.status === 429) {
    const secs = Number(res.headers.get('retry-after'));
    return new FollowWireError(
      `${server} asked to slow down; Hookdock tries again shortly.`,
      Number.isFinite(secs) && secs >= 0 ? secs * 1000 : 1000,
    );
  }
  return new FollowWireError(`${server} answered ${res.status}; Hookdock keeps trying.`);
}

/** The client over `fetch` (injected for tests). */
export function createFollowWire(link: PairingLink, fetchFn: typeof fetch = globalThis.fetch): FollowWire {
  const auth = { authorization: `Bearer ${link.token}` };
  const url = (path: string) => `${link.server}/follow/v1/${path}`;

  const call = async (path: string, init: RequestInit): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchFn(url(path), { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new FollowWireError(unreachableMessage(link.server, err));
    }
    if (!res.ok) throw await failure(link.server, res);
    return res;
  };

  const json = async <T>(path: string, signal?: AbortSignal): Promise<T> => {
    const res = await call(path, { signal });
    try {
      return (await res.json()) as T;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new FollowWireError(`${link.server} sent an answer that is not a follow API answer: check the link.`);
    }
  };

  return {
    hello: (signal) => json<FollowHello>('hello', signal),

    page(after, limit, signal) {
      const q = new URLSearchParams({ limit: String(limit) });
      if (after !== null) q.set('after', after);
      return json<FollowPage>(`events?${q}`, signal);
    },

    async ack(cursor, signal) {
      const res = await call('ack', {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cursor }),
      });
      await res.body?.cancel().catch(() => undefined);
    },

    async stream(lastEventId, handlers, signal) {
      const res = await call('stream', {
        signal,
        headers: { accept: 'text/event-stream', ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}) },
      });
      if (!res.body) throw new FollowWireError(`${link.server} opened the stream but sent nothing.`);
      handlers.onPing();
      let bad: Error | null = null;
      const parser = createParser({
        onEvent: (msg) => {
          if (bad || (msg.event ?? 'message') !== 'event') return;
          try {
            const e = JSON.parse(msg.data) as FollowedEvent;
            handlers.onEvent({ ...e, cursor: e.cursor ?? msg.id });
          } catch (err) {
            bad = err as Error;
          }
        },
        onComment: () => handlers.onPing(),
      });
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
          if (bad) throw new FollowWireError(`${link.server} sent an event this Hookdock cannot read.`);
        }
      } catch (err) {
        if (err instanceof FollowWireError || (err as Error).name === 'AbortError') throw err;
        throw new FollowWireError(unreachableMessage(link.server, err));
      }
    },
  };
}
