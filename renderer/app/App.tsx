import { useEffect } from 'react';
import { useFocusHeadingOnNavigate } from './focusHeading';
import { getApi } from '../api';
import { startAppStore, useAppState } from '../api/store';
import { ToastRegion } from '../components/Toast';
import { AutomationsView } from '../views/automations/AutomationsView';
import { EventView } from '../views/event/EventView';
import { FeedView } from '../views/feed/FeedView';
import { OutboxView } from '../views/outbox/OutboxView';
import { SettingsView } from '../views/settings/SettingsView';
import { SourcesView } from '../views/sources/SourcesView';
import { AwayPanel } from './AwayPanel';
import { Header } from './Header';
import { NeedsToken } from './NeedsToken';
import { Notices } from './Notices';
import { useBrowserNotifications } from './browserNotify';
import { useDesktopOpen } from './desktop';
import { useRoute, type Route } from './router';

export function App() {
  const route = useRoute();
  const needsToken = useAppState((s) => s.needsToken);
  useEffect(() => startAppStore(getApi()), []);
  useDesktopOpen();
  useBrowserNotifications();
  useFocusHeadingOnNavigate(
    route.name === 'event'
      ? `event/${route.id}`
      : `${route.name}/${'edit' in route ? route.edit : ''}${'adding' in route ? route.adding : ''}/${route.visit}`,
    () => document.getElementById('main'),
  );
  useEffect(() => {
    document.title = `${TITLES[route.name]} · Hookdock`;
  }, [route.name]);

  if (needsToken) return <NeedsToken />;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header route={route} />
      <Notices />
      <AwayPanel />
      <main id="main" className={`app-main view-${route.name}`} tabIndex={-1}>
        <View route={route} />
      </main>
      <ToastRegion />
    </div>
  );
}

const TITLES: Record<Route['name'], string> = {
  feed: 'Live feed',
  event: 'Event',
  automations: 'Automations',
  sources: 'Sources',
  outbox: 'Outbox',
  settings: 'Settings',
};

function View({ route }: { route: Route & { visit: number } }) {
  switch (route.name) {
    case 'feed':
      // A preset (a header counter's link) starts a fresh feed with that filter.
      return <FeedView key={route.preset ? `preset-${route.visit}` : 'feed'} presetStatus={route.preset?.status} />;
    case 'event':
      return <EventView key={route.id} id={route.id} />;
    case 'automations':
      return <AutomationsView edit={route.edit} />;
    case 'sources':
      return <SourcesView key={route.edit ?? ''} adding={route.adding} edit={route.edit} />;
    case 'outbox':
      return <OutboxView key={route.preset ? `preset-${route.visit}` : 'outbox'} presetStatus={route.preset?.status} />;
    case 'settings':
      return <SettingsView />;
  }
}
