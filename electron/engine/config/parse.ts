// Reading config.json's text: JSON, then secrets decoded, then the schema. Error
// messages name the file, the line and column or the JSON path of the fault,
// and never quote the file (a secret pasted without quotes would be in the quote).
import { configSchema, describeIssues, type Config } from '../../../shared/config';
import { describeJsonError } from '../util/json-error';
import { SECRET_FIELD, registerSecret } from '../util/logger';
import { createSecretsAtRest, unreadableMessage, type SecretsAtRest } from './secrets';

type Parsed =
  | { ok: true; config: Config; /** decoded, as written (no defaults added) */ raw: unknown; plainFound: boolean }
  | { ok: false; error: string };

/** True when `text` parses as JSON (an editor may be caught mid-write). */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses the file's text; the error names the file and the JSON path of the bad
 * field. Secrets are decoded between JSON.parse and validation; with
 * `standIns`, undecryptable ones are replaced (see SecretsAtRest.decode) instead of failing.
 */
export function parseConfigText(
  text: string,
  file: string,
  secrets: SecretsAtRest = createSecretsAtRest(undefined),
  opts: { standIns?: boolean } = {},
): Parsed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never JSON.parse's own message: it quotes the text around the fault, which may be a secret.
    return { ok: false, error: `${file} is not valid JSON: ${describeJsonError(text) ?? 'it cannot be parsed'}.` };
  }
  const { raw, unreadable, plainFound } = secrets.decode(parsed, opts);
  if (unreadable.length && !opts.standIns)
    return { ok: false, error: unreadableMessage(file, unreadable, secrets.codec) };
  const result = configSchema.safeParse(raw);
  if (!result.success) return { ok: false, error: `${file} is invalid: ${describeIssues(result.error)}` };
  return { ok: true, config: result.data, raw, plainFound };
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

export function serializeConfig(config: unknown): string {
  return JSON.stringify(config, null, 2) + '\n';
}

/**
 * Every secret the config holds is scrubbed from logs from now on: each string
 * under a key that names a secret (secret, authtoken, password, apiKey, token,
 * credential), wherever it sits, so a field added later is covered too.
 */
export function registerConfigSecrets(config: unknown): void {
  const walk = (value: unknown, secretKey: boolean, depth: number): void => {
    if (depth > 20) return;
    if (typeof value === 'string') {
      if (secretKey) registerSecret(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, secretKey, depth + 1);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, SECRET_FIELD.test(k), depth + 1);
    }
  };
  walk(config, false, 0);
}
