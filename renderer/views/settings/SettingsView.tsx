export function SettingsView() {
  return <div className="page">Settings</div>;
}
