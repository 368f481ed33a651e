// The shapes of the fake GitHub (fake-github.ts): its hooks, deliveries, tokens and controls.
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeGithubPayload } from './fake-github-send';

export interface FakeHook {
  id: number;
  owner: string; // "repo:o/r" or "org:name"
  active: boolean;
  events: string[];
  config: { url: string; content_type: string; insecure_ssl: string; secret?: string };
}

export interface FakeDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action: string | null;
  hookId: number;
}

export interface FakeGithubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What a token may do: the repositories (`o/r`) and organisations it can see, and whether it holds Webhooks write. */
export interface FakeToken {
  repos: string[];
  orgs: string[];
  webhooks: boolean;
}

export interface FakeGithub {
  baseUrl: string;
  tokens: Map<string, FakeToken>;
  hooks: Map<number, FakeHook>;
  deliveries: FakeDelivery[];
  requests: FakeGithubRequest[];
  /** Delivery ids GitHub was asked to redeliver, in order. */
  redeliveryRequests: number[];
  /** Redeliveries GitHub made, as they finished: the status the receiver answered. */
  redelivered: { guid: string; status: number }[];
  /** Resolves once `n` redeliveries have finished (GitHub redelivers after answering 202). */
  whenRedelivered(n: number): Promise<void>;
  /** Status the next redeliveries of hand-added deliveries get (default 200: they got through). */
  redeliveryStatus: number;
  /** The next request is accepted and never answered (a server that hangs). */
  hangNext(): void;
  /** The next request is answered with this rate limit. */
  rateLimitNext(kind: { primaryResetAt: number } | { retryAfterSeconds: number }): void;
  /**
   * GitHub sends an event to the hook: really POSTs it, signed (fake-github-send.ts), unless `lost`
   * (the computer was off), and records the delivery with the status it got, or `recordAs` (GitHub
   * timed out although the request arrived). A redelivery of it is then really POSTed too.
   */
  send(hookId: number, p: FakeGithubPayload, opts?: { lost?: boolean; recordAs?: number }): Promise<FakeDelivery>;
  /** Adds a delivery of `hookId` (ids grow with time: newest has the largest id). */
  addDelivery(
    d: Omit<FakeDelivery, 'id' | 'redelivery' | 'action'> & { redelivery?: boolean; action?: string | null },
  ): FakeDelivery;
  close(): Promise<void>;
}
