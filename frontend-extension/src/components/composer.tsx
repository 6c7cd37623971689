import * as React from 'react';

export interface ComposerProps {
  onSend: (text: string) => void;
  /** Says what context goes with the question, e.g. the notebook's name. */
  contextHint?: string;
}

/** The question box: Enter sends, Shift+Enter adds a line. */
export function Composer({ onSend, contextHint }: ComposerProps): JSX.Element {
  const [text, setText] = React.useState('');
  const send = (): void => {
    if (text.trim()) {
      onSend(text);
      setText('');
    }
  };
  return (
    <form
      className="jp-Mooring-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        className="jp-Mooring-input"
        data-testid="mooring-input"
        aria-label="Ask Mooring"
        placeholder="Ask about your notebook…"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div className="jp-Mooring-composerBar">
        <span className="jp-Mooring-contextHint" data-testid="mooring-context-hint">
          {contextHint ?? ''}
        </span>
        <button type="submit" className="jp-Mooring-button jp-mod-accept" data-testid="mooring-send" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
