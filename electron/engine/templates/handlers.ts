// The automation form's template preview: renders a template over a past event, as a run
// would (same envelope, same limits), so the owner sees the text before saving.
import type { ApiHandlers } from '../../../shared/api';
import { renderTemplate, templateProblem } from '../../../shared/templates';
import type { Store } from '../store/types';
import { notFound } from '../util/errors';
import { templateEnvelope } from '.';

/**
 * previewTemplate {template, eventId} -> {text, problem}: `text` the rendered text and problem
 * null, or text null and `problem` a sentence saying what to fix (the template does not parse,
 * uses an unknown filter, or exceeds a limit). An unknown event is a 404.
 */
export function createTemplateHandlers(deps: { store: Pick<Store, 'getEvent'> }): Pick<ApiHandlers, 'previewTemplate'> {
  return {
    previewTemplate: async ({ template, eventId }) => {
      const event = await deps.store.getEvent(eventId);
      if (!event) throw notFound('That event');
      const problem = templateProblem(template);
      if (problem) return { text: null, problem };
      try {
        return { text: await renderTemplate(template, templateEnvelope(event)), problem: null };
      } catch (err) {
        const why = String((err as Error).message).split('\n')[0];
        return { text: null, problem: `This template could not be rendered on that event: ${why}.` };
      }
    },
  };
}
