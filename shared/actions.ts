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

/** A desktop notification (a browser one in the dashboard); title and body are Liquid templates. */
export const notifyActionSchema = z
  .object({ kind: z.literal('notify'), title: z.string().min(1).max(500), body: z.string().max(4000).default('') })
  .strict();

/** One row appended to a CSV file per event; each column's value is a Liquid template. */
export const csvActionSchema = z
  .object({
    kind: z.literal('csv'),
    /** Absolute path of the CSV file; created with a header row when new. */
    file: z.string().min(1),
    columns: z.array(z.object({ name: z.string().min(1).max(200), value: z.string().max(2000) }).strict()).min(1),
  })
  .strict();

/** POSTs the event to a URL through the outbox; no `body`: the original bytes. Signed (Standard Webhooks) with `secret`. */
export const forwardActionSchema = z
  .object({
    kind: z.literal('forward'),
    url: z.string().url(),
    secret: z.string().optional(),
    body: z.string().optional(),
    /** Names of the original request's headers to pass on. */
    headers: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** An email over SMTP (nodemailer); subject and body are Liquid templates; the password is a secret. */
export const emailActionSchema = z
  .object({
    kind: z.literal('email'),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535),
        secure: z.boolean(),
        user: z.string(),
        password: z.string(),
      })
      .strict(),
    from: z.string().min(1),
    to: z.string().min(1),
    subject: z.string().min(1),
    body: z.string(),
  })
  .strict();

/** An OpenAI-compatible chat-completions call; the apiKey is a secret, the message a Liquid template. */
export const agentActionSchema = z
  .object({
    kind: z.literal('agent'),
    baseUrl: z.string().url(),
    apiKey: z.string().optional(),
    model: z.string().min(1),
    instructions: z.string(),
    message: z.string(),
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

export const actionSchema = z.discriminatedUnion('kind', ACTION_SCHEMAS);

export type ActionConfig = z.infer<typeof actionSchema>;
export type ActionKindId = ActionConfig['kind'];
export type ScriptActionConfig = z.infer<typeof scriptActionSchema>;

/** The legacy `run: {...}` of an automation: a script action without its kind. */
export const legacyRunSchema = scriptActionSchema.omit({ kind: true });
