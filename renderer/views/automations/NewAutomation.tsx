// "New automation": pick a source and a recipe, answer its one question (an amount, a
// script language), then the prefilled automation form, tried on a past event before saving.
import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { STARTER_LABELS, STARTER_LANGUAGES, type StarterLanguage } from '../../../shared/starters';
import { errorMessage, getApi } from '../../api';
import { desktop, desktopCall } from '../../app/desktop';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { Field } from '../../components/Field';
import { FormError } from '../../components/Form';
import { NumberInput, Select } from '../../components/inputs';
import { providerInfo } from '../../lib/providers';
import { AutomationForm, type AutomationDraft } from './AutomationForm';
import { factsFor, RECIPES, recipeDraft, type Recipe } from './recipes';

export function NewAutomation({
  config,
  onSaved,
  onCancel,
}: {
  config: PublicConfig;
  onSaved: (config: PublicConfig, id: string) => void;
  onCancel: () => void;
}) {
  const [source, setSource] = useState(config.sources[0]?.id ?? '*');
  const [recipe, setRecipe] = useState<Recipe | null>(null);
  const [amount, setAmount] = useState('100');
  const [language, setLanguage] = useState<StarterLanguage>('python');
  const [draft, setDraft] = useState<AutomationDraft | null>(null);
  const [scratch, setScratch] = useState(false);
  const [scriptPath, setScriptPath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const provider = config.sources.find((s) => s.id === source)?.provider;

  if (draft || scratch) {
    return (
      <>
        {scriptPath && <StarterCard path={scriptPath} />}
        <Card>
          <AutomationForm existing={null} draft={draft} config={config} onSaved={onSaved} onCancel={onCancel} />
        </Card>
      </>
    );
  }

  const start = async (r: Recipe) => {
    setError(null);
    const n = Number(amount);
    if (r.amount && (!amount.trim() || !Number.isFinite(n) || n < 0)) {
      setError('Type the amount as a number, like 100.');
      return;
    }
    try {
      let path: string | undefined;
      if (r.starter) {
        path = (await getApi().writeStarterScript({ language })).path;
        setScriptPath(path);
      }
      setDraft(recipeDraft(r.id, { id: source, provider }, { amount: n, scriptPath: path }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Card>
      <Field label="For which source?">
        <Select
          value={source}
          onChange={(s) => {
            setSource(s);
            setRecipe(null);
          }}
          options={[
            ['*', 'any source'],
            ...config.sources.map((s) => [s.id, `${s.name || s.id} (${providerInfo(s.provider).name})`] as const),
          ]}
        />
      </Field>
      <ul className="recipe-list" aria-label="Recipes">
        {RECIPES.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`recipe ${recipe?.id === r.id ? 'is-picked' : ''}`}
              aria-pressed={recipe?.id === r.id}
              onClick={() => (r.amount || r.starter ? setRecipe(r) : void start(r))}
            >
              <strong>{r.title}</strong>
              <span className="muted">{r.description}</span>
            </button>
          </li>
        ))}
      </ul>
      {recipe?.amount && (
        <div className="recipe-question">
          <Field
            label="Refunds over"
            hint={
              factsFor(provider).refundAmount.perUnit === 100
                ? `In your currency’s main unit; ${providerInfo(provider ?? 'none').name} counts in cents, so 100 is written ${Number(amount || 0) * 100}.`
                : 'In your currency, e.g. 100.'
            }
          >
            <NumberInput min={0} value={amount} onChange={setAmount} />
          </Field>
          <Button variant="primary" onClick={() => void start(recipe)}>
            Continue
          </Button>
        </div>
      )}
      {recipe?.starter && (
        <div className="recipe-question">
          <Field label="Language" hint="Hookdock writes a starter script you can open and edit.">
            <Select
              value={language}
              onChange={setLanguage}
              options={STARTER_LANGUAGES.map((l) => [l, STARTER_LABELS[l]] as const)}
            />
          </Field>
          <Button variant="primary" onClick={() => void start(recipe)}>
            Create the starter script
          </Button>
        </div>
      )}
      <FormError error={error} />
      <p>
        <Button variant="ghost" onClick={() => setScratch(true)}>
          Start from scratch instead
        </Button>
      </p>
    </Card>
  );
}

function StarterCard({ path }: { path: string }) {
  const d = desktop();
  const [error, setError] = useState<string | null>(null);
  return (
    <Card title="Your starter script">
      <p>
        It is at <code className="code-input">{path}</code>. Open it in your editor and change it as you like; it
        already runs as it is.
      </p>
      {d && (
        <Button
          size="sm"
          onClick={() =>
            desktopCall(d.revealInFolder({ target: 'scripts' })).catch((err) => setError(errorMessage(err)))
          }
        >
          Open folder
        </Button>
      )}
      <FormError error={error} />
    </Card>
  );
}
