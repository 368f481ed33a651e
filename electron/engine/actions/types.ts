// The one interface every action kind implements (STYLE.md "Kinds behind one
// interface"): what an automation does once it matched an event. The run
// lifecycle around it (runs, attempts, retries through the one scheduler,
// replay, test runs, pause) lives in automations/ and knows no kind.
import type { z } from 'zod';
import type { ActionConfig, ActionKindId } from '../../../shared/actions';
import type { Config } from '../../../shared/config';
import type { Attempt, RunReason } from '../../../shared/types';
import type { StoredEvent } from '../store/types';
import type { Logger } from '../util/logger';

/** One outgoing webhook an action asks for; queued in the outbox (ARCHITECTURE.md "Contract: the outbox"). */
export interface ActionSend {
  destinationId: string;
  type: string;
  data: unknown;
  /**
   * Why this send cannot be delivered (no such destination, a malformed line): it is still
   * stored, as a failed delivery the owner sees and can retry once the destination exists.
   */
  error?: string;
}

/** The narrow kit an action gets for one attempt (graphile-worker's `helpers`). */
export interface ActionContext<C = ActionConfig> {
  /** The action's config, already checked against the kind's configSchema. */
  action: C;
  automationId: string;
  runId: string;
  /** Why this run happens: the event arrived, a deliberate replay, or a "Test it" run (issue #11). */
  reason: RunReason;
  /** A test: a test event, or a "Test it" run. Actions say so to the owner's code (HOOKDOCK_TEST=1). */
  test: boolean;
  /** 1-based, never reused within a run (it keeps counting through retries by hand and restarts). */
  attempt: number;
  /**
   * Settles when the attempt may act: the scheduler's job record is durable and holds a work
   * slot. Prepare before it; do nothing visible (spawn, send, write) until it resolves. When it
   * rejects, nothing may run: reject with its error (the lifecycle then reports "not saved").
   * Await it before returning any outcome, a failed one too: the attempt is recorded on the
   * run only once it has resolved, so an outcome returned earlier is lost.
   */
  ready: Promise<void>;
  config(): Config;
  logger: Logger;
  /** Live output for the dashboard ('run.output'), coalesced by the caller's kind. */
  output(stream: 'stdout' | 'stderr', chunk: string): void;
  /** Stores one outgoing webhook in the outbox; rejects when it could not be stored. */
  send(send: ActionSend): Promise<void>;
}

/**
 * What one attempt came to. `ok` false is a failed attempt (retried with backoff, then failed
 * for good); `error` is the sentence shown on the attempt (also allowed when ok: a note).
 * `fields` are the kind's own attempt fields (a script's exitCode, signal, stdout, stderr,
 * truncated; other kinds' `result`), merged into the recorded Attempt.
 */
export interface ActionOutcome {
  ok: boolean;
  error: string | null;
  fields?: Partial<Omit<Attempt, 'attempt' | 'startedAt' | 'finishedAt' | 'error'>>;
  /** A failed attempt's far end asked to wait (Retry-After), in ms: the next try waits at least this. */
  retryAfterMs?: number;
}

export interface ActionKind<C extends ActionConfig = ActionConfig> {
  readonly kind: C['kind'];
  /** The zod schema of this kind's config (shared/actions.ts), the one the config file is checked with. */
  readonly configSchema: z.ZodType<C>;
  /**
   * One attempt. `signal` aborts when Hookdock stops: end at once. Report a failure as an
   * outcome with a sentence the owner can act on; a throw is an unexpected failure (the
   * scheduler retries the attempt and keeps the message as the job's last error).
   */
  run(ctx: ActionContext<C>, event: StoredEvent, signal: AbortSignal): Promise<ActionOutcome>;
  /** Releases what the kind holds between attempts (a helper process); called once at stop. */
  stop?(): void;
  /**
   * After a crash, before the interrupted runs are tried again: end what their attempts left
   * behind (a script's processes). Returns, per run id, a phrase for the closed attempt
   * ("ended 2 processes: …"), or nothing for runs that left nothing.
   */
  recoverInterrupted?(runIds: string[]): Promise<Map<string, string | null>>;
}

/** Any one kind, its config type kept (distributes over the kinds of shared/actions.ts). */
export type AnyActionKind = ActionConfig extends infer C ? (C extends ActionConfig ? ActionKind<C> : never) : never;

export interface ActionRegistry {
  get(kind: string): ActionKind | undefined;
  kinds(): ActionKindId[];
  stop(): void;
  /** Every kind's recoverInterrupted, merged: per run id, what was ended of what it left behind. */
  recoverInterrupted(runIds: string[]): Promise<Map<string, string | null>>;
}
