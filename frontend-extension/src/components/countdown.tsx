import * as React from 'react';

/** Whole seconds from `now` until `at` (never negative). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function Ticker({ until }: { until: number }): JSX.Element {
  // Read when this deadline first shows, then once a second.
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <>{secondsUntil(until, now)}s</>;
}

/**
 * "5s" until `until`, ticking each second. Keyed by the deadline, so a new deadline is
 * counted from the clock as it is when it appears, never from an older reading.
 */
export function Countdown({ until }: { until: number }): JSX.Element {
  return <Ticker key={until} until={until} />;
}
