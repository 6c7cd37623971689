import * as React from 'react';

import type { ChatMode } from '../chat-model';

export interface ComposerProps {
  /** Sends a question: in `agent` mode the model may act on the notebook, else it answers (`chat`). */
  onSend: (text: string, mode: ChatMode) => void;
  /** Says what context goes with the question, e.g. the notebook's name. */
  contextHint?: string;
  /** Each new value moves the focus into the question box. */
  focusRequest?: number;
}

/**
 * Whether a key press belongs to an input method composing text (Japanese, Chinese, ...):
 * its Enter picks a candidate and must not send. Safari reports the Enter that ends a
 * composition after `compositionend`, with key code 229.
 */
function isComposing(event: React.KeyboardEvent): boolean {
  return event.nativeEvent.isComposing || event.keyCode === 229;
}

/** The question box: Enter sends, Shift+Enter adds a line; the Agent toggle lets the model act on the notebook. */
export function Composer({ onSend, contextHint, focusRequest }: ComposerProps): JSX.Element {
  const [text, setText] = React.useState('');
  const [agent, setAgent] = React.useState(false);
  const input = React.useRef<HTMLTextAreaElement>(null);
  const keysHelp = React.useId();
  React.useEffect(() => {
    if (focusRequest) {
      input.current?.focus();
    }
  }, [focusRequest]);
  // What the box holds now: a key pressed right after the text arrived can come before React has re-rendered.
  const send = (value: string = input.current?.value ?? text): void => {
    if (value.trim()) {
      onSend(value, agent ? 'agent' : 'chat');
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
        ref={input}
        className="jp-Mooring-input"
        data-testid="mooring-input"
        aria-label="Ask Mooring"
        aria-describedby={keysHelp}
        placeholder={agent ? 'Tell the agent what to do in this notebook…' : 'Ask about your notebook…'}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !isComposing(e)) {
            e.preventDefault();
            send(e.currentTarget.value);
          }
        }}
      />
      <span id={keysHelp} className="jp-Mooring-visuallyHidden">
        Enter sends, Shift+Enter starts a new line, Escape stops the answer.
      </span>
      <div className="jp-Mooring-composerBar">
        <button
          type="button"
          className={`jp-Mooring-button jp-Mooring-agentToggle${agent ? ' jp-mod-active' : ''}`}
          data-testid="mooring-agent-toggle"
          aria-pressed={agent}
          title={agent ? 'Agent mode: the model reads, edits and runs cells of this notebook (edits and runs wait for your approval)' : 'Agent mode: let the model act on this notebook'}
          onClick={() => setAgent(!agent)}
        >
          Agent
        </button>
        <span className="jp-Mooring-contextHint" data-testid="mooring-context-hint" title={contextHint}>
          {contextHint ?? ''}
        </span>
        <button
          type="submit"
          className="jp-Mooring-button jp-mod-accept"
          data-testid="mooring-send"
          disabled={!text.trim()}
          title="Send (Enter)"
        >
          Send
        </button>
      </div>
    </form>
  );
}
