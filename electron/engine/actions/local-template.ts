// Rendering one action field (a forward's body, an email's subject) over a stored event, with
// the shared template helper (shared/templates.ts: Liquid with its safety limits on; the
// envelope from electron/engine/templates/, big ids kept to their digits).
import { renderTemplate as render } from '../../../shared/templates';
import type { StoredEvent } from '../store/types';
import { templateEnvelope } from '../templates';

export { templateEnvelope };

/**
 * Renders `text` (a Liquid template) over the event's envelope ({{ payload.x }}, {{ headers.y }},
 * {{ type }}). Throws an Error whose message is a sentence naming the problem (bad syntax, an
 * unknown filter, a render over its limits); never a payload value.
 */
export async function renderTemplate(text: string, event: StoredEvent, test = false): Promise<string> {
  if (!text.includes('{')) return text;
  try {
    return await render(text, templateEnvelope(event, test));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(`The template could not be filled in (${why}): correct it in the automation.`, { cause: err });
  }
}
