// The engine's public shape, as the hosts (electron/main.ts, electron/cli.ts)
// and the tests see it, and the service interfaces its parts are built against.
import type { ApiHandlers } from '../../shared/api';
import type { Config } from '../../shared/config';
import type { Unsubscribe } from '../../shared/events';
import type { EventSummary, Delivery, Run, TunnelStatus } from '../../shared/types';
import type { GapOptions, GapProtection } from './gaps';
import type { ConnectManager, ConnectManagerOptions } from './connect/manager';
import type { Follower, FollowTiming } from './follow/client';
import type { Bus } from './util/bus';
import type { Clock } from './util/clock';
import type { Logger } from './util/logger';
import type { Store } from './store/types';

export interface EngineOptions {
  dataDir: string;
  /** Receiver port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Receiver bind address. Default 127.0.0.1. */
  host?: string;
  /** Overrides config tunnel.provider. Default: ngrok when an authtoken is configured, else none. */
  tunnel?: 'ngrok' | 'none';
  /** NGROK_AUTHTOKEN: used when the config has none. */
  ngrokAuthtoken?: string;
  /**
   * The owner's own public URL (their tunnel or reverse proxy, checked by tunnel/owner-url.ts
   * parsePublicUrl): webhook URLs, Square's signed URL and the reachability probe use it; ngrok stays off.
   */
  publicUrl?: string;
  version?: string;
  logger?: Logger;
  clock?: Clock;
  /** Injected for tests: child_process.spawn, fetch, the @ngrok/ngrok module. */
  spawn?: typeof import('node:child_process').spawn;
  fetch?: typeof fetch;
  ngrok?: unknown;
  /**
   * Secrets at rest (sources[].secret, destinations[].secret, tunnel.authtoken in
   * config.json): the desktop host passes one backed by the OS keychain
   * (electron/shell/secrets.ts). Absent (headless) = stored as written, file mode 0600.
   * The config service decodes after JSON.parse (before validation) and encodes before writing.
   */
  secretCodec?: SecretCodec;
  /**
   * The receiver's HTTP edges (util/http-guard.ts); defaults: headers 10 s, whole request 30 s,
   * keep-alive 5 s, connections from the open-file limit (util/fd-limit.ts). Tests set them lower.
   */
  http?: {
    maxConnections?: number;
    headersTimeoutMs?: number;
    requestTimeoutMs?: number;
    keepAliveTimeoutMs?: number;
    stallMs?: number;
  };
  /**
   * Follow mode, server side (issue #15): the follow API's port (0 picks a free one); absent = off.
   * Never the receiver's or the dashboard's port.
   */
  followPort?: number;
  /** The follow API's bind address (default 127.0.0.1); other peers are refused over plain HTTP. */
  followHost?: string;
  /** The follow API's public https:// URL when the owner's own TLS proxy serves it (pairing links start with it). */
  followPublicUrl?: string;
  /** Gap protection timings and test hooks (see engine/gaps/index.ts GapOptions). */
  gaps?: Pick<GapOptions, 'heartbeatMs' | 'probeIntervalMs' | 'probeRetryMs' | 'networkSignature'>;
  /** Connect timings and test hooks (engine/connect/manager.ts): the check interval (default 6 h), the retry wait, connectors. */
  connect?: Pick<ConnectManagerOptions, 'checkEveryMs' | 'retryMs' | 'registry'>;
  /**
   * Follow mode (issue #15): the pairing link of a Hookdock server to receive through
   * (`--follow`, HOOKDOCK_FOLLOW); overrides config `follow.link`. While following, no tunnel.
   */
  follow?: string;
  /** Follow mode timings (tests): see engine/follow/client/client.ts FollowTiming. */
  followTiming?: FollowTiming;
  /** Test hook handed to the store: called before every fsync; throwing simulates a failing disk (503 path). */
  storeFaults?: { beforeSync?: () => void };
}

/** Encrypts secrets for config.json; decode() returns values it did not encode (hand edits) unchanged. */
export interface SecretCodec {
  readonly mode: 'os-keychain' | 'plain-file';
  encode(plain: string): string;
  decode(stored: string): string;
}

export interface Engine {
  start(): Promise<void>;
  /** Stops accepting, finishes in-flight writes and running jobs' bookkeeping, never waits on the tunnel. */
  stop(): Promise<void>;
  readonly bus: Bus;
  readonly handlers: ApiHandlers;
  readonly store: Store;
  readonly config: ConfigService;
  /** e.g. http://127.0.0.1:8787 — valid after start(). */
  receiverUrl(): string;
  receiverPort(): number;
  /** The gap ledger and the reachability checker. */
  readonly gaps: GapProtection;
  /** Connect: the subscriptions Hookdock keeps (issue #14). */
  readonly connect: ConnectManager;
  /** Follow mode: the follower (status, wake after sleep). */
  readonly follower?: Follower;
  /** The follow API's port after start(), or null when follow mode is off. */
  followPort(): number | null;
  /** What pairing links start with, or null when follow mode is off. */
  followBase(): string | null;
}

export interface ConfigService {
  /** Loads DATA_DIR/config.json (creating a default one), starts watching for hand edits. Throws ConfigError when the file is invalid at start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  current(): Config;
  /** Null, or why the file on disk was rejected (JSON path + message); the last good config stays in use. */
  error(): string | null;
  /** Null, or why a hand edit of config.json was rejected: saving from the app would replace that edit. */
  rejectedEdit?(): string | null;
  /** How secrets are kept in config.json: encrypted with the OS keychain, or in a file only this user can read (0600). */
  secretsStorage?(): SecretCodec['mode'];
  /** Validates, writes atomically (fsync + rename), applies, notifies. Throws HttpError 400 with the JSON path on invalid input. */
  update(mutate: (draft: Config) => Config | void): Promise<Config>;
  onChange(fn: (config: Config) => void): Unsubscribe;
}

/** The automations service (electron/engine/automations/service.ts); its scheduler, outbox and action kinds are peers built by electron/engine/work.ts. */
export interface AutomationsService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called after an event is durably stored (not for rejected or duplicate ones). */
  onEvent(event: EventSummary): Promise<void>;
  runsForEvent(eventId: string): Run[];
  deliveriesForEvent(eventId: string): Delivery[];
  counts(): { runsFailed: number; deliveriesFailed: number; jobsPending: number };
  /**
   * Optional: fn is called when counts() may have changed without a bus event (a job came,
   * moved or went), so the engine can push a status. Returns the unsubscribe.
   */
  onCountsChanged?(fn: () => void): () => void;
  paused(): boolean;
  handlers: Pick<
    ApiHandlers,
    'replayEvent' | 'retryRun' | 'listOutbox' | 'retryDelivery' | 'setAutomationsPaused' | 'testRunAutomation'
  >;
}

export interface TunnelService {
  /** Never blocks: returns at once, connecting in the background. */
  start(): void;
  /** Resolves within 5 s whatever the SDK does. */
  stop(): Promise<void>;
  status(): TunnelStatus;
  /** The public URL while the tunnel is online (or briefly reconnecting), else null. */
  publicUrl(): string | null;
  /** Follow mode: the follow port's public URL (its own ngrok endpoint) while online, else null. */
  followUrl?(): string | null;
}

export interface EngineDeps {
  store: Store;
  bus: Bus;
  config: ConfigService;
  logger: Logger;
  clock: Clock;
  dataDir: string;
}
