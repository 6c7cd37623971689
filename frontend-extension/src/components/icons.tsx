import * as React from 'react';

/** Small line icons in the text colour, so they follow the theme; decorative (the button carries the name). */
function LineIcon({ children }: { children: React.ReactNode }): JSX.Element {
  return (
    <svg
      className="jp-Mooring-icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

/** A clock turning back: the conversation history. */
export function HistoryIcon(): JSX.Element {
  return (
    <LineIcon>
      <path d="M4 12a8 8 0 1 0 2.3-5.6" />
      <path d="M4 4v4h4" />
      <path d="M12 8v4l3 2" />
    </LineIcon>
  );
}

/** A plus: a new conversation. */
export function NewChatIcon(): JSX.Element {
  return (
    <LineIcon>
      <path d="M12 5v14M5 12h14" />
    </LineIcon>
  );
}

/** A pencil: rename. */
export function RenameIcon(): JSX.Element {
  return (
    <LineIcon>
      <path d="M4 20h4L19 9l-4-4L4 16v4z" />
      <path d="M13.5 6.5l4 4" />
    </LineIcon>
  );
}

/** A chip: the model that answers. */
export function ModelIcon(): JSX.Element {
  return (
    <LineIcon>
      <rect x="6" y="6" width="12" height="12" rx="2" />
      <path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4" />
    </LineIcon>
  );
}
