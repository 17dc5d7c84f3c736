/**
 * The `portico pick` terminal list (docs/sync.md "Pick"): type to filter, ↑/↓ (PgUp/PgDn, Home/End)
 * to move, Enter to choose, Esc or Ctrl-C to cancel. Drawn on stderr (stdout carries only the chosen
 * name). Small on purpose — node:readline's keypress events and a few ANSI sequences, no prompt
 * library — because its first frame is on the start-up path of `pc` (first paint < 100 ms after
 * start-up with 21,000 profiles: docs/benchmarks.md "Picker"). The frame is a pure function
 * (`pickFrame`); the ordering is `rank` (src/sync/pick.ts), re-run on every keystroke.
 */
import { type History, label, orderForEmpty, type PickEntry, type Prepared, prepare, rank } from "./pick";

export interface PickState {
  term: string;
  list: readonly PickEntry[];
  /** Index of the highlighted entry in `list`. */
  cursor: number;
  total: number;
}

export interface FrameOptions {
  message: string;
  pageSize: number;
  columns: number;
  color: boolean;
}

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s);
/** Server text (account names) shown without control characters. */
const printable = (s: string): string =>
  s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "?");

/** The lines of one frame (pure): the prompt with the typed words, one page of the list, a footer. */
export function pickFrame(s: PickState, o: FrameOptions): string[] {
  const width = Math.max(20, o.columns - 1);
  const bold = (t: string) => (o.color ? `\x1b[1m${t}\x1b[22m` : t);
  const hi = (t: string) => (o.color ? `\x1b[36m${t}\x1b[39m` : t);
  const dim = (t: string) => (o.color ? `\x1b[2m${t}\x1b[22m` : t);
  const term = cut(printable(s.term), Math.max(1, width - o.message.length - 3));
  const lines = [`${hi("?")} ${bold(o.message)} ${term}`];
  const page = Math.max(1, o.pageSize);
  const first = Math.max(0, s.cursor - page + 1);
  for (let i = first; i < Math.min(s.list.length, first + page); i++) {
    const text = cut(printable(label(s.list[i]!)), width - 2);
    lines.push(i === s.cursor ? hi(`❯ ${text}`) : `  ${text}`);
  }
  if (s.list.length === 0) lines.push(dim(`  No profile matches "${cut(printable(s.term), width - 30)}"`));
  lines.push(dim(cut(`  ${s.list.length} of ${s.total} · ↑↓ move · Enter choose · Esc cancel`, width)));
  return lines;
}

export interface PickIo {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  color: boolean;
}

/** Ask for one entry on the terminal; undefined when cancelled. */
/** A list whose first page is known before the rest is read (the fast path: src/sync/pick-index.ts). */
export interface LazyEntries<T> {
  total: number;
  /** The first page of `orderForEmpty(all)`. */
  first: readonly T[];
  /** Every entry; throws if they cannot be read. */
  load(): readonly T[];
}

export function pickInteractively<T extends PickEntry>(
  source: readonly T[] | LazyEntries<T>,
  history: History,
  now: number,
  io: PickIo,
  opts: { message?: string; pageSize?: number } = {},
): Promise<T | undefined> {
  const readline = (
    process as unknown as { getBuiltinModule(id: string): typeof import("node:readline") }
  ).getBuiltinModule("node:readline");
  const message = opts.message ?? "Profile (type to filter):";
  const pageSize = opts.pageSize ?? 15;
  const { input, output } = io;
  // The first frame needs no lower-casing of 21,000 haystacks: `orderForEmpty` is rank's order for
  // an empty query; the entries are prepared at the first keystroke.
  let entries: readonly T[] | undefined = "load" in source ? undefined : source;
  const state: PickState =
    "load" in source
      ? { term: "", list: source.first, cursor: 0, total: source.total }
      : { term: "", list: orderForEmpty(source, history, now), cursor: 0, total: source.length };
  /** The whole list, read at the first keystroke or right after the first frame. */
  const all = (): readonly T[] => {
    if (entries === undefined) {
      entries = (source as LazyEntries<T>).load();
      if (state.term === "") state.list = orderForEmpty(entries, history, now);
      state.total = entries.length;
    }
    return entries;
  };
  let prepared: (Prepared & { entry: T })[] | undefined;
  let drawn = 0;
  const draw = () => {
    const lines = pickFrame(state, { message, pageSize, columns: output.columns || 80, color: io.color });
    const back = drawn > 1 ? `\x1b[${drawn - 1}A` : "";
    output.write(`${drawn > 0 ? `\r${back}\x1b[J` : "\x1b[?25l"}${lines.join("\n")}`);
    drawn = lines.length;
  };
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw;
    const finish = (chosen: PickEntry | undefined) => {
      input.off("keypress", onKey);
      if (input.isTTY) input.setRawMode(wasRaw);
      input.pause();
      const back = drawn > 1 ? `\x1b[${drawn - 1}A` : "";
      output.write(
        `\r${back}\x1b[J${chosen ? `✔ ${message.replace(/ \(.*\):$/, ":")} ${chosen.profile}\n` : ""}\x1b[?25h`,
      );
      resolve(chosen === undefined ? undefined : ((chosen as { entry?: T }).entry ?? (chosen as T)));
    };
    const refilter = () => {
      const list = all();
      if (state.term === "") state.list = orderForEmpty(list, history, now);
      else {
        prepared ??= prepare(list).map((p, i) => ({ ...p, entry: list[i]! }));
        state.list = rank(prepared, state.term, history, now);
      }
      state.cursor = 0;
    };
    const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } = {}) => {
      try {
        all();
      } catch (e) {
        finish(undefined);
        return reject(e);
      }
      const n = state.list.length;
      if ((key.ctrl && key.name === "c") || key.name === "escape") return finish(undefined);
      if (key.name === "return" || key.name === "enter") {
        if (n > 0) return finish(state.list[state.cursor]);
        return;
      }
      if (key.name === "up" || (key.ctrl && key.name === "p"))
        state.cursor = n ? (state.cursor - 1 + n) % n : 0;
      else if (key.name === "down" || (key.ctrl && key.name === "n") || key.name === "tab")
        state.cursor = n ? (state.cursor + 1) % n : 0;
      else if (key.name === "pageup") state.cursor = Math.max(0, state.cursor - pageSize);
      else if (key.name === "pagedown") state.cursor = Math.max(0, Math.min(n - 1, state.cursor + pageSize));
      else if (key.name === "home") state.cursor = 0;
      else if (key.name === "end") state.cursor = Math.max(0, n - 1);
      else if (key.name === "backspace") {
        if (state.term === "") return;
        state.term = Array.from(state.term).slice(0, -1).join("");
        refilter();
      } else if (key.ctrl && key.name === "u") {
        state.term = "";
        refilter();
      } else if (str && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(str)) {
        state.term += str;
        refilter();
      } else return;
      draw();
    };
    readline.emitKeypressEvents(input);
    if (input.isTTY) input.setRawMode(true);
    input.on("keypress", onKey);
    input.resume();
    draw();
    // The rest of the list after the first frame is on the screen.
    if (entries === undefined)
      setImmediate(() => {
        try {
          all();
        } catch {
          // reported at the first keystroke
        }
      });
  });
}
