// What the engine-level handlers need: the engine's services, passed in as
// plain values (constructor injection), so each handler file stays a small
// function of them.
import type { TestMarks } from '../receiver/test-marks';
import type { Reachability } from '../../../shared/gaps';
import type { ManagedStatus } from '../../../shared/connect';
import type { FollowStatus } from '../../../shared/follow';
import type { AutomationsService, EngineDeps, TunnelService } from '../types';

/** The engine's shared services (EngineDeps) plus what only the handlers need. */
export interface HandlerContext extends EngineDeps {
  version: string;
  fetch: typeof fetch;
  /** e.g. http://127.0.0.1:8787 */
  receiverUrl(): string;
  tunnel(): TunnelService;
  /** Shared with the receiver: marks "Send a test event" requests as tests. */
  testMarks: TestMarks;
  /** Null until the automations service is composed. */
  automations(): AutomationsService | null;
  /** The last reachability probe's outcome (engine/gaps). */
  reachability?(): Reachability;
  /** Connect's status of a connected source (engine/connect/manager.ts); null for one set up by hand. */
  managed?(sourceId: string): ManagedStatus | null;
  /** Follow mode: the connection to the followed server, null when not following (engine/follow/client). */
  follow?(): FollowStatus | null;
  /** Follow mode (server side): the followers' count and warnings, when the follow port is on. */
  followers?(): { count: number; warnings: string[] };
}

/** Where providers post to: the public (tunnel) URL when there is one, else the local receiver. */
export function baseUrl(ctx: HandlerContext): string {
  return ctx.tunnel().publicUrl() ?? ctx.receiverUrl();
}
