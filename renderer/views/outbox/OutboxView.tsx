// The outbox: every webhook your scripts sent onward, with its attempts and
// the last answer, retried on a schedule; failed ones can be retried now.
import { useCallback, useEffect, useState } from 'react';
import type { Delivery, DeliveryStatus } from '../../../shared/types';
import { errorMessage, getApi } from '../../api';
import { useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { toast, toastOnError } from '../../components/Toast';
import { DELIVERY_STATUS } from '../../lib/format';
import { DeliveryItem } from './DeliveryItem';
import { Destinations } from './Destinations';
import { consumePreset } from '../../app/router';

const FILTERS: (DeliveryStatus | '')[] = ['', 'failed', 'retrying', 'pending', 'delivered'];

export function OutboxView({ presetStatus }: { presetStatus?: string } = {}) {
  const api = getApi();
  const config = useAppState((s) => s.config);
  // A header counter's link (#/outbox?status=failed) opens the list with that filter.
  const [status, setStatus] = useState<DeliveryStatus | ''>(() => {
    if (presetStatus === undefined) return '';
    consumePreset();
    return FILTERS.find((f) => f === presetStatus) ?? '';
  });
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await api.listOutbox({ status: status || undefined, limit: 50 });
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, status]);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  useEffect(() => {
    const offs = [
      api.listen('delivery.updated', (d) =>
        setItems((list) => {
          if (!list) return list;
          const i = list.findIndex((x) => x.id === d.id);
          if (i >= 0) {
            // Keep the row where it is; drop it only if it no longer fits the filter.
            if (status && d.status !== status) return list.filter((x) => x.id !== d.id);
            const next = list.slice();
            next[i] = d;
            return next;
          }
          return !status || d.status === status ? [d, ...list] : list;
        }),
      ),
      api.onConnection((_s, reconnected) => {
        if (reconnected) void load();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, load, status]);

  const retry = async (d: Delivery) => {
    setRetrying(d.id);
    await toastOnError(async () => {
      const next = await api.retryDelivery({ id: d.id });
      // Only over the row that was clicked: when the retry is quick, the stream's news of it
      // (delivering, delivered) can come before this answer, which would turn it back to pending.
      setItems((list) => list?.map((x) => (x === d ? next : x)) ?? list);
      toast(`Sending “${d.type}” to ${d.destinationId} again now.`);
    });
    setRetrying(null);
  };

  const more = async () => {
    if (!cursor) return;
    await toastOnError(async () => {
      const page = await api.listOutbox({ status: status || undefined, limit: 50, cursor });
      setItems((list) => [...(list ?? []), ...page.items.filter((x) => !list?.some((y) => y.id === x.id))]);
      setCursor(page.nextCursor);
    });
  };

  return (
    <div className="page">
      <PageHeader
        title="Outbox"
        subtitle="Webhooks your scripts send onward. Each is kept until it is delivered, and tried again when the other side is down."
      />
      <div className="segmented" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button key={f || 'all'} type="button" aria-pressed={status === f} onClick={() => setStatus(f)}>
            {f ? DELIVERY_STATUS[f].label : 'All'}
          </button>
        ))}
      </div>
      <div className="spacer-md" />
      {error && (
        <p className="notice tone-danger" role="alert">
          {error}
        </p>
      )}
      <Card>
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState
            title={status ? `No ${DELIVERY_STATUS[status].label.toLowerCase()} messages` : 'Nothing sent yet'}
          >
            <p>
              When a script prints a line like{' '}
              <code>{'{"send":{"destination":"crm","type":"order_noted","data":{}}}'}</code>, the message shows up here.
              Add a destination below first.
            </p>
          </EmptyState>
        ) : (
          <ul className="plain-list deliveries">
            {items.map((d) => (
              <DeliveryItem key={d.id} delivery={d} onRetry={() => void retry(d)} retrying={retrying === d.id} />
            ))}
          </ul>
        )}
        {cursor && (
          <div className="form-actions">
            <Button onClick={more}>Show older</Button>
          </div>
        )}
      </Card>
      {config && <Destinations config={config} />}
    </div>
  );
}
