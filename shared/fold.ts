// How search text and queries are compared, on the server (store/search-text.ts)
// and in the dashboard's live feed alike.

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
/** Combining accents, left by NFD ("í" -> "i" + U+0301). */
const ACCENTS = /[\u0300-\u036f]/g;
/**
 * Typographic spaces, dashes, quotes, bullets and ellipses (General Punctuation) and currency
 * signs: nobody searches for them ("€59.00" finds 59.00), and one of them in a text made
 * the server keep it, and the texts kept with it, at two bytes per character.
 */
const PUNCTUATION = /[\u2000-\u206f\u20a0-\u20cf]/g;
/** Letters NFD does not take apart (no combining accent), as people type them without it. */
const PLAIN: Record<string, string> = {
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ŧ: 't',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  þ: 'th',
  ð: 'd',
};
const NOT_DECOMPOSED = /[øłđħıŧæœßþð]/g;

/**
 * Folds text for matching: lower case, accents removed ("María" -> "maria", "Tromsø" ->
 * "tromso", "Łódź" -> "lodz", "Straße" -> "strasse"),
 * typographic punctuation and currency signs turned into spaces ("Order #1042 — €59.00"
 * -> "order #1042    59.00"), so what the owner types matches however the provider spelled it.
 */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // Fast path: plain ASCII needs no Unicode normalisation.
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(ACCENTS, '')
    .replace(PUNCTUATION, ' ')
    .replace(NOT_DECOMPOSED, (c) => PLAIN[c]!);
}
