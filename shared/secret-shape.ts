// The shapes of well-known provider secrets, so a secret can be kept out of a
// log line or an error message even when Hookdock never learnt its value (a
// secret pasted into a config file that does not parse). Prefixes from each
// provider's documentation: Standard Webhooks / Svix `whsec_`, Stripe API keys
// `sk_`/`rk_` + `live_`/`test_`, Shopify `shpss_`/`shpat_`/`shpca_`/`shppa_`,
// GitHub tokens `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and `github_pat_`, Slack
// `xox?-`, and ngrok authtokens (`<digit><20+ alphanumerics>_<15+ alphanumerics>`).
export const SECRET_SHAPE =
  /\b(?:whsec_[A-Za-z0-9+/=]{6,}|[sr]k_(?:live|test)_[A-Za-z0-9]{6,}|shp(?:ss|at|ca|pa)_[A-Za-z0-9]{6,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|[0-9][A-Za-z0-9]{20,}_[A-Za-z0-9]{15,})/g;

/** True when `text` contains something shaped like a well-known secret. */
export function looksLikeSecret(text: string): boolean {
  SECRET_SHAPE.lastIndex = 0;
  const found = SECRET_SHAPE.test(text);
  SECRET_SHAPE.lastIndex = 0;
  return found;
}
