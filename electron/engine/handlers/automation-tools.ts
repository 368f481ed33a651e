// The automation editor's helpers (shared/api.ts): "would this past event meet these
// conditions?" and the "Run my own script" recipe's starter script. Nothing is run or saved.
import type { ApiHandlers } from '../../../shared/api';
import { compileConditions, conditionIssues } from '../../../shared/conditions';
import { writeStarterScript } from '../actions/script/starters';
import { conditionView } from '../automations/conditions';
import type { StoredEvent } from '../store/types';
import { HttpError, notFound } from '../util/errors';

export interface AutomationToolsDeps {
  getEvent(id: string): Promise<StoredEvent | undefined>;
  dataDir: string;
}

export function createAutomationToolHandlers(
  deps: AutomationToolsDeps,
): Pick<ApiHandlers, 'previewConditions' | 'writeStarterScript'> {
  return {
    previewConditions: async ({ conditions, eventId }) => {
      const event = await deps.getEvent(eventId);
      if (!event) throw notFound('That event');
      const issues = conditionIssues(conditions);
      if (issues.length) {
        const [first] = issues;
        const where = first.path.length ? `${first.path.join('.')}: ` : '';
        return { matches: false, error: `${where}${first.message}.` };
      }
      return { matches: compileConditions(conditions)(conditionView(event)), error: null };
    },
    writeStarterScript: async ({ language }) => {
      try {
        return await writeStarterScript(deps.dataDir, language);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        throw new HttpError(
          500,
          'starter_not_written',
          `The starter script could not be written (${code}); check that Hookdock's data folder is writable.`,
        );
      }
    },
  };
}
