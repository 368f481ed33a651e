export function OutboxView() {
  return <div className="page">Outbox</div>;
}
