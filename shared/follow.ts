// Follow mode (issue #15; ARCHITECTURE.md wave 2, "Follow mode"): a desktop Hookdock
// follows a `hookdock serve` on an always-on machine. The wire protocol, shared by the
// server (engine/follow/server) and the follower (engine/follow/client).
//
// Pairing link: `<followBase>/#<token>` e.g. `https://abc.ngrok.app/#hdf_3q…` or
// `http://127.0.0.1:8790/#hdf_…` — the token rides in the fragment so it never reaches a
// proxy's access log when the link is opened in a browser. The follower sends it as
// `Authorization: Bearer <token>`. Plain http is refused except to a loopback host.
//
// Endpoints, all under the follow port (never the receiver's or the dashboard's):
//   GET  /follow/v1/hello                 -> FollowHello
//   GET  /follow/v1/events?after=<cursor>&limit=<1..1000>  -> FollowPage (oldest first)
//   GET  /follow/v1/stream                (SSE; `Last-Event-ID: <cursor>` resumes) each message:
//        `id: <cursor>` `event: event` `data: <FollowedEvent JSON>`; `: ping` comments keep it alive
//   POST /follow/v1/ack {cursor}          -> 204: everything up to and including cursor is stored
//                                            on the follower; kept durably per follower
// 401 {error} for a missing/revoked token; 429 with Retry-After when asked too often.
import type { IsoTime, StoredEventWire } from './follow-wire';

export type { StoredEventWire } from './follow-wire';

/** The follower's view of the connection (`GET /api/status` `follow`). */
export type FollowState = 'following' | 'catching-up' | 'unreachable';

export interface FollowStatus {
  state: FollowState;
  /** Events the server has that this follower has not stored yet (0 when unknown). */
  behind: number;
  /** The server's follow base URL (no token). */
  server: string;
  /** Why it cannot reach the server, in a sentence; null otherwise. */
  error: string | null;
  lastEventAt: IsoTime | null;
}

/** A follower as the server's dashboard lists it (`GET /api/followers`); the token is never listed. */
export interface FollowerInfo {
  id: string;
  name: string;
  createdAt: IsoTime;
  /** The last cursor it acknowledged, and when. */
  ackedCursor: string | null;
  ackedAt: IsoTime | null;
  /** Events after its cursor (a warning shows when this is large or its ack is old). */
  behind: number;
  connected: boolean;
}

export interface FollowHello {
  server: string;
  version: string;
  follower: { id: string; name: string };
  /** The server's sources without secrets, so the follower can name them and match automations. */
  sources: { id: string; name: string | null; provider: string }[];
}

/** One event as it travels: everything the follower stores, under the server's event id. */
export interface FollowedEvent {
  cursor: string;
  event: StoredEventWire;
}

export interface FollowPage {
  events: FollowedEvent[];
  /** Cursor to ask after next (the last event's, or `after` when none). */
  next: string | null;
  /** How many more events after `next` (0 = caught up). */
  behind: number;
}
