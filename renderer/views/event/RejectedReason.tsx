// A rejected request, shown so it cannot pass for the real thing: the full reason
// (readable, and reachable by keyboard), "Unverified — may not be from <provider>", and a
// link to the source's settings where the secret is fixed.
import { providerInfo } from '../../lib/providers';

/**
 * "Unverified — may not be from Shopify": what a request that failed its check is
 * called on screen. Not "not from": a wrong or missing secret in Hookdock makes the
 * real provider's requests fail too, and the owner must not conclude they were forged.
 */
export function unverifiedLabel(provider: string): string {
  return `Unverified — may not be from ${providerInfo(provider).name}`;
}

export function RejectedReason({
  reason,
  compact,
  provider,
  sourceId,
  sourceName,
  id,
}: {
  reason: string;
  /** For aria-describedby from the feed row. */
  id?: string;
  /** In a feed row (itself a link): the reason only, over up to two lines; the row's label carries it whole. */
  compact?: boolean;
  provider?: string;
  sourceId?: string;
  sourceName?: string;
}) {
  if (compact)
    return (
      <span className="rejected-reason" id={id}>
        {reason}
      </span>
    );
  return (
    <div className="rejected" role="note" aria-label="Why it was rejected">
      <p className="verification is-bad">✗ {reason}</p>
      {provider && (
        <p className="small">
          <strong className="unverified-tag">{unverifiedLabel(provider)}</strong>: anyone can send a request like this,
          so nothing ran for it and its content may be made up.
        </p>
      )}
      {sourceId && (
        <p className="small">
          <a href={`#/sources/${encodeURIComponent(sourceId)}`}>
            Check the secret in {sourceName ?? sourceId}’s settings
          </a>
        </p>
      )}
    </div>
  );
}
