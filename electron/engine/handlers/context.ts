// What the engine-level handlers need: the engine's services, passed in as
// plain values (constructor injection), so each handler file stays a small
// function of them.
import type { AutomationsService, ConfigService, TunnelService } from '../types';
import type { Store } from '../store/types';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

export interface HandlerContext {
  store: Store;
  bus: Bus;
  config: ConfigService;
  logger: Logger;
  clock: Clock;
  dataDir: string;
  version: string;
  fetch: typeof fetch;
  /** e.g. http://127.0.0.1:8787 */
  receiverUrl(): string;
  tunnel(): TunnelService;
  /** Null until the automations service is composed. */
  automations(): AutomationsService | null;
}

/** Where providers post to: the public (tunnel) URL when there is one, else the local receiver. */
export function baseUrl(ctx: HandlerContext): string {
  return ctx.tunnel().publicUrl() ?? ctx.receiverUrl();
}
