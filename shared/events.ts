// Push events: name -> payload. The engine bus emits these; IPC and SSE forward
// them unchanged, so the renderer sees the same thing in both hosts.
import type { ManagedStatus, RecoveryReport } from './connect';
import type { FollowStatus } from './follow';
import type { Gap, Reachability } from './gaps';
import type { Delivery, EventSummary, Run, Status, TunnelStatus } from './types';

export interface PushEvents {
  /** A new event was stored (any status, rejected included). */
  'event.created': EventSummary;
  /** An event's status (or redelivery count) changed. */
  'event.updated': EventSummary;
  'run.updated': Run;
  /** Live script output while an attempt runs. */
  'run.output': { runId: string; eventId: string; attempt: number; stream: 'stdout' | 'stderr'; chunk: string };
  'delivery.updated': Delivery;
  'tunnel.changed': TunnelStatus;
  /** Loud: providers must be told the new URL. previous is null the first time. */
  'tunnel.urlChanged': { previous: string | null; url: string };
  /** Config reloaded (from the UI or a hand edit), or a hand edit was rejected (error set). */
  'config.changed': { error: string | null };
  'automations.paused': { paused: boolean };
  /** The probe through the public URL changed state; `attention` is set after two failures in a row. */
  'reachability.changed': Reachability;
  /** A gap was recorded, or an open one ended. */
  'gap.changed': Gap;
  /** A connected source's subscription changed state (Connect, issue #14); `managed` null once disconnected. */
  'connect.changed': { source: string; managed: ManagedStatus | null };
  /** Connect recovered what it could of a gap for one source (shown in "While you were away"). */
  'connect.recovered': RecoveryReport & { gapId: string };
  /**
   * A notify action fired (electron/engine/actions/notify/): the desktop shows it as a
   * notification, an open browser dashboard as a browser notification; clicking opens the event.
   */
  notify: NotifyPush;
  /** Follow mode: the connection to the followed server changed (state, behind, error). */
  'follow.changed': FollowStatus;
  /** Something in Status changed (counts, store health); the full new status. */
  'status.changed': Status;
}

/** What a notify action shows (title and body already rendered from their templates). */
export interface NotifyPush {
  eventId: string;
  runId: string;
  automationId: string;
  title: string;
  body: string;
  /** A test event or a "Test it" run. */
  test: boolean;
}

export type PushEventName = keyof PushEvents;
export const PUSH_EVENT_NAMES: readonly PushEventName[] = [
  'event.created',
  'event.updated',
  'run.updated',
  'run.output',
  'delivery.updated',
  'tunnel.changed',
  'tunnel.urlChanged',
  'config.changed',
  'automations.paused',
  'status.changed',
  'reachability.changed',
  'gap.changed',
  'connect.changed',
  'connect.recovered',
  'notify',
  'follow.changed',
];

export type Unsubscribe = () => void;
export type Listen = <K extends PushEventName>(name: K, fn: (payload: PushEvents[K]) => void) => Unsubscribe;
