/** Said while the first answer is on its way; a live region, so screen readers hear when it is replaced. */
export function Loading() {
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}

/** A whole view waiting for the config. */
export function LoadingPage() {
  return (
    <div className="page">
      <Loading />
    </div>
  );
}
