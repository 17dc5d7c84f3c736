/**
 * The lossless document model of an AWS config/credentials file. Pure: no I/O.
 *
 * The text is kept as physical lines (text + the exact line break); the structure (sections, entries
 * with their continuation lines, comments, blanks) comes from `scan`, the line-exact port of the parser
 * botocore uses. Serializing an unedited document returns the input byte for byte. Each edit touches
 * only its own lines, keeps the file's line-ending style, and preserves a missing final newline, so a
 * set followed by an unset of a new key returns the original bytes.
 */
import {
  type Eol,
  entryValue,
  KIND_BLANK,
  KIND_COMMENT,
  PY_WS,
  type Scan,
  type ScanEntry,
  type ScanSection,
  scan,
  splitLines,
} from "./scan";

/** One line and its break (for edits). */
interface Line {
  text: string;
  eol: Eol;
}

const LEADING_WS = new RegExp(`^[${PY_WS}]*`);
const EDGE_WS = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, "g");
const pyStripAll = (s: string): string => s.replace(EDGE_WS, "");
const leadingWs = (s: string): string => LEADING_WS.exec(s)![0];

export class ConfigDocument {
  // The document is held as its text, or as lines (text + break each), or both (consistent): line
  // edits work on the lines (split from the text on first need), a managed block is spliced into the
  // text (a sync's ~115,000 lines are never split or joined line by line).
  private _texts: string[] | undefined;
  private _eols: Eol[] | undefined;
  private cached: Scan | undefined;
  /** The current text, when known (parsed and not edited since, or joined, or spliced). */
  private source: string | undefined;

  private constructor(source: string) {
    this.source = source;
  }

  static parse(text: string): ConfigDocument {
    return new ConfigDocument(text);
  }

  private ensureLines(): void {
    if (this._texts !== undefined) return;
    const { texts, eols } = splitLines(this.source ?? "");
    this._texts = texts;
    this._eols = eols;
  }
  private get texts(): string[] {
    this.ensureLines();
    return this._texts!;
  }
  private set texts(t: string[]) {
    this._texts = t;
  }
  private get eols(): Eol[] {
    this.ensureLines();
    return this._eols!;
  }
  private set eols(e: Eol[]) {
    this._eols = e;
  }

  /** The structure of the current text (recomputed lazily after edits). */
  get scan(): Scan {
    this.cached ??= scan(this.source ?? this.texts);
    return this.cached;
  }

  /** Every line edit: the scan is stale, and the text is the lines'. */
  private changed(): void {
    this.cached = undefined;
    this.source = undefined;
  }

  /** A text edit: the new text is the document (lines split again when a line edit needs them). */
  private setText(text: string): void {
    this.source = text;
    this._texts = undefined;
    this._eols = undefined;
    this.cached = undefined;
  }

  get lineCount(): number {
    return this.source !== undefined && this._texts === undefined
      ? this.scan.lines.lineCount
      : this.texts.length;
  }

  toString(): string {
    if (this.source !== undefined) return this.source;
    this.source = this.joinLines();
    return this.source;
  }

  private joinLines(): string {
    const { texts, eols } = this;
    const n = texts.length;
    if (n === 0) return "";
    // Usual case: one line-ending style throughout (the last line may lack one): a single join.
    const e0 = eols[0]!;
    let uniform = e0 !== "";
    for (let i = 1; uniform && i < n - 1; i++) if (eols[i] !== e0) uniform = false;
    if (uniform && (n === 1 || eols[n - 1] === e0 || eols[n - 1] === ""))
      return texts.join(e0) + eols[n - 1]!;
    const pieces: string[] = new Array(2 * n);
    for (let i = 0; i < n; i++) {
      pieces[2 * i] = texts[i]!;
      pieces[2 * i + 1] = eols[i]!;
    }
    return pieces.join("");
  }

