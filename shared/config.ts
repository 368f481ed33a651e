// The config file's schema (DATA_DIR/config.json). One zod schema serves the
// engine (validating hand edits), the IPC bridge and the dashboard API.
import { z } from 'zod';
import { actionSchema, legacyRunSchema, type ActionConfig } from './actions';
import { conditionsSchema } from './conditions';
import { PROVIDERS } from './types';
import { looksLikeSecret } from './secret-shape';
import { CONNECTABLE_PROVIDERS } from './connect';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use letters, digits, "-" or "_" (at most 64)');

export const extractorSchema = z.union([
  z.object({ header: z.string().min(1) }).strict(),
  z.object({ jsonPath: z.string().regex(/^\$(\.[^.]+)+$/, 'write it like $.a.b') }).strict(),
]);

export const hmacSchema = z
  .object({
    header: z.string().min(1),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().default(''),
  })
  .strict();

export const providerSchema = z.enum(PROVIDERS);

/**
 * A source's `connect` (shared/connect.ts ConnectConfig): the owner's API credential for
 * the provider (a secret, like `secret`), the event types to subscribe to, and `account`
 * where the provider needs one (shop domain, repository, site URL).
 */
export const connectSchema = z
  .object({
    credential: z.string().min(1, 'paste the API key or token Hookdock should use'),
    events: z.array(z.string().min(1).max(200)).min(1, 'pick at least one event type').max(200),
    account: z.string().min(1).max(500).optional(),
  })
  .strict();

export const sourceSchema = z
  .object({
    id,
    provider: providerSchema,
    name: z.string().max(200).optional(),
    secret: z.string().min(1).optional(),
    notificationUrl: z.string().url().optional(),
    hmac: hmacSchema.optional(),
    eventType: extractorSchema.optional(),
    eventId: extractorSchema.optional(),
    /** Hookdock creates and keeps the subscription with this credential (issue #14). */
    connect: connectSchema.optional(),
    /**
     * Mirrored from the Hookdock server this computer follows (follow mode, issue #15): its
     * events arrive through the server, so the receiver here refuses direct webhooks for it.
     */
    followed: z.boolean().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.connect && !(CONNECTABLE_PROVIDERS as readonly string[]).includes(s.provider)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connect'],
        message: `Hookdock cannot connect a ${s.provider} source through an API: remove "connect" and paste the secret instead`,
      });
    }
    // No secret is allowed: Stripe, Shopify and Square show it only after an endpoint with the
    // source's URL exists. Such a source rejects every request (401) until the secret is pasted.
    if (s.provider === 'hmac' && !s.hmac) {
      ctx.addIssue({ code: 'custom', path: ['hmac'], message: 'an hmac source needs {"header": ...}' });
    }
  });

export const retrySchema = z.union([
  z
    .object({
      maxAttempts: z.number().int().min(1).max(100).default(5),
      initialDelayMs: z.number().int().min(0).default(10_000),
      maxDelayMs: z.number().int().min(0).default(3_600_000),
    })
    .strict(),
  z.object({ schedule: z.array(z.number().int().min(0)).min(0).max(100) }).strict(),
]);

export const automationSchema = z
  .object({
    id,
    name: z.string().max(200).default(''),
    enabled: z.boolean().default(true),
    source: z.union([id, z.literal('*')]).default('*'),
    events: z.array(z.string().min(1)).min(1),
    conditions: conditionsSchema.optional(),
    /** What it does: one action of a kind (shared/actions.ts). */
    action: actionSchema.optional(),
    /** Legacy (before actions): read as `action: {kind: "script", ...run}`; never written back. */
    run: legacyRunSchema.optional(),
    retry: retrySchema.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.action && !a.run) {
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'say what it does, e.g. {"kind": "script", "command": "/path/to/script"}',
      });
    }
    if (a.action && a.run) {
      ctx.addIssue({ code: 'custom', path: ['run'], message: 'give "action" or the older "run", not both' });
    }
  })
  .transform(({ run, action, ...rest }) => ({
    ...rest,
    action: action ?? ({ kind: 'script', ...run! } satisfies ActionConfig),
  }));

