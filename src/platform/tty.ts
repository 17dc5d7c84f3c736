/** A stderr spinner shown only on a TTY (never in pipes or CI logs). */
/** Where the spinner draws (structurally the CLI context's stderr; platform imports nothing from cli). */
export interface Writable {
  write(chunk: string): unknown;
}

export interface Spinner {
  stop(finalLine?: string): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function startSpinner(out: Writable, enabled: boolean, text: string): Spinner {
  if (!enabled) return { stop: (line) => (line ? void out.write(`${line}\n`) : undefined) };
  let i = 0;
  const draw = () => out.write(`\r${FRAMES[i++ % FRAMES.length]} ${text}`);
  draw();
  const timer = setInterval(draw, 100);
  timer.unref?.();
  let stopped = false;
  return {
    stop(line) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      out.write("\r\x1b[2K");
      if (line) out.write(`${line}\n`);
    },
  };
}
