// Under each templated field of an action (issue #12 section 3, "a template is checked on save
// and previewed on a past event"): a syntax problem at once, checked here with the shared
// checker (no round trip), and the text the template makes on the newest stored event of the
// automation's source and type (or the one picked for the conditions), rendered by the engine (previewTemplate) exactly as a run
// would. The rendered text is React text, never HTML: a payload cannot inject markup.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { EventSummary } from '../../../../shared/types';
import { templateProblem } from '../../../../shared/templates';
import { errorMessage, getApi } from '../../../api';
import { formatTime } from '../../../lib/format';

/** Wait this long after the last keystroke before asking the engine (milliseconds). */
export const PREVIEW_DEBOUNCE_MS = 300;

const SampleContext = createContext<EventSummary | null>(null);

/**
 * Gives the template previews below it the past event to render on: the one the conditions'
 * "Would this past event match?" shows (the newest stored event of the automation's source and
 * first exact type, per conditions/useSamples.ts, unless the owner picks another); null: none.
 */
export function TemplateSampleProvider({ sample, children }: { sample: EventSummary | null; children: ReactNode }) {
  return <SampleContext.Provider value={sample}>{children}</SampleContext.Provider>;
}

/** "On the event of 14:02 (Order #1042 — $59.00)": which event the preview used. */
export function sampleLabel(event: Pick<EventSummary, 'receivedAt' | 'summary' | 'type'>, now = new Date()): string {
  const when = formatTime(event.receivedAt, now).replace(/^(\d\d:\d\d):\d\d$/, '$1');
  return `On the event of ${when} (${event.summary ?? event.type})`;
}

type Shown = { key: string; text: string | null; problem: string | null };

/**
 * The check and preview of one template field. Shows nothing for text without `{` (it renders
 * as itself) and, without a stored event of the type, only a syntax problem.
 */
export function TemplatePreview({ template }: { template: string }) {
  const sample = useContext(SampleContext);
  const problem = useMemo(() => (template.includes('{') ? templateProblem(template) : null), [template]);
  const [shown, setShown] = useState<Shown | null>(null);
  const key = `${sample?.id ?? ''}\n${template}`;

  useEffect(() => {
    if (!sample || problem || !template.includes('{')) return;
    let live = true;
    const timer = setTimeout(() => {
      getApi()
        .previewTemplate({ template, eventId: sample.id })
        .then(
          (r) => live && setShown({ key, ...r }),
          (err) => live && setShown({ key, text: null, problem: errorMessage(err) }),
        );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, problem]); // key covers sample and template

  if (problem) return <p className="template-preview preview-error">{sentence(problem)}</p>;
  if (!sample || !template.includes('{') || !shown) return null;
  const stale = shown.key !== key;
  return (
    <div className="template-preview" aria-busy={stale}>
      <span className="field-hint">{sampleLabel(sample)}</span>
      {shown.problem ? (
        <p className="preview-error">{sentence(shown.problem)}</p>
      ) : (
        <output className={`template-preview-text ${stale ? 'is-stale' : ''}`}>
          {shown.text || <span className="muted">(nothing)</span>}
        </output>
      )}
    </div>
  );
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
