/**
 * Let a short critical step finish before SIGINT/SIGTERM/SIGHUP end the process: the step that must not
 * be cut is a token refresh between the service rotating the refresh token and the new token being on
 * disk (docs/reliability.md "Refresh interrupted"). A signal that arrives meanwhile is held back for at
 * most `graceMs`, then delivered again with the default action (the process ends as it would have).
 * kill -9 cannot be held back: that remaining window is documented.
 */
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export async function finishBeforeSignals<T>(work: () => Promise<T>, graceMs = 5_000): Promise<T> {
  let pending: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;
  const redeliver = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    if (timer) clearTimeout(timer);
    const sig = pending;
    pending = undefined;
    if (sig) process.kill(process.pid, sig);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (pending) return;
    pending = sig;
    timer = setTimeout(redeliver, graceMs);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work();
  } finally {
    redeliver();
  }
}