  /** The file's line-ending style: the first line break in it, "\n" for a file without one. */
  get eol(): "\n" | "\r\n" | "\r" {
    if (this._eols === undefined) {
      const t = this.source ?? "";
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) return "\n";
        if (c === 13) return t.charCodeAt(i + 1) === 10 ? "\r\n" : "\r";
      }
      return "\n";
    }
    for (const e of this._eols) if (e !== "") return e;
    return "\n";
  }

  /** The section with this exact header name (the last one if repeated), [DEFAULT] excluded. */
  section(header: string): ScanSection | undefined {
    const secs = this.scan.sections;
    for (let i = secs.length - 1; i >= 0; i--) {
      const s = secs[i]!;
      if (!s.isDefault && s.name === header) return s;
    }
    return undefined;
  }

  entry(header: string, key: string): ScanEntry | undefined {
    const k = key.toLowerCase();
    return this.section(header)?.entries.find((e) => e.key === k);
  }

  /** The section's own value for `key` as botocore joins it (no [DEFAULT] inheritance). */
  get(header: string, key: string): string | undefined {
    const e = this.entry(header, key);
    return e ? entryValue(e) : undefined;
  }

  private splice(start: number, deleteCount: number, insert: Line[]): void {
    // No spread of `insert` into Array.prototype.splice: a generated block is ~100,000 lines, and
    // spreading that many arguments is slow (and has a stack limit). Appending pushes; anything else
    // rebuilds the two arrays once (linear).
    const { texts, eols } = this;
    if (start === texts.length && deleteCount === 0) {
      for (const l of insert) {
        texts.push(l.text);
        eols.push(l.eol);
      }
    } else if (insert.length <= 1000) {
      texts.splice(start, deleteCount, ...insert.map((l) => l.text));
      eols.splice(start, deleteCount, ...insert.map((l) => l.eol));
    } else {
      const n = texts.length - deleteCount + insert.length;
      const t: string[] = new Array(n);
      const e: Eol[] = new Array(n);
      let k = 0;
      for (let i = 0; i < start; i++, k++) {
        t[k] = texts[i]!;
        e[k] = eols[i]!;
      }
      for (const l of insert) {
        t[k] = l.text;
        e[k++] = l.eol;
      }
      for (let i = start + deleteCount; i < texts.length; i++, k++) {
        t[k] = texts[i]!;
        e[k] = eols[i]!;
      }
      this.texts = t;
      this.eols = e;
    }
    this.changed();
  }

  private line(i: number): Line {
    return { text: this.texts[i]!, eol: this.eols[i]! };
  }

  /**
   * Set `key = value` in section `header` (created at the end if missing). An existing key is rewritten
   * on its own line (continuation lines dropped, comments among them kept); a new key goes after the
   * section's last key. Returns false when the value was already that (the bytes stay identical).
   */
  set(header: string, key: string, value: string): boolean {
    if (/[\r\n]/.test(value)) throw new Error("a value cannot contain a line break");
    const sec = this.section(header);
    if (!sec) {
      this.appendSection(header, [[key, value]]);
      return true;
    }
    const k = key.toLowerCase();
    const existing = sec.entries.find((e) => e.key === k);
    if (existing) {
      if (entryValue(existing) === value) return false;
      const first = this.line(existing.line);
      const text = rewriteEntryLine(first.text, existing, key, value);
      const kept = this.keptComments(existing);
      const replacement: Line[] = [{ text, eol: this.eols[existing.line]! }, ...kept];
      // The range's last break (possibly none, at the end of the file) ends the replacement.
      replacement[replacement.length - 1]!.eol = this.eols[existing.end]!;
      this.splice(existing.line, existing.end - existing.line + 1, replacement);
      this.fixEols();
      return true;
    }
    const lastEntry = sec.entries[sec.entries.length - 1];
    const after = lastEntry ? lastEntry.end : sec.line;
    const indent = lastEntry ? leadingWs(this.texts[lastEntry.line]!) : this.nextSignificantIndent(sec.line);
    this.insertAfter(after, [`${indent}${key} = ${value}`]);
    return true;
  }

  /** The sub-section lines of an entry written `key =` + indented `sub = value` lines: line → sub-key. */
  private subLines(e: ScanEntry): { line: number; sub: string }[] {
    const out: { line: number; sub: string }[] = [];
    for (const i of e.moreLines ?? []) {
      const t = this.texts[i]!;
      const eq = t.indexOf("=");
      if (eq === -1 || this.scan.kinds[i] !== "continuation") continue;
      out.push({ line: i, sub: pyStripAll(t.slice(0, eq)) });
    }
    return out;
  }

  /**
   * Set `sub = value` in the sub-section `key` of section `header` — botocore reads `{key: {sub: value}}`
   * — written the way the AWS CLI writes them (`key =` then lines indented 4 more spaces). Creates the
   * section and the key as needed. Refuses (throws) when `key` holds a plain value.
   */
  setSub(header: string, key: string, sub: string, value: string): boolean {
    if (/[\r\n]/.test(value)) throw new Error("a value cannot contain a line break");
    const sec = this.section(header);
    if (!sec) {
      this.appendBlock([`[${header}]`, `${key} =`, `    ${sub} = ${value}`]);
      return true;
    }
    const k = key.toLowerCase();
    const e = sec.entries.find((x) => x.key === k);
    if (!e) {
      const lastEntry = sec.entries[sec.entries.length - 1];
      const after = lastEntry ? lastEntry.end : sec.line;
      const indent = lastEntry
        ? leadingWs(this.texts[lastEntry.line]!)
        : this.nextSignificantIndent(sec.line);
      this.insertAfter(after, [`${indent}${key} =`, `${indent}    ${sub} = ${value}`]);
      return true;
    }
    if (e.value !== "") throw new Error(`"${key}" holds a plain value, not a sub-section`);
    const subs = this.subLines(e);
    const hit = subs.filter((x) => x.sub === sub).at(-1);
    if (hit) {
      const t = this.texts[hit.line]!;
      const eq = t.indexOf("=");
      if (pyStripAll(t.slice(eq + 1)) === value) return false;
      this.texts[hit.line] = `${leadingWs(t)}${sub} = ${value}`;
      this.changed();
      return true;
    }
    const subIndent =
      subs.length > 0 ? leadingWs(this.texts[subs[0]!.line]!) : `${leadingWs(this.texts[e.line]!)}    `;
    this.insertAfter(e.end, [`${subIndent}${sub} = ${value}`]);
    return true;
  }

  /** Remove `sub` from the sub-section `key` (the whole key once no sub-key is left). False if absent. */
  unsetSub(header: string, key: string, sub: string): boolean {
    const e = this.entry(header, key);
    if (e?.value !== "") return false;
    const subs = this.subLines(e);
    const hits = subs.filter((x) => x.sub === sub);
    if (hits.length === 0) return false;
    if (hits.length === subs.length) return this.unset(header, key);
    for (const h of hits.reverse()) this.removeLines(h.line, h.line, []);
    return true;
  }

  /** Remove `key` (and its continuation lines; comments among them are kept). Returns false if absent. */
  unset(header: string, key: string): boolean {
    const e = this.entry(header, key);
    if (!e) return false;
    const kept = this.keptComments(e);
    this.removeLines(e.line, e.end, kept);
    return true;
  }

  /** Add an empty section `[header]` at the end (no-op if it exists). */
  addSection(header: string): boolean {
    if (this.section(header)) return false;
    this.appendSection(header, []);
    return true;
  }

  /**
   * Remove the section (header, keys, comments between them) and the blank lines that separated it,
   * leaving comments before the header in place. Returns false if absent.
   */
  removeSection(header: string): boolean {
    const sec = this.section(header);
    if (!sec) return false;
    const lastEntry = sec.entries[sec.entries.length - 1];
    let start = sec.line;
    let end = lastEntry ? lastEntry.end : sec.line;
    const kinds = this.scan.kinds;
    let j = end + 1;
    while (j < this.texts.length && kinds[j] === "blank") j++;
    if (j >= this.texts.length) {
      // Last section: also drop the blank lines that separated it from the one before.
      end = this.texts.length - 1;
      while (start > 0 && kinds[start - 1] === "blank") start--;
    } else end = j - 1;
    const next = j < this.texts.length ? this.nextSignificant(j) : -1;
    const nextWasHeader = next !== -1 && kinds[next] === "header";
    this.removeLines(start, end, []);
    if (nextWasHeader) {
      // An indented header that followed the removed section could now read as a continuation of the
      // previous section's last key: its leading whitespace means nothing to either parser, so drop it.
      const at = next - (end - start + 1);
      if (this.scan.kinds[at] !== "header") {
        this.texts[at] = this.texts[at]!.slice(leadingWs(this.texts[at]!).length);
        this.changed();
      }
    }
    return true;
  }

  /** The first header/key/invalid line at or after `index` (-1 if none). */
  private nextSignificant(index: number): number {
    const kinds = this.scan.kinds;
    for (let i = index; i < this.texts.length; i++)
      if (kinds[i] !== "blank" && kinds[i] !== "comment") return i;
    return -1;
  }

  /** Rename `[old]` to `[new]` on its own line. Returns false if absent. */
  renameSection(oldHeader: string, newHeader: string): boolean {
    const sec = this.section(oldHeader);
    if (!sec) return false;
    const line = this.line(sec.line);
    const text = `${leadingWs(line.text)}[${newHeader}]`;
    if (text === line.text) return false;
    this.splice(sec.line, 1, [{ text, eol: line.eol }]);
    return true;
  }

  /**
   * Replace the lines between `# >>> portico managed: ID` and `# <<< portico managed: ID` with `body`
   * (appended as a new block at the end if the markers are missing). Returns false if unchanged.
   */
  replaceManagedBlock(id: string, body: string | readonly string[]): boolean {
    const begin = `# >>> portico managed: ${id}`;
    const end = `# <<< portico managed: ${id}`;
    let bodyLines: readonly string[];
    if (typeof body !== "string") {
      // Lines given as lines (a sync's ~100,000): no join and re-split, but none may hold a break.
      for (const l of body)
        if (l.includes("\n") || l.includes("\r"))
          throw new Error("a managed-block line cannot contain a line break");
      bodyLines = body;
    } else bodyLines = body === "" ? [] : body.replace(/\r?\n$/, "").split(/\r\n|\r|\n/);
    // On the text: the first line that is the begin marker, the first end marker after it.
    const text = this.toString();
    const b = markerLine(text, begin, 0);
    const e = b === undefined ? undefined : markerLine(text, end, b.next);
    const eol = this.eol;
    if (b !== undefined && e !== undefined) {
      if (sameLines(text, b.next, e.start, bodyLines)) return false;
      const inserted = bodyLines.length === 0 ? "" : `${bodyLines.join(eol)}${eol}`;
      this.setText(`${text.slice(0, b.next)}${inserted}${text.slice(e.start)}`);
      return true;
    }
    this.appendBlock([begin], bodyLines, [end]);
    return true;
  }

  /** Remove the managed block `id`, markers included. Returns false if absent. */
  removeManagedBlock(id: string): boolean {
    const begin = `# >>> portico managed: ${id}`;
    const end = `# <<< portico managed: ${id}`;
    const b = this.texts.findIndex((t) => t.trim() === begin);
    const e = b === -1 ? -1 : this.texts.findIndex((t, i) => i > b && t.trim() === end);
    if (b === -1 || e === -1) return false;
    this.removeLines(b, e, []);
    return true;
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** Comment lines inside an entry's line range (kept when the entry is rewritten or removed). */
  private keptComments(e: ScanEntry): Line[] {
    const kinds = this.scan.kinds;
    const out: Line[] = [];
    for (let i = e.line + 1; i <= e.end; i++) if (kinds[i] === "comment") out.push(this.line(i));
    return out;
  }

  /** Leading whitespace of the first header/key line after `index` ("" if none). */
  private nextSignificantIndent(index: number): string {
    const kinds = this.scan.kinds;
    for (let i = index + 1; i < this.texts.length; i++) {
      if (kinds[i] === "blank" || kinds[i] === "comment") continue;
      return leadingWs(this.texts[i]!);
    }
    return "";
  }

  private insertAfter(index: number, texts: string[]): void {
    const eol = this.eol;
    const newLines: Line[] = texts.map((text) => ({ text, eol }));
    if (this.eols[index] === "") {
      // Keep the missing final newline at the end of the file.
      this.eols[index] = eol;
      newLines[newLines.length - 1]!.eol = "";
    }
    this.splice(index + 1, 0, newLines);
  }

  /** Delete lines start..end, putting `keep` in their place; a missing final newline stays missing. */
  private removeLines(start: number, end: number, keep: Line[]): void {
    const lastRemovedEol = this.eols[end]!;
    const atEof = end === this.texts.length - 1;
    this.splice(start, end - start + 1, keep);
    if (atEof && lastRemovedEol === "" && this.eols.length > 0) {
      this.eols[this.eols.length - 1] = "";
    }
  }

  /** After a rewrite, a line in the middle of the file must still end with a line break. */
  private fixEols(): void {
    const eol = this.eol;
    for (let i = 0; i < this.eols.length - 1; i++) if (this.eols[i] === "") this.eols[i] = eol;
  }

  /**
   * Blank lines between sections, as the file already does it (the gap before its last section). With
   * nothing to go by (fewer than two sections), none — as the AWS CLI's config writer appends sections.
   */
  private sectionGap(): number {
    const ls = this.scan.lines;
    if (ls.sectionCount < 2) return 0;
    let i = ls.sectionLine[ls.sectionCount - 1]! - 1;
    while (i >= 0 && ls.kinds[i] === KIND_COMMENT) i--;
    let n = 0;
    while (i >= 0 && ls.kinds[i] === KIND_BLANK) {
      n++;
      i--;
    }
    return n;
  }

  private appendSection(header: string, entries: [string, string][]): void {
    this.appendBlock([`[${header}]`, ...entries.map(([k, v]) => `${k} = ${v}`)]);
  }

  /** Append `texts` (lines without breaks) as a block, after the file's usual gap between sections. */
  private appendBlock(
    texts: readonly string[],
    more: readonly string[] = [],
    last: readonly string[] = [],
  ): void {
    const eol = this.eol;
    const gap = this.sectionGap();
    const ls = this.scan.lines;
    let trailingBlank = 0;
    for (let i = ls.lineCount - 1; i >= 0 && ls.kinds[i] === KIND_BLANK; i--) trailingBlank++;
    const text = this.toString();
    // A missing final newline stays missing: the break goes before the block instead.
    const c = text.charCodeAt(text.length - 1);
    const keepNoFinalEol = text.length > 0 && c !== 10 && c !== 13;
    // Joined once (a generated block is ~100,000 lines: no per-line objects or pushes).
    const parts: string[] = [];
    for (let i = trailingBlank; i < gap; i++) parts.push("");
    for (const group of [texts, more, last]) if (group.length > 0) parts.push(group.join(eol));
    const added = parts.join(eol);
    this.setText(`${text}${keepNoFinalEol ? eol : ""}${added}${keepNoFinalEol ? "" : eol}`);
  }
}

