// What an agent's reply may do. THE RULE (README "Ask an AI agent"): the reply sends
// an outgoing webhook only when the WHOLE reply (trimmed; optionally inside one
// ```json fence and nothing else) is one JSON object with a top-level "send" key,
// checked exactly as a script's stdout send line (script/sends.ts). A send object
// quoted inside prose, nested in another object, in a list, or beside other text
// never sends: a model that merely repeats the payload's text cannot queue anything.
import { parseSendLine, type SendRequest } from '../script/sends';

/** Characters of the reply kept with the attempt. */
export const MAX_REPLY_CHARS = 16_384;

const FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

/** The reply's text capped for the attempt record, and whether it was cut. */
export function capReply(reply: string): { reply: string; truncated: boolean } {
  if (reply.length <= MAX_REPLY_CHARS) return { reply, truncated: false };
  return { reply: reply.slice(0, MAX_REPLY_CHARS), truncated: true };
}

/**
 * The send the reply asks for: null when the reply is not a send object at all (plain
 * text, a quoted or nested send), `{error}` (a sentence) when it is one but malformed.
 */
export function sendFromReply(reply: string): { send: SendRequest } | { error: string } | null {
  let text = reply.trim();
  const fenced = FENCE.exec(text);
  if (fenced) text = fenced[1].trim();
  const parsed = parseSendLine(text, 1);
  if (parsed && 'error' in parsed) return { error: parsed.error.replace('stdout line 1', 'the reply') };
  return parsed;
}
