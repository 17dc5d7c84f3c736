/**
 * Editing ~/.aws/config (or any file of that format) in place: lock, read, parse (refusing what
 * botocore refuses), apply the edit on the lossless document, check the result reads as intended,
 * back up the previous content the first time portico changes the file, then write atomically
 * (existing mode kept; new file 0600; new folders 0700). An edit that changes nothing leaves the
 * file untouched.
 *
 * What portico writes is the subset botocore and the AWS SDK for JavaScript read identically
 * (docs/reference.md §1.3 "Interop rule"): names validated by `checkName`, keys by `checkKey`,
 * values by `checkValue`; anything else is refused before the file is touched.
 */
import { promises as fs } from "node:fs";
import { type ErrorCode, ExitCode, PorticoError } from "../errors";
import { resolveWriteTarget, writeFileAtomic } from "../platform/files";
import { withFileLock } from "../platform/lock";
import { buildProfileMap, parseError, parseScan, scanRefusal } from "./botocore";
import { ConfigDocument } from "./document";
import { readConfigText } from "./load";
import { entryValue, type Scan, type ScanEntry, scan } from "./scan";

export type SectionRef = { kind: "profile" | "sso-session" | "services"; name: string };

export interface ConfigEditor {
  hasSection(ref: SectionRef): boolean;
  /** The section's own value (botocore's reading; no [DEFAULT] inheritance), undefined if unset. */
  get(ref: SectionRef, key: string): string | undefined;
  /** Creates the section at the end if missing; a new key goes after the section's last key; an existing key is rewritten on its own line. */
  set(ref: SectionRef, key: string, value: string): void;
  unset(ref: SectionRef, key: string): void;
  removeSection(ref: SectionRef): void;
  /** Rename a section (the new name is written as `[profile NEW]` etc.). */
  renameSection(ref: SectionRef, newName: string): void;
  /** `[services NAME]` only (interop rule): set `sub = value` under `key =` (e.g. s3 / endpoint_url). */
  setSub(ref: SectionRef, key: string, sub: string, value: string): void;
  /** Remove one sub-key (the key itself once it has none left). */
  unsetSub(ref: SectionRef, key: string, sub: string): void;
  /**
   * Replace the body of the managed block `id` (`# >>> portico managed: ID` … `# <<< portico managed: ID`),
   * appended at the end when missing; the caller checks what the body means (src/sync).
   */
  replaceManagedBlock(id: string, body: string | readonly string[]): void;
  /** Remove the managed block `id`, markers included (no-op when absent). */
  removeManagedBlock(id: string): void;
  /** The text as it would be written now. */
  text(): string;
  /**
   * A further check of the result (e.g. that a managed block holds exactly what was planned), run on
   * the config layer's one scan of the exact text about to be written, after its own checks (the whole
   * text parses as botocore parses it, every edit reads back). Throw to write nothing.
   */
  checkResult(check: (result: Scan) => void): void;
}

const NAME_RE = /^[A-Za-z0-9_\-@+.%:/]+$/;
const KEY_RE = /^[a-z0-9][a-z0-9_]*$/;
// Characters either parser treats as whitespace or line structure, and other controls.
const BAD_CHARS = /[\x00-\x1f\x7f\x85\u2028\u2029]/;
const EDGE_WS = /^[\s\x1c-\x1f\x85]|[\s\x1c-\x1f\x85]$/;

const rejected = (code: ErrorCode, message: string, hint: string): PorticoError =>
  new PorticoError(code, message, { exitCode: ExitCode.usage, hint });

/** Section names both parsers read the same: letters, digits and _-@+.%:/ (no spaces, no quotes). */
export function checkName(kind: SectionRef["kind"], name: string): void {
  if (name.startsWith("-")) {
    throw rejected(
      "config_name_rejected",
      `${kind} name "${name}" cannot be written: it starts with "-", so \`--profile ${name}\` would read as an option`,
      "choose a name that starts with a letter or digit, such as dev-admin",
    );
  }
  if (!NAME_RE.test(name) || name === "__proto__") {
    throw rejected(
      "config_name_rejected",
      `${kind} name "${name}" cannot be written: use only letters, digits and _-@+.%:/ (no spaces or quotes)`,
      "choose a name such as dev-admin; other tools (the AWS SDK for JavaScript) cannot read other names",
    );
  }
}

export function checkKey(key: string): void {
  if (!KEY_RE.test(key)) {
    throw rejected(
      "config_key_rejected",
      `key "${key}" cannot be written: use lower-case letters, digits and _ (e.g. sso_start_url)`,
      "AWS config keys are lower-case; botocore lower-cases keys, the AWS SDK for JavaScript does not",
    );
  }
}

