// One logger, a name per module. Secrets are redacted here, not at call sites:
// any field whose key looks secret is masked, and known secret values
// registered with `registerSecret` are scrubbed from every message.
import { SECRET_SHAPE } from '../../../shared/secret-shape';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

export type LogSink = (line: string, level: Level) => void;

const SECRET_KEY = /secret|token|authtoken|password|signature|authorization|cookie|api-?key|credential/i;
/** Config fields whose value is a secret (the config service registers their values). */
export const SECRET_FIELD = /secret|token|password|api-?key|credential/i;
const secrets = new Set<string>();

/** Every value registered here is replaced by ****** wherever it would be logged. */
export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

/**
 * Registered values, and anything shaped like a well-known provider secret
 * (SECRET_SHAPE: a value pasted into an invalid file is never registered), become ******.
 */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('******');
  return out.replace(SECRET_SHAPE, '******');
}

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = '******';
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}

export function createLogger(name = 'hookdock', opts: { level?: Level; sink?: LogSink } = {}): Logger {
  const min = ORDER[opts.level ?? ((process.env.HOOKDOCK_LOG_LEVEL as Level) || 'info')] ?? 20;
  const sink: LogSink = opts.sink ?? ((line) => process.stderr.write(line + '\n'));
  const log = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(redactFields(fields)) : '';
    sink(redact(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${name}] ${msg}${extra}`), level);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (sub) => createLogger(`${name}:${sub}`, { level: opts.level, sink }),
  };
}

/** For tests: a logger that keeps its lines. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('test', { level: 'debug', sink: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}
