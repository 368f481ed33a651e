// agent: an OpenAI-compatible chat-completions call (a local Ollama works too); the API key is a secret.
import { Field } from '../../../components/Field';
import { SecretField } from '../../../components/Form';
import { TextInput } from '../../../components/inputs';
import { isHttpUrl, TEMPLATE_HINT, type KindConfig, type KindEntry, type KindFormProps } from './types';
import { TemplatePreview } from './TemplatePreview';

type Agent = KindConfig<'agent'>;

function AgentForm({ value, onChange, errors, saved }: KindFormProps<Agent>) {
  return (
    <>
      <div className="field-row">
        <Field
          label="Service address"
          hint="e.g. https://api.openai.com/v1 or http://localhost:11434/v1"
          error={errors.baseUrl}
        >
          <TextInput
            className="code-input"
            value={value.baseUrl}
            onChange={(baseUrl) => onChange({ ...value, baseUrl })}
            spellCheck={false}
          />
        </Field>
        <Field label="Model" error={errors.model}>
          <TextInput value={value.model} onChange={(model) => onChange({ ...value, model })} spellCheck={false} />
        </Field>
      </div>
      <SecretField
        label="API key (optional)"
        hint="Not needed for a local model."
        value={value.apiKey === saved?.apiKey ? '' : (value.apiKey ?? '')}
        saved={Boolean(saved?.apiKey)}
        onChange={(apiKey) => onChange({ ...value, apiKey: apiKey || saved?.apiKey || undefined })}
      />
      <Field label="What the agent should do" hint="The event goes to it as data, never as instructions.">
        <textarea
          className="textarea"
          rows={3}
          value={value.instructions}
          onChange={(e) => onChange({ ...value, instructions: e.target.value })}
        />
      </Field>
      <Field label="Message" hint={TEMPLATE_HINT}>
        <textarea
          className="textarea"
          rows={3}
          value={value.message}
          onChange={(e) => onChange({ ...value, message: e.target.value })}
        />
      </Field>
      <TemplatePreview template={value.message} />
    </>
  );
}

export const agentKind: KindEntry<Agent> = {
  kind: 'agent',
  label: 'Ask my AI agent',
  blank: () => ({
    kind: 'agent',
    baseUrl: 'https://api.openai.com/v1',
    model: '',
    instructions: '',
    message: '',
    timeoutSeconds: 60,
  }),
  Form: AgentForm,
  validate: (v) => {
    const out: Record<string, string> = {};
    if (!isHttpUrl(v.baseUrl.trim())) out.baseUrl = 'Give the service’s address, like https://api.openai.com/v1.';
    if (!v.model.trim()) out.model = 'Say which model to use, like gpt-4o-mini or llama3.';
    return out;
  },
};
