// Send lines (ARCHITECTURE.md "Contract: agent scripts"): a stdout line that
// is a JSON object with a "send" key asks Hookdock to queue an outgoing
// webhook:  {"send":{"destination":"analytics","type":"...","data":{...}}}
// Any other line (logs, JSON without "send", half a line) is plain output.
//
// What a bad send does: it is NOT sent; it becomes a failed delivery in the
// outbox (counted, shown, retryable once its destination exists) and the
// reason is written on the attempt's `error`, while the run still succeeds
// when the script exited 0.
// The script did its work; re-running it would only repeat the same mistake
// (and any side effects). The owner sees the sentence on the run.
import { findDestination, type Config } from '../../../../shared/config';

export interface SendRequest {
  destination: string;
  type: string;
  data: unknown;
  /** 1-based stdout line number, to point the owner at it. */
  line: number;
}

/** More than this in one attempt is almost surely a loop in the script. */
export const MAX_SENDS_PER_ATTEMPT = 100;
const MAX_TYPE_LENGTH = 200;

type Parsed = { send: SendRequest } | { error: string } | null;

/** Null for a line that is not a send line at all. */
export function parseSendLine(text: string, line: number): Parsed {
  const trimmed = text.trim();
  // Cheap filter first: most lines are logs, and this runs on every line.
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || !trimmed.includes('"send"')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!isObject(value) || !Object.hasOwn(value, 'send')) return null;
  const send = value.send;
  const where = `stdout line ${line}`;
  if (!isObject(send))
    return { error: `${where}: "send" must be an object like {"destination":"...","type":"...","data":{...}}.` };
  if (typeof send.destination !== 'string' || !send.destination) {
    return { error: `${where}: the send has no "destination" (the id of a destination in the config).` };
  }
  if (typeof send.type !== 'string' || !send.type || send.type.length > MAX_TYPE_LENGTH) {
    return { error: `${where}: the send needs a "type" (a short name such as "order.tagged").` };
  }
  return { send: { destination: send.destination, type: send.type, data: send.data ?? null, line } };
}

/** Collects the send lines of one attempt's stdout, line by line. */
export class SendCollector {
  readonly sends: SendRequest[] = [];
  readonly errors: string[] = [];
  /** Malformed send lines, with what could be read of them: each becomes a failed delivery the owner sees. */
  readonly invalid: { destination: string; type: string; line: number; error: string }[] = [];
  private lines = 0;
  private dropped = 0;

  constructor(private readonly max = MAX_SENDS_PER_ATTEMPT) {}

  push(text: string): void {
    const parsed = parseSendLine(text, ++this.lines);
    if (!parsed) return;
    if ('error' in parsed) {
      if (this.errors.length < 20) this.errors.push(parsed.error);
      if (this.invalid.length < this.max)
        this.invalid.push({ ...partialSend(text), line: this.lines, error: parsed.error });
      return;
    }
    if (this.sends.length < this.max) this.sends.push(parsed.send);
    else this.dropped++;
  }

  /** Errors, including the one about sends over the limit. */
  allErrors(): string[] {
    if (!this.dropped) return this.errors;
    return [...this.errors, `${this.dropped} more sends were ignored: at most ${this.max} are sent per attempt.`];
  }
}

/** Splits sends into those whose destination exists and errors for the rest. */
export function checkDestinations(
  sends: readonly SendRequest[],
  config: Pick<Config, 'destinations'>,
): { ok: SendRequest[]; errors: string[] } {
  const ok: SendRequest[] = [];
  const errors: string[] = [];
  for (const s of sends) {
    if (findDestination(config.destinations, s.destination)) ok.push(s);
    else
      errors.push(
        `stdout line ${s.line}: there is no destination "${s.destination}", so nothing was sent: add it in the Outbox, then retry the failed send there.`,
      );
  }
  return { ok, errors };
}

function partialSend(text: string): { destination: string; type: string } {
  const send = (JSON.parse(text.trim()) as { send?: unknown }).send;
  const field = (k: string) => (isObject(send) && typeof send[k] === 'string' ? (send[k] as string).slice(0, 200) : '');
  return { destination: field('destination'), type: field('type') };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
