import * as React from 'react';

import type { ModelInfo } from '../chat-model';

/** Says so when the offline demo model answers (welcome.model.demo). */
export function DemoBanner({ model }: { model?: ModelInfo }): JSX.Element | null {
  if (!model?.demo) {
    return null;
  }
  return (
    <div className="jp-Mooring-demoBanner" role="note" data-testid="mooring-demo-banner">
      <strong>Demo model.</strong> Answers come from the offline demo model, not a real AI: set
      CHAT_MODEL_PROVIDER (openai, anthropic, ollama) for real answers.
    </div>
  );
}
