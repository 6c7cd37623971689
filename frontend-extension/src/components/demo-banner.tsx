import * as React from 'react';

import type { ModelInfo } from '../chat-model';

/** Says so when the offline demo model answers (the model of `welcome` or `model`), with a way to choose another. */
export function DemoBanner({ model, onChooseModel }: { model?: ModelInfo; onChooseModel?: () => void }): JSX.Element | null {
  if (!model?.demo) {
    return null;
  }
  return (
    <div className="jp-Mooring-demoBanner" role="note" data-testid="mooring-demo-banner">
      <strong>Demo model.</strong> Answers come from the offline demo model, not a real AI: choose a model (OpenAI or a
      compatible server, Anthropic, Ollama) for real answers.{' '}
      {onChooseModel && (
        <button type="button" className="jp-Mooring-linkButton" data-testid="mooring-choose-model" onClick={onChooseModel}>
          Choose a model
        </button>
      )}
    </div>
  );
}
