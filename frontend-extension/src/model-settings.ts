/**
 * The state of the panel's Model section, outside React: the model in use and each provider's setup, the models the
 * service can reach, and what became of the last change (the provider's refusal in its own words).
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { ModelApi, ModelList, ModelSettings, ModelSettingsChange } from './rest-api';

/** What the section is doing: reading the settings, or having the service check a change with the provider. */
export type ModelSettingsActivity = 'idle' | 'loading' | 'saving';

export class ModelSettingsModel {
  readonly #changed = new Signal<this, void>(this);
  readonly #api: () => ModelApi | undefined;
  #settings?: ModelSettings;
  #list?: ModelList;
  #activity: ModelSettingsActivity = 'idle';
  #error?: string;
  #version = 0;
  /** Changes begun so far: a load that began before one does not overwrite what it did. */
  #changes = 0;

  /** `api` gives the REST access of the current connection. */
  constructor(api: () => ModelApi | undefined) {
    this.#api = api;
  }

  get changed(): ISignal<this, void> {
    return this.#changed;
  }
  /** Increases with every change (a snapshot key for React). */
  get version(): number {
    return this.#version;
  }
  get settings(): ModelSettings | undefined {
    return this.#settings;
  }
  get list(): ModelList | undefined {
    return this.#list;
  }
  get activity(): ModelSettingsActivity {
    return this.#activity;
  }
  /** Why the last load or change failed, in words. */
  get error(): string | undefined {
    return this.#error;
  }

  /**
   * Reads the settings and the models the service can reach (which may take a few seconds: each provider is
   * asked). A change saved meanwhile wins: its settings and its words are kept.
   */
  async load(): Promise<void> {
    const api = this.#api();
    if (!api) {
      return;
    }
    this.#error = undefined;
    this.#set('loading');
    const changes = this.#changes;
    try {
      const [settings, list] = await Promise.all([api.get(), api.models()]);
      if (changes === this.#changes) {
        this.#settings = settings;
        this.#list = list;
      }
    } catch (err) {
      if (changes === this.#changes) {
        this.#error = `Could not read the model settings: ${(err as Error).message}`;
      }
    }
    this.#set(this.#activity === 'loading' ? 'idle' : this.#activity);
  }

  /** Has the service check the change with the provider and use it; true when it did. */
  save(change: ModelSettingsChange): Promise<boolean> {
    return this.#change((api) => api.save(change));
  }

  /** Goes back to the model of the service's environment (CHAT_MODEL_*). */
  reset(): Promise<boolean> {
    return this.#change((api) => api.reset());
  }

  async #change(call: (api: ModelApi) => Promise<ModelSettings>): Promise<boolean> {
    const api = this.#api();
    if (!api || this.#activity === 'saving') {
      return false;
    }
    this.#changes++;
    this.#set('saving');
    try {
      this.#settings = await call(api);
      this.#error = undefined;
    } catch (err) {
      this.#error = (err as Error).message;
      this.#set('idle');
      return false;
    }
    // A provider set up anew may offer other models: list them again.
    this.#list = await api.models().catch(() => this.#list);
    this.#set('idle');
    return true;
  }

  #set(activity: ModelSettingsActivity): void {
    this.#activity = activity;
    this.#version++;
    this.#changed.emit();
  }
}
