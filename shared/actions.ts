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
export const ACTION_SCHEMAS = [scriptActionSchema, notifyActionSchema, csvActionSchema] as const;

export const actionSchema = z.discriminatedUnion('kind', ACTION_SCHEMAS);

export type ActionConfig = z.infer<typeof actionSchema>;
export type ActionKindId = ActionConfig['kind'];
export type ScriptActionConfig = z.infer<typeof scriptActionSchema>;
export type NotifyActionConfig = z.infer<typeof notifyActionSchema>;
export type CsvActionConfig = z.infer<typeof csvActionSchema>;

/** The legacy `run: {...}` of an automation: a script action without its kind. */
export const legacyRunSchema = scriptActionSchema.omit({ kind: true });