export const destinationSchema = z
  .object({
    id,
    /** The name the owner typed ("Bookkeeper"); `id` is made from it. Scripts may send to either. */
    name: z.string().max(200).optional(),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must look like whsec_<base64>'),
    enabled: z.boolean().default(true),
    timeoutMs: z.number().int().positive().max(300_000).default(15_000),
    retry: retrySchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    sources: z.array(sourceSchema).default([]),
    automations: z.array(automationSchema).default([]),
    destinations: z.array(destinationSchema).default([]),
    tunnel: z
      .object({
        provider: z.enum(['ngrok', 'none']).default('ngrok'),
        authtoken: z.string().nullable().default(null),
        domain: z.string().nullable().default(null),
      })
      .strict()
      .default({ provider: 'ngrok', authtoken: null, domain: null }),
    retention: z
      .object({ days: z.number().int().min(1).max(3650).default(30) })
      .strict()
      .default({ days: 30 }),
    limits: z
      .object({
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(5 * 1024 * 1024),
        /** Per source: failed verifications (every request, for a `none` source) per second, and burst. */
        ratePerSecond: z.number().positive().default(200),
        burst: z.number().int().positive().default(1000),
        /** Scripts running at once, across all automations. */
        concurrency: z.number().int().min(1).max(64).default(4),
      })
      .strict()
      .default({ maxBodyBytes: 5 * 1024 * 1024, ratePerSecond: 200, burst: 1000, concurrency: 4 }),
    /**
     * Follow mode (issue #15): receive through a Hookdock server. `link` is the pairing link
     * (it carries the follower's token: a secret, kept like sources[].secret). null: not following.
     */
    follow: z
      .object({ link: z.string().min(1) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((c, ctx) => {
    const dup = (list: { id: string }[], key: string) => {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${x.id}"` });
        seen.add(x.id);
      });
    };
    dup(c.sources, 'sources');
    dup(c.automations, 'automations');
    dup(c.destinations, 'destinations');
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type SourceConfig = Config['sources'][number];
export type AutomationConfig = Config['automations'][number];
export type DestinationConfig = Config['destinations'][number];
export type RetryConfig = z.infer<typeof retrySchema>;
export type Extractor = z.infer<typeof extractorSchema>;

/** The id made from a name the owner typed: "Book Keeper" -> "book-keeper" (the form and findDestination agree). */
export function idFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/**
 * The destination a script's send names, matched as the owner would expect: its
 * id exactly, else its id or name ignoring case and spaces at the ends, else the
 * id made from what was written ("Bookkeeper", "bookkeeper " and "BOOKKEEPER" all
 * find id "bookkeeper"). Undefined when none matches.
 */
export function findDestination<T extends { id: string; name?: string }>(
  list: readonly T[],
  ref: string,
): T | undefined {
  const exact = list.find((d) => d.id === ref);
  if (exact) return exact;
  const folded = ref.trim().toLowerCase();
  if (!folded) return undefined;
  return (
    list.find((d) => d.id.toLowerCase() === folded) ??
    list.find((d) => d.name?.trim().toLowerCase() === folded) ??
    list.find((d) => d.id === idFromName(ref))
  );
}

/** What leaves the engine: every secret replaced by a mask, with a hint of its tail. */
export const SECRET_MASK = '••••••••';

/** A name this short and plain is a field name someone mistyped; anything else may be pasted content. */
const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/**
 * zod's message, except where zod quotes the input: an unknown key is named only
 * when it looks like a field name (a secret pasted where a name goes is not shown).
 */
function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code !== 'unrecognized_keys') return i.message;
  const shown = i.keys.filter((k) => PLAIN_NAME.test(k) && !looksLikeSecret(k));
  const hidden = i.keys.length - shown.length;
  const parts = shown.map((k) => `"${k}"`);
  if (hidden)
    parts.push(hidden === 1 ? 'a name that is not shown (it may be a secret)' : `${hidden} names that are not shown`);
  return `not a setting here: ${parts.join(', ')}`;
}

/** Formats a zod error as "sources[1].secret: a stripe source needs its signing secret". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        '',
      );
      return `${path || '(root)'}: ${issueMessage(i)}`;
    })
    .join('; ');
}
