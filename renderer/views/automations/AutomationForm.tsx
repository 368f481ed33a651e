// "When [source] sends [event types] (only when …) do [kind]": the automation as a
// sentence. Script fields are this form's own; other kinds bring their form (kinds/).
import { useEffect, useId, useState } from 'react';
import type { ActionConfig } from '../../../shared/actions';
import type { AutomationConfig, PublicConfig } from '../../../shared/api';
import type { Conditions } from '../../../shared/conditions';
import type { EventSummary } from '../../../shared/types';
import { errorMessage, getApi } from '../../api';
import { desktop, desktopCall } from '../../app/desktop';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { SaveForm, useSaveForm, type FieldErrors } from '../../components/Form';
import { NumberInput, Select, TextInput } from '../../components/inputs';
import { slugify, uniqueId } from '../../lib/format';
import { allCommonTypes, providerInfo } from '../../lib/providers';
import { ConditionsEditor } from './conditions/ConditionsEditor';
import { EventTypePicker } from './EventTypePicker';
import { KIND_FORMS, kindForm } from './kinds';
import { TemplateSampleProvider } from './kinds/TemplatePreview';
import { RetrySchedule, retryCount, retryFor } from './RetrySchedule';
import { checkScript, useScriptCheck } from './scriptCheck';

/** A new automation's starting point (a recipe): what the form opens with. */
export type AutomationDraft = Pick<AutomationConfig, 'name' | 'source' | 'events' | 'conditions' | 'action'>;

