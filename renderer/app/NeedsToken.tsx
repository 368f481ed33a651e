/** Shown instead of any data when the dashboard answers 401 (no or expired token). */
export function NeedsToken() {
  return (
    <main className="needs-token" id="main">
      <div className="card">
        <div className="card-body">
          <h1 className="page-title">Hookdock needs your access link</h1>
          <p>
            For your safety this page shows nothing without it. Open the link printed by <code>hookdock serve</code>{' '}
            when it started (it looks like <code>http://127.0.0.1:8788/?token=…</code>).
          </p>
          <p className="muted">
            Lost it? The token is kept in the file <code>dashboard-token</code> in Hookdock&rsquo;s data folder.
          </p>
        </div>
      </div>
    </main>
  );
}
