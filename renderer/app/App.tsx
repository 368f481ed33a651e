import { useEffect } from 'react';
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
import { useDesktopOpen } from './desktop';
import { useRoute, type Route } from './router';

export function App() {
  const route = useRoute();
  const needsToken = useAppState((s) => s.needsToken);
  useEffect(() => startAppStore(getApi()), []);
  useDesktopOpen();
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

function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'feed':
      return <FeedView />;
    case 'event':
      return <EventView key={route.id} id={route.id} />;
    case 'automations':
      return <AutomationsView edit={route.edit} />;
    case 'sources':
      return <SourcesView adding={route.adding} />;
    case 'outbox':
      return <OutboxView />;
    case 'settings':
      return <SettingsView />;
  }
}
