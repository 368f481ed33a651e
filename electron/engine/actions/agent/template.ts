// A LOCAL stand-in for the shared template helper (electron/engine/templates/, built on
// another branch): renders one Liquid template over the event envelope. Swap this
// file's one caller to the shared helper once it lands.
//
// Liquid (liquidjs) cannot run JavaScript; with ownPropertyOnly a template reads only
// the envelope's own fields (never a prototype's), strictFilters refuses an unknown
// filter instead of ignoring it, and renderLimit / memoryLimit bound a template
// that loops or grows (liquidjs docs, "Options": DoS prevention).
import { Liquid } from 'liquidjs';

const liquid = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  /** Milliseconds of rendering per template. */
  renderLimit: 1_000,
  /** Bytes a template may allocate (strings, arrays) while it renders. */
  memoryLimit: 10_000_000,
  /** Characters of template text parsed. */
  parseLimit: 100_000,
});

/**
 * Renders `text` (a Liquid template such as "Refund of {{ payload.amount }}") over
 * `envelope` ({id, source, type, headers, payload, ...}). Throws a sentence naming
 * the template's problem (a syntax error, an unknown filter, a limit reached).
 */
export async function renderTemplate(text: string, envelope: object): Promise<string> {
  try {
    return String(await liquid.parseAndRender(text, envelope));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(`The message template could not be rendered (${why}): correct it in the automation.`, {
      cause: err,
    });
  }
}