export function checkValue(key: string, value: string): void {
  let why: string | undefined;
  if (value === "") why = 'it is empty (botocore reads "", the AWS SDK for JavaScript leaves the key unset)';
  else if (BAD_CHARS.test(value)) why = "it contains a line break or control character";
  else if (EDGE_WS.test(value)) why = "it starts or ends with whitespace (stripped on reading)";
  else if (/(^|\s)[;#]/.test(value))
    why = '"#" or ";" at its start or after a space starts a comment for the AWS SDK for JavaScript';
  if (why) {
    throw rejected(
      "config_value_rejected",
      `the value for "${key}" cannot be written: ${why}`,
      "use a plain single-line value",
    );
  }
}

/** The header portico writes for a section: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`. */
export function headerFor(ref: SectionRef): string {
  if (ref.kind === "profile") return ref.name === "default" ? "default" : `profile ${ref.name}`;
  return `${ref.kind} ${ref.name}`;
}

/** The section botocore reads for `ref` in this scan (e.g. `[profile "dev"]` for dev; the later of `[default]`/`[profile default]`). */
export function sectionFor(s: Scan, ref: SectionRef): string | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const sec of s.sections) {
    if (sec.isDefault || seen.has(sec.name)) continue;
    seen.add(sec.name);
    names.push(sec.name);
  }
  const pm = buildProfileMap(names);
  const map =
    ref.kind === "profile" ? pm.profiles : ref.kind === "sso-session" ? pm.ssoSessions : pm.services;
  return map.get(ref.name);
}

type Expectation =
  | { ref: SectionRef; key: string; value: string | undefined }
  | { ref: SectionRef; gone: true }
  | { ref: SectionRef; key: string; sub: string; subValue: string | undefined };

/** A ConfigEditor over a document (pure; `editConfigFile` adds the file handling). */
export function createEditor(
  doc: ConfigDocument,
  expectations: Expectation[] = [],
  checks: ((result: Scan) => void)[] = [],
): ConfigEditor {
  const find = (ref: SectionRef) => sectionFor(doc.scan, ref);
  return {
    hasSection: (ref) => find(ref) !== undefined,
    get(ref, key) {
      const h = find(ref);
      return h === undefined ? undefined : doc.get(h, key.toLowerCase());
    },
    set(ref, key, value) {
      checkName(ref.kind, ref.name);
      checkKey(key);
      checkValue(key, value);
      const h = find(ref) ?? headerFor(ref);
      doc.set(h, key, value);
      expectations.push({ ref, key, value });
    },
    unset(ref, key) {
      const h = find(ref);
      if (h === undefined) return;
      doc.unset(h, key.toLowerCase());
      expectations.push({ ref, key: key.toLowerCase(), value: undefined });
    },
    removeSection(ref) {
      // Remove every section botocore would map to this name (e.g. both [default] and [profile default]).
      for (let h = find(ref); h !== undefined; h = find(ref)) {
        if (!doc.removeSection(h)) break;
      }
      expectations.push({ ref, gone: true });
    },
    setSub(ref, key, sub, value) {
      if (ref.kind !== "services") {
        throw rejected(
          "config_key_rejected",
          `sub-sections are written only in [services NAME] sections (not in a ${ref.kind})`,
          "put endpoint settings in a [services NAME] section and point the profile at it with services = NAME",
        );
      }
      checkName(ref.kind, ref.name);
      checkKey(key);
      checkKey(sub);
      checkValue(sub, value);
      const h = find(ref) ?? headerFor(ref);
      try {
        doc.setSub(h, key, sub, value);
      } catch (e) {
        throw rejected(
          "config_value_rejected",
          `cannot write ${key}.${sub}: ${(e as Error).message}`,
          "unset the key first",
        );
      }
      expectations.push({ ref, key, sub, subValue: value });
    },
    unsetSub(ref, key, sub) {
      const h = find(ref);
      if (h === undefined) return;
      doc.unsetSub(h, key.toLowerCase(), sub);
      expectations.push({ ref, key: key.toLowerCase(), sub, subValue: undefined });
    },
    renameSection(ref, newName) {
      checkName(ref.kind, newName);
      const h = find(ref);
      if (h === undefined) {
        throw new PorticoError("config_section_missing", `there is no ${ref.kind} "${ref.name}" to rename`, {
          exitCode: ExitCode.config,
          hint: "list them with: portico profiles",
        });
      }
      const to: SectionRef = { kind: ref.kind, name: newName };
      if (find(to) !== undefined) {
        throw new PorticoError("config_section_exists", `${ref.kind} "${newName}" already exists`, {
          exitCode: ExitCode.config,
          hint: "remove it first or choose another name",
        });
      }
      doc.renameSection(h, headerFor(to));
      expectations.push({ ref, gone: true });
    },
    replaceManagedBlock(id, body) {
      if (/[\r\n]/.test(id)) throw new Error("a managed-block id cannot contain a line break");
      doc.replaceManagedBlock(id, body);
    },
    removeManagedBlock(id) {
      doc.removeManagedBlock(id);
    },
    text: () => doc.toString(),
    checkResult(check) {
      checks.push(check);
    },
  };
}

