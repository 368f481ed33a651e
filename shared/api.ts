// The one API contract. Each method has: a zod schema for its arguments (checked
// by both transports), a result type, and an HTTP route for the dashboard.
// The IPC bridge (electron/shell/ipc.ts, electron/preload.ts) and the HTTP
// dashboard (electron/engine/dashboard/) are generic adapters over these maps,
// so a method added here exists on both.
import { z } from 'zod';
import {
  automationSchema,
  destinationSchema,
  extractorSchema,
  hmacSchema,
  providerSchema,
  type AutomationConfig,
  type Config,
} from './config';
import { DELIVERY_STATUSES, EVENT_STATUSES } from './statuses';
import { STARTER_LANGUAGES } from './starters';
import type { Gap } from './gaps';
import type { ManagedStatus, PublicConnect } from './connect';
import type { FollowerInfo } from './follow';
import type { Delivery, EventStatus, EventSummary, HookEvent, Page, Run, Status } from './types';

const eventStatus = z.enum(EVENT_STATUSES);
const deliveryStatus = z.enum(DELIVERY_STATUSES);
const limit = z.coerce.number().int().min(1).max(500).default(50);
const byId = z.object({ id: z.string().min(1).max(200) });

/** A source as the UI edits it: the secret may be omitted to keep the stored one. */
export const sourceInputSchema = z
  .object({
    id: z.string().min(1).max(64),
    provider: providerSchema,
    name: z.string().max(200).optional(),
    secret: z.string().optional(),
    notificationUrl: z.string().url().optional(),
    hmac: hmacSchema.optional(),
    eventType: extractorSchema.optional(),
    eventId: extractorSchema.optional(),
    /**
     * Connect (issue #14): omitted keeps the stored `connect`, null removes it (Hookdock then
     * deletes the subscription); a missing or masked credential keeps the stored one.
     */
    connect: z
      .object({
        credential: z.string().optional(),
        events: z.array(z.string().min(1).max(200)).min(1).max(200),
        account: z.string().max(500).optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

export const apiArgs = {
  getStatus: z.object({}).strict(),
  listEvents: z
    .object({
      source: z.string().optional(),
      type: z.string().optional(),
      status: eventStatus.optional(),
      q: z.string().max(500).optional(),
      limit,
      cursor: z.string().optional(),
    })
    .strict(),
  getEvent: byId,
  /** New runs of the event's automations; with `payload`, on an edited copy (marked replayOf). */
  // payloadText (the edited body as text) is kept byte for byte; payload (a value) is serialized.
  replayEvent: byId.extend({ payload: z.unknown().optional(), payloadText: z.string().optional() }),
  /** Types seen so far, per source, newest first: for the automation editor. */
  listEventTypes: z.object({}).strict(),
  retryRun: byId,
  listOutbox: z.object({ status: deliveryStatus.optional(), limit, cursor: z.string().optional() }).strict(),
  retryDelivery: byId,
  setAutomationsPaused: z.object({ paused: z.boolean() }).strict(),
  /** The config with every secret masked. */
  getConfig: z.object({}).strict(),
  saveSource: sourceInputSchema,
  deleteSource: byId,
  /**
   * Posts a correctly signed sample event of the source's provider to our own receiver.
   * It is stored marked `test: true`; `runAutomations` (default false) also runs the
   * owner's matching automations on it, with HOOKDOCK_TEST=1.
   */
  sendTestEvent: byId.extend({ runAutomations: z.boolean().default(false) }).strict(),
  saveAutomation: automationSchema,
  deleteAutomation: byId,
  /** Whether a script could start as configured (exists, is a file, executable, cwd exists); nothing is run. */
  checkScript: z
    .object({
      command: z.string().min(1).max(4096),
      args: z.array(z.string()).max(100).default([]),
      cwd: z.string().max(4096).nullable().default(null),
    })
    .strict(),
  /** Runs the automation once against a stored event, now, without retries; returns the finished run. */
  testRunAutomation: z.object({ id: z.string().min(1), eventId: z.string().min(1) }).strict(),
  /** Would this stored event meet these conditions (shared/conditions.ts)? Nothing is run or saved. */
  previewConditions: z
    .object({ conditions: z.record(z.string(), z.unknown()), eventId: z.string().min(1).max(200) })
    .strict(),
  /** Writes a starter script into DATA_DIR/scripts/ (kept as it is when already there) for the owner to edit. */
  writeStarterScript: z.object({ language: z.enum(STARTER_LANGUAGES) }).strict(),
  /** secret omitted keeps the stored one; "generate" makes a new whsec_ secret. */
  saveDestination: destinationSchema.extend({ secret: z.string().optional() }),
  deleteDestination: byId,
  /** Spans when Hookdock was not receiving, newest first, with what each source's provider does about them. */
  listGaps: z.object({}).strict(),
  /** Queues a signed test delivery (type "hookdock.test") to the destination, through the outbox. */
  sendTestDelivery: byId,
  /** Renders a template (an action's text field) over a stored event, as a run would. */
  previewTemplate: z.object({ template: z.string().max(65_536), eventId: z.string().min(1).max(200) }).strict(),
  /** Follow mode (server side): a new follower; its pairing link (with the token) is returned once. */
  createFollower: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
  listFollowers: z.object({}).strict(),
  /** Revokes the follower's token at once; its open stream is closed. */
  revokeFollower: byId,
  updateSettings: z
    .object({
      tunnel: z
        .object({
          provider: z.enum(['ngrok', 'none']).optional(),
          authtoken: z.string().nullable().optional(),
          domain: z.string().nullable().optional(),
        })
        .strict()
        .optional(),
      retention: z
        .object({ days: z.number().int().min(1).max(3650) })
        .strict()
        .optional(),
      limits: z
        .object({ concurrency: z.number().int().min(1).max(64).optional() })
        .strict()
        .optional(),
      /** Follow mode: a pairing link to follow that server (the mask keeps the stored one), or null to stop following. */
      follow: z
        .object({ link: z.string().min(1).max(4096) })
        .strict()
        .nullable()
        .optional(),
    })
    .strict(),
} as const;

export type ApiMethod = keyof typeof apiArgs;
export type ApiArgs<M extends ApiMethod> = z.input<(typeof apiArgs)[M]>;
export type ApiParsedArgs<M extends ApiMethod> = z.output<(typeof apiArgs)[M]>;

/** The config as it leaves the engine: secrets masked (see SECRET_MASK), `hasSecret` tells if one is set. */
export type PublicConfig = Omit<Config, 'sources' | 'destinations' | 'tunnel' | 'follow'> & {
  sources: (Omit<Config['sources'][number], 'connect'> & {
    hasSecret: boolean;
    webhookUrl: string | null;
    /** The credential masked; `hasCredential` says one is stored. */
    connect?: PublicConnect;
    /** What Hookdock last saw of the subscription it keeps; null for a source set up by hand. */
    managed: ManagedStatus | null;
  })[];
  destinations: (Config['destinations'][number] & { hasSecret: boolean })[];
  tunnel: Config['tunnel'] & { hasAuthtoken: boolean };
  /** Follow mode: the pairing link masked (it carries a token); `server` its follow base, null when unreadable. */
  follow: { link: string; server: string | null } | null;
  /** os-keychain: secrets encrypted with the system keychain; plain-file: in a file only this user can read (0600). */
  secretsStorage?: 'os-keychain' | 'plain-file';
};

export interface ApiResults {
  getStatus: Status;
  listEvents: Page<EventSummary>;
  getEvent: HookEvent;
  replayEvent: { event: EventSummary; runs: Run[] };
  listEventTypes: { items: { source: string; type: string; lastSeenAt: string; count: number }[] };
  retryRun: Run;
  listOutbox: Page<Delivery>;
  retryDelivery: Delivery;
  setAutomationsPaused: { paused: boolean };
  getConfig: PublicConfig;
  saveSource: PublicConfig;
  deleteSource: PublicConfig;
  /** statusCode: the receiver's answer (0: unreachable); automationsStarted: runs made on it (0 unless asked). */
  sendTestEvent: { statusCode: number; eventId: string | null; automationsStarted: number; message: string };
  saveAutomation: PublicConfig;
  deleteAutomation: PublicConfig;
  /** problem: a sentence saying what to fix, or null when the script looks runnable. */
  checkScript: { problem: string | null };
  testRunAutomation: Run;
  /** error: a sentence saying what to fix in the conditions (then matches is false). */
  previewConditions: { matches: boolean; error: string | null };
  /** path: the script's absolute path (use it as the script action's command); created: false when it was already there. */
  writeStarterScript: { path: string; created: boolean };
  saveDestination: PublicConfig;
  deleteDestination: PublicConfig;
  sendTestDelivery: Delivery;
  updateSettings: PublicConfig;
  listGaps: { items: Gap[] };
  /** text: the rendered text, or null with problem: a sentence saying what to fix. */
  previewTemplate: { text: string | null; problem: string | null };
  /** pairingLink: `<follow base URL>/#<token>`, shown once; the server keeps only the token's hash. */
  createFollower: { id: string; pairingLink: string };
  listFollowers: { items: FollowerInfo[] };
  revokeFollower: { id: string; revoked: boolean };
}

export type ApiHandlers = {
  [M in ApiMethod]: (args: ApiParsedArgs<M>) => Promise<ApiResults[M]>;
};

/** The client side: what renderer/api/ offers, over IPC or HTTP alike. */
export type HookdockApi = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResults[M]>;
};

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Routes of the dashboard API. Path params, query and JSON body merge into the args. */
export const apiRoutes: { [M in ApiMethod]: { method: HttpMethod; path: string } } = {
  getStatus: { method: 'GET', path: '/api/status' },
  listEvents: { method: 'GET', path: '/api/events' },
  getEvent: { method: 'GET', path: '/api/events/:id' },
  replayEvent: { method: 'POST', path: '/api/events/:id/replay' },
  listEventTypes: { method: 'GET', path: '/api/event-types' },
  retryRun: { method: 'POST', path: '/api/runs/:id/retry' },
  listOutbox: { method: 'GET', path: '/api/outbox' },
  retryDelivery: { method: 'POST', path: '/api/outbox/:id/retry' },
  setAutomationsPaused: { method: 'POST', path: '/api/automations/pause' },
  getConfig: { method: 'GET', path: '/api/config' },
  saveSource: { method: 'PUT', path: '/api/sources/:id' },
  deleteSource: { method: 'DELETE', path: '/api/sources/:id' },
  sendTestEvent: { method: 'POST', path: '/api/sources/:id/test' },
  saveAutomation: { method: 'PUT', path: '/api/automations/:id' },
  deleteAutomation: { method: 'DELETE', path: '/api/automations/:id' },
  checkScript: { method: 'POST', path: '/api/automations/check-script' },
  testRunAutomation: { method: 'POST', path: '/api/automations/:id/test-run' },
  previewConditions: { method: 'POST', path: '/api/automations/preview-conditions' },
  writeStarterScript: { method: 'POST', path: '/api/automations/starter-script' },
  saveDestination: { method: 'PUT', path: '/api/destinations/:id' },
  deleteDestination: { method: 'DELETE', path: '/api/destinations/:id' },
  sendTestDelivery: { method: 'POST', path: '/api/destinations/:id/test' },
  updateSettings: { method: 'PUT', path: '/api/settings' },
  listGaps: { method: 'GET', path: '/api/gaps' },
  previewTemplate: { method: 'POST', path: '/api/templates/preview' },
  createFollower: { method: 'POST', path: '/api/followers' },
  listFollowers: { method: 'GET', path: '/api/followers' },
  revokeFollower: { method: 'DELETE', path: '/api/followers/:id' },
};

export const API_METHODS = Object.keys(apiArgs) as ApiMethod[];

export type { AutomationConfig, EventStatus };
