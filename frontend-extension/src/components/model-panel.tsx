import * as React from 'react';

import type { ModelSettingsModel } from '../model-settings';
import type { ModelOption, ModelProvider, ProviderSetup } from '@mooring/chat-client';

/** How each provider is called in the panel. */
export const PROVIDER_LABELS: Record<ModelProvider, string> = {
  demo: 'Demo (offline)',
  openai: 'OpenAI or compatible server',
  anthropic: 'Anthropic',
  ollama: 'Ollama'
};

/** Re-renders on every `settings.changed`. */
function useSettings(settings: ModelSettingsModel): number {
  return React.useSyncExternalStore(
    (notify) => {
      settings.changed.connect(notify);
      return () => settings.changed.disconnect(notify);
    },
    () => settings.version
  );
}

const optionKey = (o: { provider: string; name: string }): string => JSON.stringify([o.provider, o.name]);

/** What the key field says of the key the service holds (never the key itself). */
export function describeKey(setup: ProviderSetup | undefined): string {
  if (!setup?.apiKeySet) {
    return 'not set';
  }
  const from = setup.apiKeyFrom === 'environment' ? 'from the environment' : 'saved';
  return setup.apiKeyEnd ? `set, ends in ${setup.apiKeyEnd} (${from})` : `set (${from})`;
}

/** The Model section: a picker of every model the service can reach, and the provider's settings. */
export function ModelPanel({ settings }: { settings: ModelSettingsModel }): JSX.Element {
  useSettings(settings);
  const current = settings.settings;
  const list = settings.list;
  const saving = settings.activity === 'saving';
  const inUse = current?.model;
  const byProvider = new Map<ModelProvider, ModelOption[]>();
  for (const option of list?.models ?? []) {
    byProvider.set(option.provider, [...(byProvider.get(option.provider) ?? []), option]);
  }
  const inUseListed = inUse && (list?.models ?? []).some((o) => optionKey(o) === optionKey(inUse));
  return (
    <section className="jp-Mooring-modelPanel" aria-label="Model" data-testid="mooring-model-panel">
      <label className="jp-Mooring-field">
        <span>Model</span>
        <select
          className="jp-Mooring-select"
          data-testid="mooring-model-picker"
          value={inUse ? optionKey(inUse) : ''}
          disabled={saving || !list}
          onChange={(e) => {
            const [provider, name] = JSON.parse(e.target.value) as [ModelProvider, string];
            void settings.save({ provider, name });
          }}
        >
          {inUse && !inUseListed && <option value={optionKey(inUse)}>{`${inUse.name} (${inUse.provider})`}</option>}
          {[...byProvider].map(([provider, options]) => (
            <optgroup key={provider} label={PROVIDER_LABELS[provider] ?? provider}>
              {options.map((o) => (
                <option key={o.name} value={optionKey(o)}>
                  {o.demo ? `${o.name}: offline demo, not a real AI` : o.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {settings.activity === 'loading' && <div className="jp-Mooring-modelNote">Asking the providers for their models…</div>}
      {saving && (
        <div className="jp-Mooring-modelNote" role="status" data-testid="mooring-model-saving">
          Checking with the provider…
        </div>
      )}
      {settings.error && (
        <div className="jp-Mooring-modelError" role="alert" data-testid="mooring-model-error">
          {settings.error}
        </div>
      )}
      {(list?.problems.length ?? 0) > 0 && (
        <ul className="jp-Mooring-modelProblems" data-testid="mooring-model-problems">
          {list?.problems.map((p) => (
            <li key={p.provider}>
              <strong>{PROVIDER_LABELS[p.provider] ?? p.provider}:</strong> {p.message}
            </li>
          ))}
        </ul>
      )}
      {current && <ProviderForm settings={settings} key={`${current.model.provider}/${current.source}`} />}
    </section>
  );
}

/** The provider, its base URL, model and API key; a field left as shown is not sent, an empty key field keeps the key. */
function ProviderForm({ settings }: { settings: ModelSettingsModel }): JSX.Element {
  const current = settings.settings;
  const [provider, setProvider] = React.useState<ModelProvider>(current?.model.provider as ModelProvider);
  const setup = current?.providers.find((p) => p.provider === provider);
  const [baseUrl, setBaseUrl] = React.useState(setup?.baseUrl ?? '');
  const [name, setName] = React.useState(setup?.name ?? '');
  const [apiKey, setApiKey] = React.useState('');
  const listId = React.useId();
  const choose = (next: ModelProvider): void => {
    const nextSetup = current?.providers.find((p) => p.provider === next);
    setProvider(next);
    setBaseUrl(nextSetup?.baseUrl ?? '');
    setName(nextSetup?.name ?? '');
    setApiKey('');
  };
  const offered = (settings.list?.models ?? []).filter((o) => o.provider === provider).map((o) => o.name);
  const demo = provider === 'demo';
  return (
    <details className="jp-Mooring-providerForm" open={current?.model.demo}>
      <summary>Provider settings</summary>
      <form
        data-testid="mooring-model-form"
        onSubmit={(e) => {
          e.preventDefault();
          void settings
            .save({
              provider,
              ...(name.trim() !== (setup?.name ?? '') ? { name: name.trim() } : {}),
              ...(baseUrl.trim() !== (setup?.baseUrl ?? '') ? { baseUrl: baseUrl.trim() } : {}),
              ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {})
            })
            .then((saved) => saved && setApiKey(''));
        }}
      >
        <label className="jp-Mooring-field">
          <span>Provider</span>
          <select
            className="jp-Mooring-select"
            data-testid="mooring-model-provider"
            value={provider}
            onChange={(e) => choose(e.target.value as ModelProvider)}
          >
            {(Object.keys(PROVIDER_LABELS) as ModelProvider[]).map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
        {!demo && (
          <>
            <TextField label="Base URL" testId="mooring-model-base-url" type="url" value={baseUrl} onChange={setBaseUrl} />
            <TextField label="Model name" testId="mooring-model-name" value={name} onChange={setName} list={listId} />
            <datalist id={listId}>
              {offered.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
            <TextField
              label="API key"
              testId="mooring-model-api-key"
              type="password"
              value={apiKey}
              onChange={setApiKey}
              placeholder={describeKey(setup)}
            />
          </>
        )}
        <div className="jp-Mooring-formBar">
          {current?.source === 'settings' && (
            <button
              type="button"
              className="jp-Mooring-button"
              data-testid="mooring-model-reset"
              disabled={settings.activity === 'saving'}
              title="Forget what was saved here and use the service's environment (CHAT_MODEL_*)"
              onClick={() => void settings.reset()}
            >
              Use defaults
            </button>
          )}
          <button
            type="submit"
            className="jp-Mooring-button jp-mod-accept"
            data-testid="mooring-model-save"
            disabled={settings.activity === 'saving'}
          >
            Save
          </button>
        </div>
      </form>
    </details>
  );
}

/** A labelled one-line text box of the provider form. */
function TextField(props: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'url' | 'password';
  list?: string;
  placeholder?: string;
}): JSX.Element {
  const { label, testId, value, onChange, type = 'text', list, placeholder } = props;
  return (
    <label className="jp-Mooring-field">
      <span>{label}</span>
      <input
        className="jp-Mooring-textField"
        data-testid={testId}
        type={type}
        list={list}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={type === 'password' ? 'off' : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
