// Sources: where webhooks come from. Each shows the URL to paste, how to set it
// up at the provider, and a button that sends a correctly signed test event.
import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { getApi } from '../../api';
import { appStore, useAppState } from '../../api/store';
import { href, navigate } from '../../app/router';
import { ProviderMark } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { toast, toastOnError } from '../../components/Toast';
import { providerInfo } from '../../lib/providers';
import { ConnectPanel } from './ConnectPanel';
import { DeleteSourceBody } from './DeleteSourceBody';
import { SourceForm } from './SourceForm';
import { SourceSetup, WebhookUrl } from './SourceSetup';

type Source = PublicConfig['sources'][number];

/**
 * What a card's line under the name says. A managed source is not "managed" when Connect
 * failed, nor when it still has no signing secret once connected (Shopify signs with the
 * app's client secret, which the owner pastes): every webhook would be refused.
 */
export function sourceStatus(s: Source): 'unsigned' | 'attention' | 'waiting' | 'managed' | 'saved' {
  if (s.provider === 'none') return 'unsigned';
  if (s.connect && s.managed?.state === 'error') return 'attention';
  if (!s.hasSecret && (!s.connect || (s.managed?.state ?? 'connecting') !== 'connecting')) return 'waiting';
  return s.connect ? 'managed' : 'saved';
}

export function SourceStatus({ source }: { source: Source }) {
  switch (sourceStatus(source)) {
    case 'unsigned':
      return <>unsigned</>;
    case 'attention':
      return (
        <span className="text-danger" data-testid="connect-attention">
          Connect needs attention (see below)
        </span>
      );
    case 'waiting':
      return (
        <span className="text-danger" data-testid="waiting-secret">
          waiting for its signing secret
        </span>
      );
    case 'managed':
      return <>managed by Hookdock</>;
    case 'saved':
      return <>secret saved</>;
  }
}

export function SourcesView({ adding, edit }: { adding: boolean; edit?: string }) {
  const config = useAppState((s) => s.config);
  // #/sources/<id> (e.g. from a rejected event) opens that source's form.
  const [editing, setEditing] = useState<string | null>(edit ?? null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Source | null>(null);
  const sources = config?.sources ?? [];

  const saved = (next: PublicConfig, id: string) => {
    appStore.set({ config: next });
    setEditing(null);
    setOpen(id);
    const waiting = next.sources.some((s) => s.id === id && s.provider !== 'none' && !s.hasSecret);
    toast(
      adding
        ? waiting
          ? 'Source added. Paste its URL in the service, then come back with its signing secret.'
          : 'Source added. Now paste its URL in the service.'
        : 'Source saved.',
    );
    if (adding) navigate(href('sources'));
  };

  return (
    <div className="page">
      <PageHeader
        title="Sources"
        subtitle="The services that send you webhooks: your shop, payments, and anything else. Each gets its own address."
        actions={
          !adding && (
            <a className="btn btn-primary" href={href('sources', 'new')}>
              Add a source
            </a>
          )
        }
      />
      {adding && (
        <Card title="Add a source" labelledBy="add-source-title">
          <SourceForm
            existing={null}
            takenIds={sources.map((s) => s.id)}
            onSaved={saved}
            onCancel={() => navigate(href('sources'))}
          />
        </Card>
      )}
      {!config ? (
        <Loading />
      ) : sources.length === 0 && !adding ? (
        <EmptyState
          title="No sources yet"
          action={
            <a className="btn btn-primary" href={href('sources', 'new')}>
              Add your first source
            </a>
          }
        >
          <p>
            Add Shopify, Stripe, WooCommerce or another service. You&rsquo;ll get a URL to paste in its webhook
            settings.
          </p>
        </EmptyState>
      ) : (
        <ul className="source-list plain-list">
          {sources.map((s) => (
            <li key={s.id} className="card source-card" data-source-id={s.id}>
              {editing === s.id ? (
                <div className="card-body">
                  <SourceForm existing={s} takenIds={[]} onSaved={saved} onCancel={() => setEditing(null)} />
                </div>
              ) : (
                <>
                  <div className="item">
                    <ProviderMark provider={s.provider} size="lg" />
                    <div className="item-main">
                      <div className="item-title">{s.name || s.id}</div>
                      <div className="item-sub">
                        {providerInfo(s.provider).name} ·{' '}
                        {s.followed ? (
                          <span data-testid="followed-source">received through the Hookdock server you follow</span>
                        ) : (
                          <SourceStatus source={s} />
                        )}
                      </div>
                    </div>
                    <div className="item-actions">
                      {!s.followed && (
                        <>
                          <Button
                            size="sm"
                            aria-expanded={open === s.id}
                            onClick={() => setOpen(open === s.id ? null : s.id)}
                          >
                            {open === s.id ? 'Hide set-up' : 'Set-up and test'}
                          </Button>
                          <Button
                            size="sm"
                            variant={sourceStatus(s) === 'waiting' ? 'primary' : 'ghost'}
                            onClick={() => setEditing(s.id)}
                          >
                            {sourceStatus(s) === 'waiting' ? 'Paste its secret' : 'Edit'}
                          </Button>
                        </>
                      )}
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setDeleting(s)}
                        aria-label={`Delete ${s.name || s.id}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </div>
                  <div className="card-body source-body">
                    {s.followed ? (
                      <p className="muted">
                        Its webhooks go to the server; this computer gets each one from there and runs your automations
                        on it.
                      </p>
                    ) : open === s.id ? (
                      <SourceSetup source={s} />
                    ) : (
                      <WebhookUrl source={s} />
                    )}
                    {!s.followed && <ConnectPanel source={s} />}
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name || deleting?.id}?`}
        confirmLabel="Delete source"
        onClose={() => setDeleting(null)}
        body={deleting && <DeleteSourceBody source={deleting} config={config} />}
        onConfirm={async () => {
          if (!deleting) return;
          await toastOnError(async () => {
            appStore.set({ config: await getApi().deleteSource({ id: deleting.id }) });
            toast('Source deleted.');
            setDeleting(null);
          });
        }}
      />
    </div>
  );
}
