// The automation form's action kinds besides script. Adding a kind: its form file here + one line below.
import type { ActionConfig } from '../../../../shared/actions';
import { agentKind } from './AgentForm';
import { csvKind } from './CsvForm';
import { emailKind } from './EmailForm';
import { forwardKind } from './ForwardForm';
import { notifyKind } from './NotifyForm';
import type { KindEntry } from './types';

export const KIND_FORMS = [
  notifyKind,
  csvKind,
  forwardKind,
  emailKind,
  agentKind,
  // one line per kind
] as unknown as KindEntry[];

export function kindForm(kind: ActionConfig['kind']): KindEntry | undefined {
  return KIND_FORMS.find((k) => k.kind === kind);
}
