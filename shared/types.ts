// Domain types shared by the engine, both transports and the renderer.
// Pure types only: shared/ has no runtime dependency on Node or Electron.

/** The one list of providers: ProviderId and the config schema's enum are derived from it. */
export const PROVIDERS = [
  'stripe',
  'shopify',
  'woocommerce',
  'square',
  'github',
  'standard-webhooks',
  'hmac',
  'none',
] as const;

export type ProviderId = (typeof PROVIDERS)[number];

export type EventStatus = 'received' | 'processing' | 'done' | 'failed' | 'duplicate' | 'rejected';
export type RunStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed';
export type DeliveryStatus = 'pending' | 'delivering' | 'retrying' | 'delivered' | 'failed';

/** ISO-8601 timestamp string, always UTC (`new Date().toISOString()`). */
export type IsoTime = string;

export interface Verification {
  ok: boolean;
  /** Why it failed (or a warning such as "unsigned source"), in words an owner understands. */
  reason: string | null;
}

/** The raw request body, byte for byte: text when it is valid UTF-8, base64 otherwise. */
export type EventBody = { text: string } | { base64: string };

/** What the feed lists: everything but headers, body and payload. */
export interface EventSummary {
  id: string;
  source: string;
  provider: ProviderId;
  type: string;
  status: EventStatus;
  receivedAt: IsoTime;
  providerEventId: string | null;
  verification: Verification;
  /** One human line drawn from the payload ("Order #1042 — $59.00"), or null. */
  summary: string | null;
  sizeBytes: number;
  /** How many times the provider delivered it again after the first time. */
  redeliveries: number;
  /** Set on an event created by edit-and-replay: the event it was copied from. */
  replayOf: string | null;
  /** Optional: what ran for it (one entry per automation, latest run), for the feed's "what ran". */
  ran?: { automationId: string; status: RunStatus }[];
}

export interface HookEvent extends EventSummary {
  headers: Record<string, string>;
  body: EventBody;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  payload: unknown;
  runs: Run[];
  deliveries: Delivery[];
}

export interface Attempt {
  attempt: number;
  startedAt: IsoTime;
  finishedAt: IsoTime | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface Run {
  id: string;
  eventId: string;
  automationId: string;
  status: RunStatus;
  attempts: Attempt[];
  nextAttemptAt: IsoTime | null;
  createdAt: IsoTime;
}

export interface DeliveryAttempt {
  attempt: number;
  at: IsoTime;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  destinationId: string;
  type: string;
  status: DeliveryStatus;
  /** Standard Webhooks `webhook-id`: the same on every retry. */
  webhookId: string;
  data: unknown;
  eventId: string | null;
  runId: string | null;
  attempts: DeliveryAttempt[];
  nextAttemptAt: IsoTime | null;
  createdAt: IsoTime;
}

export type TunnelState = 'off' | 'connecting' | 'online' | 'reconnecting' | 'error';

export interface TunnelStatus {
  state: TunnelState;
  provider: 'ngrok' | 'none';
  url: string | null;
  /** A sentence a shop owner understands, when state is error or reconnecting. */
  error: string | null;
  since: IsoTime;
}

export interface StoreHealth {
  writable: boolean;
  lastWriteError: string | null;
  /** Files moved aside at start because they could not be read. */
  quarantined: { file: string; movedTo: string; reason: string; at: IsoTime }[];
}

export interface Counts {
  events: number;
  eventsToday: number;
  rejectedToday: number;
  runsFailed: number;
  deliveriesFailed: number;
  jobsPending: number;
}

export interface Status {
  version: string;
  receiverUrl: string;
  publicUrl: string | null;
  tunnel: TunnelStatus;
  counts: Counts;
  automationsPaused: boolean;
  store: StoreHealth;
  /** Set when the config file on disk is invalid (the last good one stays in use). */
  configError: string | null;
  /**
   * Set while config.json holds a hand edit that was rejected (why, with the JSON path):
   * a save from the app replaces the file, so the UI asks first.
   */
  configRejectedEdit?: string | null;
  dataDir: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Errors cross every boundary as data. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}
