// The agent's message template, rendered with the shared helper (shared/templates.ts:
// Liquid, which cannot run JavaScript, with ownPropertyOnly, strictFilters and its render,
// memory and parse limits on), with a sentence the owner can act on when it fails.
import { renderTemplate as render, type TemplateEnvelope } from '../../../../shared/templates';

/**
 * Renders `text` (a Liquid template such as "Refund of {{ payload.amount }}") over
 * `envelope` ({id, source, type, headers, payload, ...}). Throws a sentence naming
 * the template's problem (a syntax error, an unknown filter, a limit reached).
 */
export async function renderTemplate(text: string, envelope: object): Promise<string> {
  try {
    return String(await render(text, envelope as TemplateEnvelope));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(`The message template could not be rendered (${why}): correct it in the automation.`, {
      cause: err,
    });
  }
}
