// How search text and queries are compared, on the server (store/search-text.ts)
// and in the dashboard's live feed alike.

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Folds text for matching: lower case, accents removed ("María" -> "maria"),
 * so what the owner types matches however the provider spelled it.
 */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // Fast path: plain ASCII needs no Unicode normalisation.
  if (!NON_ASCII.test(lower)) return lower;
  return lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
