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

/** Every kind's schema, one entry per kind: the action union is built from this list. */
export const ACTION_SCHEMAS = [scriptActionSchema] as const;

const KINDS = ACTION_SCHEMAS.map((s) => `"${s.shape.kind.value}"`).join(', ');

export const actionSchema = z.discriminatedUnion('kind', ACTION_SCHEMAS, {
  error: (issue) => (issue.code === 'invalid_union' ? `unknown action kind; use one of ${KINDS}` : undefined),
});

export type ActionConfig = z.infer<typeof actionSchema>;
export type ActionKindId = ActionConfig['kind'];
export type ScriptActionConfig = z.infer<typeof scriptActionSchema>;

/** The legacy `run: {...}` of an automation: a script action without its kind. */
export const legacyRunSchema = scriptActionSchema.omit({ kind: true });