/** Check that botocore reads the edited text as the edits intended (a safety net before any write). */
function verify(text: string, expectations: Expectation[], file: string): Scan {
  const s = scan(text);
  const refusal = scanRefusal(s);
  const fail = (what: string) =>
    new PorticoError("config_edit_unsafe", `refusing to write ${file}: ${what}`, {
      exitCode: ExitCode.internal,
      hint: "the file was left unchanged; please report this with the file's structure (not its secrets)",
    });
  if (refusal) throw fail(`the edited file would not parse (line ${refusal.line}: ${refusal.message})`);
  // Only the last expectation per (section, key) counts.
  const final = new Map<string, Expectation>();
  for (const e of expectations) {
    const id = "gone" in e ? "" : "sub" in e ? `${e.key}\u0000${e.sub}` : e.key;
    final.set(`${e.ref.kind}\u0000${e.ref.name}\u0000${id}`, e);
  }
  let view: ReturnType<typeof parseScan> | undefined;
  for (const e of final.values()) {
    const h = sectionFor(s, e.ref);
    if ("gone" in e) {
      if (h !== undefined) throw fail(`${e.ref.kind} "${e.ref.name}" is still there`);
      continue;
    }
    if ("sub" in e) {
      view ??= parseScan(s);
      const v = h === undefined ? undefined : view.raw.get(h)?.get(e.key);
      const got = v instanceof Map ? v.get(e.sub) : undefined;
      if (got !== e.subValue) throw fail(`"${e.key}.${e.sub}" would not read back as written`);
      continue;
    }
    // The section's own entry (botocore reads it before any [DEFAULT] value).
    let entry: ScanEntry | undefined;
    for (const sec of s.sections) {
      if (sec.isDefault || sec.name !== h) continue;
      for (const x of sec.entries) if (x.key === e.key) entry = x;
    }
    if (e.value === undefined) {
      if (entry !== undefined) throw fail(`"${e.key}" is still set in ${e.ref.kind} "${e.ref.name}"`);
    } else if (entry === undefined || entryValue(entry) !== e.value)
      throw fail(`"${e.key}" would not read back as written`);
  }
  return s;
}

export const backupPath = (file: string): string => `${file}.portico-backup`;

/**
 * Lock, read, parse (refusing what botocore refuses), apply `edit`, write atomically (backup on first
 * change). Unchanged → file untouched. A symlinked file or folder (dotfiles) is edited where the links
 * point, resolved as the kernel does (resolveWriteTarget), so the links survive; the lock and the
 * backup sit beside the real file. A dangling link is an error and nothing is created.
 */
export async function editConfigFile(
  file: string,
  edit: (doc: ConfigEditor) => void | Promise<void>,
): Promise<{ changed: boolean }> {
  const target = await resolveWriteTarget(file);
  return withFileLock(target, async () => {
    // Other tools (the AWS CLI's `configure set`, an editor) do not take our lock: if the file changed
    // while the edit was being prepared, start again from the new content rather than overwrite it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await readConfigText(target, file);
      const doc = ConfigDocument.parse(before ?? "");
      const refusal = scanRefusal(doc.scan);
      if (refusal) throw parseError(file, refusal);
      const expectations: Expectation[] = [];
      const checks: ((result: Scan) => void)[] = [];
      await edit(createEditor(doc, expectations, checks));
      const after = doc.toString();
      if (after === (before ?? "")) return { changed: false };
      const result = verify(after, expectations, file);
      for (const check of checks) check(result);
      if ((await readConfigText(target, file)) !== before) continue;
      if (before !== undefined) await backupOnce(target, before);
      await writeFileAtomic(target, after, { mode: 0o600, dirMode: 0o700, cleanTemps: true });
      return { changed: true };
    }
    throw new PorticoError("config_changed_concurrently", `${file} kept changing while portico edited it`, {
      exitCode: ExitCode.timeout,
      hint: "another program is rewriting it; try again when it has finished",
    });
  });
}

/** Keep the content portico first changed beside the file (0600); an existing backup is never overwritten. */
async function backupOnce(file: string, content: string): Promise<void> {
  const backup = backupPath(file);
  try {
    await fs.access(backup);
    return;
  } catch {
    // no backup yet
  }
  await writeFileAtomic(backup, content, { mode: 0o600 });
}
