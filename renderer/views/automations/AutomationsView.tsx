// Automations: "when this arrives, run my script". A list with on/off
// switches and a pause-all, and the editor with a test run.
import { useState } from 'react';
import type { AutomationConfig, PublicConfig } from '../../../shared/api';
import { humanizeType } from '../../../shared/summary';
import { getApi } from '../../api';
import { appStore, useAppState } from '../../api/store';
import { href, navigate } from '../../app/router';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { ConfirmDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { LoadingPage } from '../../components/Loading';
import { Toggle } from '../../components/Toggle';
import { toast, toastOnError } from '../../components/Toast';
import { AutomationForm } from './AutomationForm';
import { NewAutomation } from './NewAutomation';
import { TestRun } from './TestRun';
import { useNames } from '../../lib/names';
import { serverName } from '../../../shared/follow-words';

export function AutomationsView({ edit }: { edit: string | null }) {
  const names = useNames();
  const config = useAppState((s) => s.config);
  const paused = useAppState((s) => s.status?.automationsPaused ?? false);
  const follow = useAppState((s) => s.status?.follow ?? null);
  const [deleting, setDeleting] = useState<AutomationConfig | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const api = getApi();

  if (!config) return <LoadingPage />;

  const saved = (next: PublicConfig, id: string, created: boolean) => {
    appStore.set({ config: next });
    toast(created ? 'Automation created. Try it on a past event below.' : 'Automation saved.');
    navigate(href('automations', id));
  };

  if (edit) {
    const existing = edit === 'new' ? null : (config.automations.find((a) => a.id === edit) ?? null);
    if (edit !== 'new' && !existing) {
      return (
        <div className="page">
          <EmptyState
            title="This automation no longer exists"
            action={
              <a className="btn btn-secondary" href="#/automations">
                All automations
              </a>
            }
          />
        </div>
      );
    }
    return (
      <div className="page narrow">
        <a className="back-link" href="#/automations">
          ← All automations
        </a>
        <PageHeader title={existing ? existing.name || existing.id : 'New automation'} />
        {existing ? (
          <Card>
            <AutomationForm
              key={existing.id}
              existing={existing}
              config={config}
              onSaved={(next, id) => saved(next, id, false)}
              onCancel={() => navigate(href('automations'))}
            />
          </Card>
        ) : (
          <NewAutomation
            config={config}
            onSaved={(next, id) => saved(next, id, true)}
            onCancel={() => navigate(href('automations'))}
          />
        )}
        {existing && (
          <Card title="Test it" labelledBy="test-run-title">
            <TestRun
              automationId={existing.id}
              automationName={existing.name || existing.id}
              source={existing.source}
            />
          </Card>
        )}
      </div>
    );
  }

  const setEnabled = async (a: AutomationConfig, enabled: boolean) => {
    setBusy(a.id);
    await toastOnError(async () => {
      appStore.set({ config: await api.saveAutomation({ ...a, enabled }) });
      toast(enabled ? `“${a.name || a.id}” is on.` : `“${a.name || a.id}” is off.`);
    });
    setBusy(null);
  };

  const setPaused = async (next: boolean) => {
    await toastOnError(async () => {
      const r = await api.setAutomationsPaused({ paused: next });
      appStore.set((s) => ({ status: s.status ? { ...s.status, automationsPaused: r.paused } : s.status }));
      toast(
        r.paused ? 'All automations paused. Events are still received and kept.' : 'Automations are running again.',
      );
    });
  };

  return (
    <div className="page">
      <PageHeader
        title="Automations"
        subtitle="Run your own scripts when an event arrives. Failed runs are tried again, waiting longer each time."
        actions={
          <>
            <Toggle checked={paused} onChange={setPaused} label="Pause all" showLabel />
            <a className="btn btn-primary" href={href('automations', 'new')}>
              New automation
            </a>
          </>
        }
      />
      {follow && (
        <p className="notice tone-muted" role="note" data-testid="automations-where">
          These automations run on this computer, on every event that reaches it from {serverName(follow.server)}. The
          server&rsquo;s own automations keep running on the server.
        </p>
      )}
      {paused && (
        <p className="notice tone-warning" role="status">
          All automations are paused. Events are still received and kept; nothing runs until you turn &ldquo;Pause
          all&rdquo; off.
        </p>
      )}
      {config.automations.length === 0 ? (
        <EmptyState
          title="No automations yet"
          action={
            <a className="btn btn-primary" href={href('automations', 'new')}>
              Create your first automation
            </a>
          }
        >
          <p>For example: when Stripe sends a refund, run a script that tells you on your phone.</p>
        </EmptyState>
      ) : (
        <Card>
          <ul className="item-list">
            {config.automations.map((a) => (
              <li key={a.id} className={`item ${a.enabled ? '' : 'is-off'}`} data-automation-id={a.id}>
                <Toggle
                  checked={a.enabled}
                  onChange={(v) => void setEnabled(a, v)}
                  label={`${a.name || a.id} on`}
                  disabled={busy === a.id}
                />
                <div className="item-main">
                  <a className="item-title" href={href('automations', a.id)}>
                    {a.name || a.id}
                  </a>
                  <div className="item-sub">
                    When <strong>{names.source(a.source)}</strong> sends{' '}
                    <strong>{a.events.map((e) => (e.includes('*') ? e : humanizeType(e))).join(', ')}</strong>, run{' '}
                    <code>{a.action.kind === 'script' ? a.action.command.split('/').pop() : a.action.kind}</code>
                    {follow && <span className="muted"> · Runs on this computer</span>}
                  </div>
                </div>
                <div className="item-actions">
                  <a className="btn btn-sm btn-ghost" href={href('automations', a.id)}>
                    Edit and test
                  </a>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setDeleting(a)}
                    aria-label={`Delete ${a.name || a.id}`}
                  >
                    Delete
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name || deleting?.id}”?`}
        confirmLabel="Delete automation"
        onClose={() => setDeleting(null)}
        body={<p>It will not run again. Past runs stay with their events. Your script file is not touched.</p>}
        onConfirm={async () => {
          if (!deleting) return;
          await toastOnError(async () => {
            appStore.set({ config: await api.deleteAutomation({ id: deleting.id }) });
            toast('Automation deleted.');
            setDeleting(null);
          });
        }}
      />
    </div>
  );
}
