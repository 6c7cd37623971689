import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { describeKey, ModelPanel } from '../components/model-panel';
import { ModelSettingsModel } from '../model-settings';
import { ModelApi } from '../rest-api';
import { failure, fakeRequest } from './fake-client';

afterEach(cleanup);

const DEMO = { provider: 'demo', name: 'mooring-demo', demo: true };

function settings(model = DEMO, source = 'environment') {
  return {
    model,
    source,
    providers: [
      { provider: 'demo', name: 'mooring-demo', demo: true, apiKeySet: false },
      {
        provider: 'openai',
        name: 'gpt-4o-mini',
        baseUrl: 'http://127.0.0.1:8000/v1',
        demo: false,
        apiKeySet: true,
        apiKeyEnd: '9876',
        apiKeyFrom: 'settings'
      },
      { provider: 'anthropic', name: 'claude-sonnet-4-5', baseUrl: 'https://api.anthropic.com/v1/', demo: false, apiKeySet: false },
      { provider: 'ollama', name: 'llama3.2', baseUrl: 'http://localhost:11434', demo: false, apiKeySet: false }
    ]
  };
}

const LIST = {
  models: [
    { provider: 'demo', name: 'mooring-demo', demo: true, current: true },
    { provider: 'openai', name: 'gpt-4o', demo: false, current: false },
    { provider: 'openai', name: 'local-model', demo: false, current: false }
  ],
  problems: [{ provider: 'ollama', message: 'The model server at http://localhost:11434 is unreachable.' }]
};

async function open(routes: Record<string, unknown>) {
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const model = new ModelSettingsModel(() => new ModelApi(fakeRequest({ 'GET model': settings(), 'GET model/models': LIST, ...routes }, calls, bodies)));
  render(<ModelPanel settings={model} />);
  await act(() => model.load());
  return { model, calls, bodies };
}

const picker = () => screen.getByTestId<HTMLSelectElement>('mooring-model-picker');

describe('model section', () => {
  it('offers every model the service reaches, the demo model labelled as such, and says which providers it could not ask', async () => {
    await open({});
    const options = [...picker().querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['mooring-demo: offline demo, not a real AI', 'gpt-4o', 'local-model']);
    expect([...picker().querySelectorAll('optgroup')].map((g) => g.label)).toEqual(['Demo (offline)', 'OpenAI or compatible server']);
    expect(picker().selectedOptions[0].textContent).toMatch(/^mooring-demo/);
    expect(screen.getByTestId('mooring-model-problems').textContent).toContain('Ollama: The model server at http://localhost:11434 is unreachable.');
  });

  it('lists the models again once a provider is saved', async () => {
    let saved = false;
    const withOllama = { ...LIST, models: [...LIST.models, { provider: 'ollama', name: 'llama3.2:latest', demo: false, current: false }] };
    const model = new ModelSettingsModel(
      () =>
        new ModelApi(async (path, init) => {
          saved ||= init?.method === 'PUT';
          const body = path === 'model/models' ? (saved ? withOllama : LIST) : saved ? settings({ provider: 'ollama', name: 'llama3.2', demo: false }, 'settings') : settings();
          return new Response(JSON.stringify(body), { status: 200 });
        })
    );
    render(<ModelPanel settings={model} />);
    await act(() => model.load());
    await act(async () => {
      await model.save({ provider: 'ollama' });
    });
    expect([...picker().querySelectorAll('option')].map((o) => o.textContent)).toContain('llama3.2:latest');
  });

  it('uses a picked model from the next question on', async () => {
    const { bodies, calls } = await open({ 'PUT model': settings({ provider: 'openai', name: 'gpt-4o', demo: false }, 'settings') });
    const value = [...picker().querySelectorAll('option')].find((o) => o.textContent === 'gpt-4o')!.value;
    await act(async () => {
      fireEvent.change(picker(), { target: { value } });
    });
    expect(calls).toContain('PUT model');
    expect(bodies[calls.indexOf('PUT model')]).toEqual({ provider: 'openai', name: 'gpt-4o' });
    expect(picker().selectedOptions[0].textContent).toBe('gpt-4o');
  });

  it("shows a refused key in the provider's words and never the key", async () => {
    await open({ 'PUT model': failure(400, 'bad_request', 'The provider refused the API key (HTTP 401): check the key in the model settings or CHAT_MODEL_API_KEY.') });
    fireEvent.change(screen.getByTestId('mooring-model-provider'), { target: { value: 'openai' } });
    const key = screen.getByTestId<HTMLInputElement>('mooring-model-api-key');
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(key.placeholder).toBe('set, ends in 9876 (saved)');
    fireEvent.change(key, { target: { value: 'sk-wrong' } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId('mooring-model-form'));
    });
    expect(screen.getByRole('alert').textContent).toBe(
      'The provider refused the API key (HTTP 401): check the key in the model settings or CHAT_MODEL_API_KEY.'
    );
  });

  it('sends only what was changed: the key typed, not the base URL or model shown', async () => {
    const { bodies, calls } = await open({ 'PUT model': settings({ provider: 'openai', name: 'gpt-4o-mini', demo: false }, 'settings') });
    fireEvent.change(screen.getByTestId('mooring-model-provider'), { target: { value: 'openai' } });
    fireEvent.change(screen.getByTestId('mooring-model-api-key'), { target: { value: ' sk-new ' } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId('mooring-model-form'));
    });
    expect(bodies[calls.indexOf('PUT model')]).toEqual({ provider: 'openai', apiKey: 'sk-new' });
  });

  it('keeps a refusal that came while the models were still being listed', async () => {
    let listed!: () => void;
    const slowList = new Promise<void>((resolve) => (listed = resolve));
    const model = new ModelSettingsModel(
      () =>
        new ModelApi(async (path, init) => {
          if (path === 'model/models') {
            await slowList;
            return new Response(JSON.stringify(LIST), { status: 200 });
          }
          if (init?.method === 'PUT') {
            return new Response(JSON.stringify({ code: 'bad_request', message: 'The provider refused the API key (HTTP 401).' }), { status: 400 });
          }
          return new Response(JSON.stringify(settings()), { status: 200 });
        })
    );
    const loading = model.load();
    expect(await model.save({ provider: 'openai', apiKey: 'sk-wrong' })).toBe(false);
    listed();
    await loading;
    expect(model.error).toBe('The provider refused the API key (HTTP 401).');
    expect(model.activity).toBe('idle');
  });

  it('says what a key field holds without showing it', () => {
    expect(describeKey(undefined)).toBe('not set');
    expect(describeKey({ provider: 'openai', name: 'x', demo: false, apiKeySet: true, apiKeyFrom: 'environment' })).toBe(
      'set (from the environment)'
    );
  });
});
