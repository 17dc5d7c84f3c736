/**
 * `portico credentials --write-credentials-file [NAME]`: role credentials as a `[NAME]` section of the
 * shared credentials file (~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE) for tools that read only
 * that file.
 *
 * Adapter note: the config layer's `editConfigFile` writes `[profile NAME]` headers (config-file
 * semantics); the credentials file needs bare `[NAME]`. So this module drives the config layer's
 * lossless `ConfigDocument` itself, with the same discipline: lock, read, refuse what botocore refuses,
 * edit, check the result parses and reads back, one-time backup, atomic 0600 write.
 *
 * The section lives in a portico-managed block so the expiry can sit in a comment beside the keys and a
 * re-run replaces exactly what portico wrote:
 *   # >>> portico managed: credentials NAME
 *   [NAME]
 *   # expires 2026-11-22T04:16:02Z — written by `portico credentials`; run it again to renew
 *   aws_access_key_id = …
 *   # <<< portico managed: credentials NAME
 * A `[NAME]` section portico did not write is never touched: that is an error naming the file and line.
 */
import { promises as fs } from "node:fs";
import { parseConfigText, parseError } from "../config/botocore";
import { ConfigDocument } from "../config/document";
import { backupPath } from "../config/edit";
import { readConfigText } from "../config/load";
import { awsPaths } from "../config/paths";
import { configError, usageError } from "../errors";
import { resolveWriteTarget, writeFileAtomic } from "../platform/files";
import { withFileLock } from "../platform/lock";
import type { AwsCredentials } from "./types";

/** Names both botocore and the SDK JS read the same in a credentials-file header. */
const NAME_RE = /^[A-Za-z0-9_\-@+.%:/]+$/;
const VALUE_RE = /^[\x21-\x7e]+$/;

export function credentialsBlockId(name: string): string {
  return `credentials ${name}`;
}

/** The managed block body (pure). */
export function credentialsSectionText(name: string, creds: AwsCredentials, now: Date): string {
  for (const [k, v] of [
    ["aws_access_key_id", creds.accessKeyId],
    ["aws_secret_access_key", creds.secretAccessKey],
    ["aws_session_token", creds.sessionToken ?? "x"],
  ] as const) {
    if (!VALUE_RE.test(v))
      throw configError(
        "credentials_value_rejected",
        `${k} contains characters a credentials file cannot hold`,
      );
  }
  const when = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
  const lines = [`[${name}]`];
  lines.push(
    creds.expiration
      ? `# expires ${when(creds.expiration)} (written ${when(now)} by \`portico credentials\`; run it again to renew)`
      : `# long-term keys (written ${when(now)} by \`portico credentials\`)`,
  );
  lines.push(`aws_access_key_id = ${creds.accessKeyId}`, `aws_secret_access_key = ${creds.secretAccessKey}`);
  if (creds.sessionToken) lines.push(`aws_session_token = ${creds.sessionToken}`);
  return lines.join("\n");
}

/** Apply the managed section to a document's text (pure): the new text, or an error for a foreign [NAME]. */
export function applyCredentialsSection(
  text: string,
  name: string,
  creds: AwsCredentials,
  now: Date,
): string {
  const doc = ConfigDocument.parse(text);
  const id = credentialsBlockId(name);
  const begin = `# >>> portico managed: ${id}`;
  const end = `# <<< portico managed: ${id}`;
  const lines = text.split(/\r\n|\r|\n/);
  const b = lines.findIndex((l) => l.trim() === begin);
  const e = b === -1 ? -1 : lines.findIndex((l, i) => i > b && l.trim() === end);
  const existing = doc.section(name);
  if (existing && !(b !== -1 && e !== -1 && existing.line > b && existing.line < e)) {
    throw configError(
      "credentials_section_exists",
      `The credentials file already has a [${name}] section that portico did not write (line ${existing.line + 1})`,
      {
        hint: `Pick another name (--write-credentials-file ${name}-portico), or remove that section yourself.`,
        details: { section: name, line: existing.line + 1 },
      },
    );
  }
  doc.replaceManagedBlock(id, credentialsSectionText(name, creds, now));
  return doc.toString();
}

export async function writeCredentialsSection(
  deps: { env: NodeJS.ProcessEnv; now?: () => Date },
  sectionName: string,
  creds: AwsCredentials,
): Promise<{ file: string; changed: boolean; tightenedFrom?: number }> {
  if (!NAME_RE.test(sectionName) || sectionName === "__proto__")
    throw usageError(
      `Not a usable profile name for the credentials file: "${sectionName}"`,
      "Use only letters, digits and _-@+.%:/ (no spaces, brackets or quotes).",
    );
  const paths = awsPaths(deps.env);
  // Links (a dotfiles repository) resolved as the kernel does: lock, backup and write beside the real file.
  const file = await resolveWriteTarget(paths.credentialsFile);
  const now = deps.now?.() ?? new Date();
  return withFileLock(file, async () => {
    const before = (await readConfigText(file, paths.credentialsFileDisplay)) ?? "";
    const parsed = parseConfigText(before);
    if (parsed.refusal) throw parseError(file, parsed.refusal, paths.credentialsFileDisplay);
    const after = applyCredentialsSection(before, sectionName, creds, now);
    if (after === before) return { file, changed: false };
    // The result must read back, with botocore's parser, as exactly these keys.
    const check = parseConfigText(after);
    const sec = check.raw.get(sectionName);
    if (
      check.refusal ||
      !sec ||
      sec.get("aws_access_key_id") !== creds.accessKeyId ||
      sec.get("aws_secret_access_key") !== creds.secretAccessKey
    ) {
      throw configError(
        "credentials_write_check_failed",
        `Refusing to write ${file}: the result would not read back as intended`,
        {
          hint: "Report this with the (redacted) file; nothing was changed.",
        },
      );
    }
    if (before !== "") await backupOnce(file, before);
    await writeFileAtomic(file, after, { mode: 0o600, dirMode: 0o700, cleanTemps: true });
    // The file now holds secrets portico wrote: a group/world-readable mode is tightened to 0600.
    const mode = (await fs.stat(file)).mode & 0o777;
    const tightened = (mode & 0o077) !== 0;
    if (tightened) await fs.chmod(file, 0o600);
    return { file, changed: true, ...(tightened ? { tightenedFrom: mode } : {}) };
  });
}

async function backupOnce(file: string, content: string): Promise<void> {
  const backup = backupPath(file);
  try {
    await fs.access(backup);
  } catch {
    await writeFileAtomic(backup, content, { mode: 0o600 });
  }
}
