export function SourcesView({ adding }: { adding: boolean }) {
  return <div className="page">Sources {String(adding)}</div>;
}