/** The first line at or after `from` whose text, trimmed, is `marker`: its start and the next line's start. */
function markerLine(text: string, marker: string, from: number): { start: number; next: number } | undefined {
  for (let p = text.indexOf(marker, from); p !== -1; p = text.indexOf(marker, p + 1)) {
    let a = p;
    while (a > from && text.charCodeAt(a - 1) !== 10 && text.charCodeAt(a - 1) !== 13) a--;
    if (a === from && a > 0 && text.charCodeAt(a - 1) !== 10 && text.charCodeAt(a - 1) !== 13) continue;
    let z = p + marker.length;
    while (z < text.length && text.charCodeAt(z) !== 10 && text.charCodeAt(z) !== 13) z++;
    if (text.slice(a, z).trim() !== marker) continue;
    const next =
      z >= text.length ? z : text.charCodeAt(z) === 13 && text.charCodeAt(z + 1) === 10 ? z + 2 : z + 1;
    return { start: a, next };
  }
  return undefined;
}

/** The lines of text[from, to) (universal newlines) are exactly `lines`. */
function sameLines(text: string, from: number, to: number, lines: readonly string[]): boolean {
  let p = from;
  for (const l of lines) {
    if (p >= to || !text.startsWith(l, p)) return false;
    p += l.length;
    const c = text.charCodeAt(p);
    if (c === 13 && text.charCodeAt(p + 1) === 10) p += 2;
    else if (c === 10 || c === 13) p++;
    else return false;
  }
  return p === to;
}

/**
 * The new text of an entry's key line. The user's own spacing is kept when the key is already written
 * the interoperable way (lower-case, "="); otherwise the line becomes `key = value` at its indentation.
 */
function rewriteEntryLine(text: string, e: ScanEntry, key: string, value: string): string {
  const indent = leadingWs(text);
  if (e.rawKey === key && e.delimiter === "=" && e.value !== "") {
    const eq = text.indexOf("=", indent.length);
    const afterEq = text.slice(eq + 1);
    const gap = leadingWs(afterEq);
    return `${text.slice(0, eq + 1)}${gap === "" ? "" : gap}${value}`;
  }
  return `${indent}${key} = ${value}`;
}
