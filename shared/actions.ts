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
    message: z.string().max(20_000).default(''),
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
export const ACTION_SCHEMAS = [scriptActionSchema, notifyActionSchema, csvActionSchema, agentActionSchema] as const;

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

/** The legacy `run: {...}` of an automation: a script action without its kind. */
export const legacyRunSchema = scriptActionSchema.omit({ kind: true });
