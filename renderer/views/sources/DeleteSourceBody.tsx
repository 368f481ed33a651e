// What deleting a source would cut off, said so two sources with the same name
// cannot be confused: its webhook address and the automations that use it.
import type { PublicConfig } from '../../../shared/api';

type Source = PublicConfig['sources'][number];

export function DeleteSourceBody({ source, config }: { source: Source; config: PublicConfig | null }) {
  const users = (config?.automations ?? []).filter((a) => a.source === source.id);
  return (
    <>
      <p>
        Its address{' '}
        <code className="break-anywhere" data-testid="delete-source-url">
          {source.webhookUrl ?? `/hooks/${source.id}`}
        </code>{' '}
        will refuse webhooks from now on. Events already received stay in the feed.
      </p>
      {users.length ? (
        <div>
          <p>
            {users.length === 1
              ? 'This automation uses it and stops'
              : `These ${users.length} automations use it and stop`}{' '}
            matching:
          </p>
          <ul data-testid="delete-source-users">
            {users.map((a) => (
              <li key={a.id}>{a.name || a.id}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>No automation uses it.</p>
      )}
    </>
  );
}
