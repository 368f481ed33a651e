// Templates: the text an action sends or writes (a notification, a CSV cell, ...) may use
// the event's fields, `{{ payload.customer.first_name }}`, `{{ payload.total_price | money }}`
// (issue #12 section 3). Liquid via `liquidjs` (https://liquidjs.com): a template language
// that cannot run JavaScript. Here, in shared/, because the config file is checked with it on
// save and the renderer's forms may check as they type; the engine renders with it
// (electron/engine/templates/).
//
// Locked down: only own properties are read (no `constructor`, no prototype), an unknown
// filter is an error at parse (strictFilters), the tags that read files (include, render,
// layout) are refused, and parse size, render time and memory are limited.
import { Liquid, type Template } from 'liquidjs';
import { z } from 'zod';

/** What a template sees (ARCHITECTURE.md "Contract: agent scripts" envelope, plus `test`). */
export interface TemplateEnvelope {
  id: string;
  source: string;
  provider: string;
  type: string;
  receivedAt: string;
  headers: Record<string, string>;
  payload: unknown;
  test: boolean;
}

/** Template text longer than this is refused (characters; liquidjs parseLimit). */
export const TEMPLATE_PARSE_LIMIT = 64 * 1024;
/** One render may take this long (milliseconds; liquidjs renderLimit). */
export const TEMPLATE_RENDER_LIMIT_MS = 200;
/** One render may allocate about this many characters/array items (liquidjs memoryLimit). */
export const TEMPLATE_MEMORY_LIMIT = 1024 * 1024;

const FILE_TAGS = ['include', 'render', 'layout'];

/**
 * Formats an amount with two decimals, exactly (the value may be a number or a string of
 * digits, e.g. Shopify's "199.5" -> "199.50"). With an ISO 4217 code it is written as money for
 * people: `money: "USD"` -> "$1,234.50", `money: "EUR"` -> "€1,234.50". Without one no
 * grouping, so a spreadsheet reads it as a number. Not a number: returned unchanged.
 */
export function formatMoney(value: unknown, currency?: unknown): string {
  const text = decimalText(value);
  if (text === null) return value == null ? '' : String(value);
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : null;
  // Intl formats a decimal string exactly (no rounding through a double) and rounds half away from zero.
  const fmt = new Intl.NumberFormat('en-US', {
    ...(code ? { style: 'currency', currency: code } : { useGrouping: false }),
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return fmt.format(text as unknown as number);
}

/**
 * An amount in the smallest unit (Stripe's `amount`: cents for two-decimal currencies, per
 * https://docs.stripe.com/currencies#minor-units) as units: 19900 -> "199.00". For zero-decimal
 * currencies (JPY, KRW) use `money` instead.
 */
export function formatMoneyCents(value: unknown, currency?: unknown): string {
  const text = decimalText(value);
  if (text === null || !/^-?\d+$/.test(text)) return value == null ? '' : String(value);
  const neg = text.startsWith('-');
  const digits = (neg ? text.slice(1) : text).padStart(3, '0');
  return formatMoney(`${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`, currency);
}

function decimalText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return value.trim();
  return null;
}

/** The one Liquid instance, locked down as described at the top of this file. */
export function createTemplateLiquid(): Liquid {
  const liquid = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false, // a missing field renders as nothing, as owners expect
    parseLimit: TEMPLATE_PARSE_LIMIT,
    renderLimit: TEMPLATE_RENDER_LIMIT_MS,
    memoryLimit: TEMPLATE_MEMORY_LIMIT,
    templates: {}, // no file system: nothing to include even if a tag slipped through
    cache: false,
  });
  for (const name of FILE_TAGS) {
    liquid.registerTag(name, {
      parse() {
        throw new Error(`the "${name}" tag is not available in Hookdock templates`);
      },
      render() {
        return '';
      },
    });
  }
  liquid.registerFilter('money', formatMoney);
  liquid.registerFilter('money_cents', formatMoneyCents);
  return liquid;
}

let shared: Liquid | null = null;
const liquid = () => (shared ??= createTemplateLiquid());

const parsed = new Map<string, Template[]>();

/** Parses once per text (bounded cache); throws liquidjs's error when it does not parse. */
export function parseTemplate(text: string): Template[] {
  let t = parsed.get(text);
  if (!t) {
    t = liquid().parse(text);
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, t);
  }
  return t;
}

/** Why a template cannot be used, as a sentence, or null when it parses. */
export function templateProblem(text: string): string | null {
  try {
    parseTemplate(text);
    return null;
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0].replace(/, line:\d+, col:\d+$/, '');
    return `this template does not work: ${msg}. Fields are written {{ payload.name }}, filters {{ payload.total | money }}.`;
  }
}

/**
 * Renders `text` over the envelope. Rejects with liquidjs's error when it does not parse, an
 * unknown filter is used, or the render/memory limit is exceeded.
 */
export async function renderTemplate(text: string, envelope: TemplateEnvelope): Promise<string> {
  if (!text.includes('{')) return text; // plain text: nothing to render
  return (await liquid().render(parseTemplate(text), envelope)) as string;
}

/** A config string that is a template: refused on save, at its JSON path, when it does not parse. */
export const templateString = z.string().superRefine((text, ctx) => {
  const problem = templateProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
