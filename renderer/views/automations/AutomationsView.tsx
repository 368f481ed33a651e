export function AutomationsView({ edit }: { edit: string | null }) {
  return <div className="page">Automations {edit}</div>;
}
