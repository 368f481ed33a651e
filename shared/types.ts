// Domain types shared by the engine, both transports and the renderer.
// Pure types only: shared/ has no runtime dependency on Node or Electron.
import type { DELIVERY_STATUSES, EVENT_STATUSES, RUN_STATUSES } from './statuses';

import type { Reachability } from './gaps';
import type { FollowStatus } from './follow';

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

/** The status words are defined once, with their meaning, in shared/statuses.ts. */
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

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
  /**
   * What redeliveries of this event are recognised by (README "duplicate key"): the
   * provider's id, with the topic and a body hash where that id alone is not unique
   * per event. Absent on events stored before it existed: providerEventId is used.
   */
  dedupeKey?: string | null;
  /**
   * Shopify and WooCommerce order topics: the resource and change the event is about
   * (`shopify:orders/updated:<id>:<updated_at as Unix seconds>`), shared with Connect's recovered copy of it, so
   * whichever arrives second is a duplicate. On a recovered event it equals `dedupeKey`.
   */
  resourceKey?: string | null;
  verification: Verification;
  /** One human line drawn from the payload ("Order #1042 — $59.00"), or null. */
  summary: string | null;
  sizeBytes: number;
  /** How many times the provider delivered it again after the first time. */
  redeliveries: number;
  /** Set on an event created by edit-and-replay: the event it was copied from. */
  replayOf: string | null;
  /**
   * A made-up sample from "Send a test event", not the provider's: shown with a "Test"
   * badge, left out of the counts, and run through automations only when asked for.
   * The API always says true or false; stored events before this field read as false.
   */
  test?: boolean;
  /**
   * Not delivered by webhook: Hookdock got it back through the provider's API after a gap
   * (Connect, issue #14). Shown with a "Recovered" badge; its duplicate key is the webhook's,
   * so a late delivery of the same event is a duplicate. Absent on every other event.
   */
  recovered?: boolean;
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
  /** The action kind that ran (shared/actions.ts); absent on attempts recorded before kinds existed (scripts). */
  kind?: string;
  /** A kind's own result (e.g. HTTP status and body, the file and row); scripts use the fields above. */
  result?: unknown;
}

/**
 * Why a run was made: `event` the event arrived (or a test event whose automations the
 * owner asked for), `replay` the owner replayed it (or an edited copy of it), `test` an
 * automation's "Test it" against a past event. Runs stored before this field read as `event`.
 */
export type RunReason = 'event' | 'replay' | 'test';

export interface Run {
  id: string;
  eventId: string;
  automationId: string;
  status: RunStatus;
  attempts: Attempt[];
  nextAttemptAt: IsoTime | null;
  createdAt: IsoTime;
  /** Set on every new run; absent on runs stored before it existed (read as 'event'). */
  reason?: RunReason;
  /**
   * A test: a "Test it" run (reason 'test') or any run on a test event. Never counted
   * in "Failed scripts"; a 'test' run never changes its event's status.
   */
  test?: boolean;
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
  /** The Hookdock-Trail of the event that caused this send (install ids it passed through), if any. */
  trail?: string;
  /**
   * Set on a forward action's delivery (README "forward"): sent to `url` rather than to a
   * destination, with these exact body bytes and headers; signed with the secret the
   * automation holds (looked up per attempt, never stored here). destinationId is then the URL.
   */
  forward?: { url: string; automationId: string; headers: Record<string, string>; body: EventBody };
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

/**
 * What a piece of damage was: a file that is not valid JSON (`unreadable-file`),
 * a segment whose index is there but whose data file is gone (`missing-segment`),
 * a segment whose index is gone, so later status changes of its events are lost
 * (`missing-index`), a segment whose size differs from the size its index recorded
 * (`size-mismatch`), journal lines that are not valid JSON or not a known record
 * (`journal-lines`).
 */
export type StoreDamageKind =
  'unreadable-file' | 'missing-segment' | 'missing-index' | 'size-mismatch' | 'journal-lines';

/** One piece of damage found in the data folder; the dashboard shows each until the quarantine is cleared. */
export interface StoreDamage {
  at: IsoTime;
  /** The damaged (or missing) file, absolute. */
  file: string;
  kind: StoreDamageKind;
  /** Bytes kept in quarantine (0 when nothing could be kept: a missing file). */
  bytes: number;
  /** Where the unreadable bytes were kept (DATA_DIR/quarantine/<time>-<name>), or null. */
  quarantinedAs: string | null;
  /** A sentence for the owner: what happened, what was lost, what to do. */
  message: string;
  /** SHA-256 (hex) of the kept bytes, where they were copied: the same damage found again is not reported twice. */
  sha256?: string;
}

export interface StoreHealth {
  writable: boolean;
  lastWriteError: string | null;
  /** Files moved or copied into DATA_DIR/quarantine since start, damage or not (a torn last journal line). */
  quarantined: { file: string; movedTo: string; reason: string; at: IsoTime }[];
  /** Damage found, kept across restarts (DATA_DIR/quarantine/damage.jsonl). Empty when all is well. */
  damage: StoreDamage[];
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
  /** Whether the public URL reaches this Hookdock (the last probe); unknown without a tunnel. */
  reachability?: Reachability;
  /** Follow mode (issue #15): this computer's connection to the server it follows; null when not following. */
  follow?: FollowStatus | null;
  /**
   * Follow mode, server side (present when the follow port is on): how many followers, and a
   * sentence for each that is far behind (over 10,000 events) or silent (no ack for 24 h).
   */
  followers?: { count: number; warnings: string[] };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Errors cross every boundary as data. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}
