// The config shape of each action kind (ARCHITECTURE.md "Contract additions, wave 2").
// Here, in shared/, because the config file, the API and the renderer's forms all
// check against it; the engine's kind (electron/engine/actions/<kind>/) names the same
// schema as its configSchema. Adding a kind: its schema here and in ACTION_SCHEMAS,
// its folder in electron/engine/actions/, one line in electron/engine/actions/index.ts.
import { z } from 'zod';
import { templateString } from './templates';

/** Runs the owner's program (ARCHITECTURE.md "Contract: agent scripts"). */
export const scriptActionSchema = z
  .object({
    kind: z.literal('script'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    cwd: z.string().nullable().default(null),
    /** Seconds before the script's whole process group is killed. */
    timeoutSeconds: z.number().positive().max(86_400).default(60),
    /**
     * Extra environment variables, each value a Liquid template over the envelope
     * (`{"ORDER_ID": "{{ payload.id }}"}`). Payload text reaches the script here or on stdin,
     * never on its command line. Names are Hookdock's own when they start with HOOKDOCK_.
     */
    env: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is letters, digits and _ (not starting with a digit)')
          .refine((n) => !/^HOOKDOCK_/i.test(n), 'names starting with HOOKDOCK_ are set by Hookdock itself'),
        templateString,
      )
      .optional(),
  })
  .strict();

/**
 * Asks an AI agent: one chat completion from an OpenAI-compatible endpoint (a hosted one, or a
 * local Ollama at http://127.0.0.1:11434/v1). `message` is a Liquid template over the envelope;
 * the event goes in as delimited data, never as instructions (electron/engine/actions/agent/).
 */
export const agentActionSchema = z
  .object({
    kind: z.literal('agent'),
    /** The API root the SDK appends /chat/completions to, e.g. https://api.openai.com/v1. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:11434/v1' }),
    /** A secret (masked in the API, encrypted at rest like other secrets); none for a local Ollama. */
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1),
    /** The owner's instructions: the system message, before the fixed data-handling rule. */
    instructions: z.string().max(20_000).default(''),
    /**
     * A Liquid template over the envelope: the user message, inside the data markers. Empty
     * (the default): the whole envelope as JSON, the payload's numbers with their exact digits.
     */
    message: templateString.pipe(z.string().max(20_000)).default(''),
    /** Seconds before the request is given up (a failed attempt, retried). */
    timeoutSeconds: z.number().positive().max(3600).default(60),
  })
  .strict();
/** A desktop notification (and a browser one in open dashboards); title and body are templates. */
export const notifyActionSchema = z
  .object({
    kind: z.literal('notify'),
    title: templateString.pipe(z.string().min(1, 'give the notification a title')),
    body: templateString.default(''),
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
    body: templateString.optional(),
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
    to: templateString.pipe(z.string().min(1)),
    subject: templateString.default(''),
    body: templateString.default(''),
  })
  .strict();

/** Appends one row per event to a CSV file; each column's value is a template. */
export const csvActionSchema = z
  .object({
    kind: z.literal('csv'),
    /** An absolute path to the .csv file (created with a header row when new or empty). */
    file: z
      .string()
      .refine((f) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(f), 'give the full path of the file, e.g. /home/me/orders.csv'),
    columns: z
      .array(z.object({ name: z.string().min(1, 'give the column a name'), value: templateString }).strict())
      .min(1, 'add at least one column'),
  })
  .strict();

/** Every kind's schema, one entry per kind: the action union is built from this list. */
export const ACTION_SCHEMAS = [
  scriptActionSchema,
  notifyActionSchema,
  csvActionSchema,
  forwardActionSchema,
  emailActionSchema,
  agentActionSchema,
] as const;

const KINDS = ACTION_SCHEMAS.map((s) => `"${s.shape.kind.value}"`).join(', ');

export const actionSchema = z.discriminatedUnion('kind', ACTION_SCHEMAS, {
  error: (issue) => (issue.code === 'invalid_union' ? `unknown action kind; use one of ${KINDS}` : undefined),
});

export type ActionConfig = z.infer<typeof actionSchema>;
export type ActionKindId = ActionConfig['kind'];
export type ScriptActionConfig = z.infer<typeof scriptActionSchema>;
export type AgentActionConfig = z.infer<typeof agentActionSchema>;

/** An agent attempt's `result` (Attempt.result), shown in the event page's run card. */
export interface AgentAttemptResult {
  model: string;
  /** HTTP status of the endpoint's answer; null when none came (timeout, connection refused). */
  status: number | null;
  /** The model's reply text, capped (16 KiB of characters); null when there was none. */
  reply: string | null;
  truncated: boolean;
  /** Token counts as the endpoint reported them (OpenAI's `usage`), or null. */
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
}
export type NotifyActionConfig = z.infer<typeof notifyActionSchema>;
export type CsvActionConfig = z.infer<typeof csvActionSchema>;
export type ForwardActionConfig = z.infer<typeof forwardActionSchema>;
export type EmailActionConfig = z.infer<typeof emailActionSchema>;

/**
 * Where each kind keeps a secret, as paths inside the action (config/secrets.ts keeps them like
 * other secrets; the public config masks them; a masked value saved back keeps the stored one).
 */
export const ACTION_SECRET_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  forward: [['secret']],
  email: [['smtp', 'password']],
  agent: [['apiKey']],
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