export function AutomationForm({
  existing,
  draft = null,
  config,
  onSaved,
  onCancel,
}: {
  existing: AutomationConfig | null;
  draft?: AutomationDraft | null;
  config: PublicConfig;
  onSaved: (config: PublicConfig, id: string) => void;
  onCancel: () => void;
}) {
  const base = existing ?? draft;
  const [name, setName] = useState(base?.name ?? '');
  const [source, setSource] = useState(base?.source ?? config.sources[0]?.id ?? '*');
  const [events, setEvents] = useState<string[]>(base?.events ?? []);
  const [conditions, setConditions] = useState<Conditions | undefined>(base?.conditions);
  const [kind, setKind] = useState<ActionConfig['kind']>(base?.action.kind ?? 'script');
  // Each kind's fields as last edited, so switching kinds back and forth loses nothing.
  const [actions, setActions] = useState<Partial<Record<ActionConfig['kind'], ActionConfig>>>(
    base ? { [base.action.kind]: base.action } : {},
  );
  const entry = kindForm(kind);
  const action = entry ? (actions[kind] ?? entry.blank()) : null;
  const savedAction = existing?.action.kind === kind ? existing.action : null;
  const script = base?.action.kind === 'script' ? base.action : undefined;
  const [command, setCommand] = useState(script?.command ?? '');
  const [args, setArgs] = useState((script?.args ?? []).join('\n'));
  const [cwd, setCwd] = useState(script?.cwd ?? '');
  const [timeout, setTimeoutSeconds] = useState(String(script?.timeoutSeconds ?? 60));
  const [detailsOpen, setDetailsOpen] = useState(Boolean(script && (script.args.length || script.cwd)));
  const [retries, setRetries] = useState(String(existing?.retry ? retryCount(existing.retry) : 7));
  const [seen, setSeen] = useState<{ source: string; type: string }[]>([]);
  // The past event the conditions are tried on; the action's template previews render on it too.
  const [sample, setSample] = useState<EventSummary | null>(null);
  const typesLabel = useId();
  const argList = args
    .split('\n')
    .map((a) => a.trim())
    .filter(Boolean);
  const scriptProblem = useScriptCheck(kind === 'script' ? command : '', argList, cwd.trim() || null);
  // A warning the owner has seen at save: a second save keeps the automation anyway (the script may come later).
  const [acknowledged, setAcknowledged] = useState<string | null>(null);

  useEffect(() => {
    getApi()
      .listEventTypes({})
      .then(
        (r) => setSeen(r.items),
        () => undefined,
      );
  }, []);

  const provider = config.sources.find((s) => s.id === source)?.provider;
  const common = provider ? providerInfo(provider).commonTypes : allCommonTypes();
  const seenHere = [...new Set(seen.filter((t) => source === '*' || t.source === source).map((t) => t.type))];

  const form = useSaveForm(async () => {
    const problems: FieldErrors = {};
    if (!events.length) problems.events = 'Pick at least one kind of event (or type * for every event).';
    if (entry && action) Object.assign(problems, entry.validate(action));
    else if (!command.trim())
      problems.command = 'Say which script to run: its full path, like /home/me/scripts/refund.sh.';
    const t = Number(timeout);
    const r = Number(retries);
    if (!timeout.trim() || !Number.isFinite(t) || t <= 0)
      problems.timeout = 'The time limit must be a number of seconds above 0.';
    if (!retries.trim() || !Number.isInteger(r) || r < 0 || r > 99)
      problems.retries = 'Retries must be a whole number from 0 to 99.';
    if (!entry && command.trim() && !problems.command) {
      const problem = await checkScript(command, argList, cwd.trim() || null);
      if (problem && problem !== acknowledged) {
        setAcknowledged(problem);
        problems.command = `${problem} Fix it, or save again to keep the automation anyway.`;
      }
    }
    if (Object.keys(problems).length) {
      // Hidden fields must be visible to be focused.
      if (problems.timeout || problems.retries) setDetailsOpen(true);
      return problems;
    }
    const taken = config.automations.map((a) => a.id);
    const id = existing?.id ?? uniqueId(slugify(name || `${source === '*' ? 'any' : source}-${events[0]}`), taken);
    const retry = retryFor(r, existing?.retry);
    const next = await getApi().saveAutomation({
      id,
      name: name.trim(),
      enabled: existing?.enabled ?? true,
      source,
      events,
      ...(conditions ? { conditions } : {}),
      action:
        entry && action
          ? (entry.toSave?.(action, savedAction) ?? action)
          : {
              kind: 'script',
              command: command.trim(),
              args: argList,
              cwd: cwd.trim() || null,
              timeoutSeconds: t,
              // Variables set by hand in config.json: this form does not edit them, so it keeps them.
              ...(script?.env ? { env: script.env } : {}),
            },
      retry,
    });
    onSaved(next, id);
  });

  const pick = desktop();
  return (
    <SaveForm
      className="automation-form"
      form={form}
      submitLabel={existing ? 'Save changes' : 'Create automation'}
      onCancel={onCancel}
    >
      <Field label="Name" hint="So you recognise it later, e.g. “Tell me about refunds”.">
        <TextInput value={name} onChange={setName} placeholder="Tell me about refunds" />
      </Field>
      <div className="sentence-grid">
        <span className="sentence-word">When</span>
        <Field label="Source" className="sentence-field">
          <Select
            value={source}
            onChange={setSource}
            options={[
              ['*', 'any source'],
              ...config.sources.map((s) => {
                // Two sources with the same name are told apart by their id.
                const twin = config.sources.some((o) => o.id !== s.id && (o.name || o.id) === (s.name || s.id));
                const label = `${s.name || s.id} (${providerInfo(s.provider).name}${twin ? `, ${s.id}` : ''})`;
                return [s.id, label] as const;
              }),
            ]}
          />
        </Field>
        <span className="sentence-word">sends</span>
        <div className={`field sentence-field ${form.fieldErrors.events ? 'has-error' : ''}`}>
          <span className="field-label" id={typesLabel}>
            Event types {events.length > 0 && <span className="muted">({events.length} picked)</span>}
          </span>
          <EventTypePicker value={events} onChange={setEvents} seen={seenHere} common={common} labelId={typesLabel} />
          {form.fieldErrors.events && (
            <p className="field-error" role="alert">
              {form.fieldErrors.events}
            </p>
          )}
        </div>
        <span className="sentence-word">only when</span>
        <div className="field sentence-field">
          <span className="field-label">Conditions (optional)</span>
          <ConditionsEditor
            source={source}
            events={events}
            value={conditions}
            onChange={setConditions}
            onSample={setSample}
          />
        </div>
        <span className="sentence-word">do</span>
        <Field label="Action" className="sentence-field">
          <Select
            value={kind}
            onChange={setKind}
            options={[['script', 'Run my script'] as const, ...KIND_FORMS.map((k) => [k.kind, k.label] as const)]}
          />
        </Field>
      </div>
      {entry && action && (
        <div className="kind-fields">
          <TemplateSampleProvider sample={sample}>
            <entry.Form
              value={action}
              onChange={(next) => setActions((a) => ({ ...a, [kind]: next }))}
              errors={form.fieldErrors}
              saved={savedAction}
            />
          </TemplateSampleProvider>
        </div>
      )}
      {!entry && (
        <div className="sentence-grid">
          <span className="sentence-word">run</span>
          <Field
            label="Script"
            className="sentence-field"
            hint={
              scriptProblem && !form.fieldErrors.command ? (
                <span className="field-warning">{scriptProblem}</span>
              ) : (
                'The full path of the program or script. It gets the event as JSON on its input.'
              )
            }
            error={form.fieldErrors.command}
          >
            <TextInput
              className="code-input"
              value={command}
              onChange={setCommand}
              placeholder="/home/me/scripts/on-refund.sh"
              spellCheck={false}
            />
          </Field>
        </div>
      )}
      {!entry && pick && (
        <Button
          size="sm"
          onClick={async () => {
            try {
              const r = await desktopCall(pick.pickScript({ defaultPath: command || null }));
              if (r.path) setCommand(r.path);
            } catch (err) {
              form.setError(errorMessage(err));
            }
          }}
        >
          Choose a script…
        </Button>
      )}
      <details className="more-options" open={detailsOpen} onToggle={(e) => setDetailsOpen(e.currentTarget.open)}>
        <summary>{entry ? 'Retries' : 'Arguments, folder, time limit and retries'}</summary>
        {!entry && (
          <div className="field-row">
            <Field label="Arguments" hint="One per line. Nothing from the event is ever added here.">
              <textarea
                className="textarea code-input"
                rows={3}
                value={args}
                onChange={(e) => setArgs(e.target.value)}
              />
            </Field>
            <Field label="Working folder" hint="Where it runs. Empty: Hookdock's own folder.">
              <TextInput className="code-input" value={cwd} onChange={setCwd} spellCheck={false} />
            </Field>
          </div>
        )}
        <div className="field-row">
          {!entry && (
            <Field label="Time limit (seconds)" hint="Stopped if it runs longer." error={form.fieldErrors.timeout}>
              <NumberInput min={1} value={timeout} onChange={setTimeoutSeconds} />
            </Field>
          )}
          <Field
            label="Retries when it fails"
            hint={<RetrySchedule retries={retries} existing={existing?.retry} />}
            error={form.fieldErrors.retries}
          >
            <NumberInput min={0} max={99} value={retries} onChange={setRetries} />
          </Field>
        </div>
      </details>
    </SaveForm>
  );
}
