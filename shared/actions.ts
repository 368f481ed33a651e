// The config shape of each action kind (ARCHITECTURE.md "Contract additions, wave 2").
// Here, in shared/, because the config file, the API and the renderer's forms all
// check against it; the engine's kind (electron/engine/actions/<kind>/) names the same
// schema as its configSchema. Adding a kind: its schema here and in ACTION_SCHEMAS,
// its folder in electron/engine/actions/, one line in electron/engine/actions/index.ts.
import { z } from 'zod';

/** Runs the owner's program (ARCHITECTURE.md "Contract: agent scripts"). */
export const scriptActionSchema = z
  .object({
    kind: z.literal('script'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    cwd: z.string().nullable().default(null),
    /** Seconds before the script's whole process group is killed. */
    timeoutSeconds: z.number().positive().max(86_400).default(60),
  })
  .strict();

/** The public config's mask for a secret that is set (equals SECRET_MASK; shared/config.ts imports this file). */
const MASKED = '••••••••';

/** Request headers that are Hookdock's to set on a forward (framing, signature, loop guard), never copied. */
export const FORWARD_RESERVED_HEADERS = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'hookdock-trail',
] as const;

/**
 * POSTs the event onward through the outbox (README "forward"): the original body bytes and
 * the named headers of the original request, or `body` (a Liquid template) when set; signed
 * per Standard Webhooks (https://www.standardwebhooks.com) when `secret` (whsec_<base64>) is set.
 */
export const forwardActionSchema = z
  .object({
    kind: z.literal('forward'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    // The mask (SECRET_MASK of shared/config.ts) is what the UI sends back for "unchanged":
    // the saveAutomation handler puts the stored secret in its place.
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must look like whsec_<base64>')
      .or(z.literal(MASKED))
      .optional(),
    body: z.string().optional(),
    headers: z
      .array(
        z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name')
          .refine(
            (h) => !(FORWARD_RESERVED_HEADERS as readonly string[]).includes(h.toLowerCase()),
            'is set by Hookdock itself and cannot be forwarded',
          ),
      )
      .default([]),
  })
  .strict();

/** Sends an email over SMTP (README "email"); `to`, `subject` and `body` are Liquid templates. */
export const emailActionSchema = z
  .object({
    kind: z.literal('email'),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535).default(587),
        /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().default(''),
        password: z.string().default(''),
      })
      .strict(),
    from: z.string().min(1),
    to: z.string().min(1),
    subject: z.string().default(''),
    body: z.string().default(''),
  })
  .strict();

/** Every kind's schema, one entry per kind: the action union is built from this list. */
export const ACTION_SCHEMAS = [scriptActionSchema, forwardActionSchema, emailActionSchema] as const;

export const actionSchema = z.discriminatedUnion('kind', ACTION_SCHEMAS);

export type ActionConfig = z.infer<typeof actionSchema>;
export type ActionKindId = ActionConfig['kind'];
export type ScriptActionConfig = z.infer<typeof scriptActionSchema>;
export type ForwardActionConfig = z.infer<typeof forwardActionSchema>;
export type EmailActionConfig = z.infer<typeof emailActionSchema>;

/**
 * Where each kind keeps a secret, as paths inside the action (config/secrets.ts keeps them like
 * other secrets; the public config masks them; a masked value saved back keeps the stored one).
 */
export const ACTION_SECRET_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  forward: [['secret']],
  email: [['smtp', 'password']],
};

/** The legacy `run: {...}` of an automation: a script action without its kind. */
export const legacyRunSchema = scriptActionSchema.omit({ kind: true });

/**
 * Applies `fn` to every secret of one action (ACTION_SECRET_PATHS) and returns a copy;
 * `fn` gets the value and its path inside the action ("smtp.password"). Anything not an
 * object, or not a string at a secret path, is left as it is (validation reports it).
 */
export function mapActionSecrets(action: unknown, fn: (value: string, path: string) => string): unknown {
  if (typeof action !== 'object' || action === null || Array.isArray(action)) return action;
  const paths = ACTION_SECRET_PATHS[String((action as { kind?: unknown }).kind)] ?? [];
  let out = action as Record<string, unknown>;
  for (const path of paths) out = mapAt(out, path, path.join('.'), fn);
  return out;
}

function mapAt(
  obj: Record<string, unknown>,
  path: readonly string[],
  full: string,
  fn: (value: string, path: string) => string,
): Record<string, unknown> {
  const [head, ...rest] = path;
  const value = obj[head];
  if (rest.length === 0) return typeof value === 'string' ? { ...obj, [head]: fn(value, full) } : obj;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return obj;
  return { ...obj, [head]: mapAt(value as Record<string, unknown>, rest, full, fn) };
}
