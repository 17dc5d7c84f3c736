/**
 * `portico credentials --write-credentials-file [NAME]`: role credentials as a `[NAME]` section of the
 * shared credentials file (~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE) for tools that read only
 * that file. Edited through the config layer's lossless editor (lock, parse, atomic write, backup):
 * other sections, comments and order are untouched. The expiry goes into the section as
 * `x_portico_expiration` — a key no AWS client reads (botocore and the SDK ignore unknown keys) — because
 * a tool that reads only that file cannot see when the keys stop working otherwise.
 */
import { awsPaths } from "../config/paths";
import { usageError } from "../errors";
import type { AwsCredentials } from "./types";

export const EXPIRY_KEY = "x_portico_expiration";

export async function writeCredentialsSection(
  deps: { env: NodeJS.ProcessEnv },
  sectionName: string,
  creds: AwsCredentials,
): Promise<{ file: string; changed: boolean }> {
  if (!/^[A-Za-z0-9_.@+=,-][A-Za-z0-9_.@+=,/ -]*$/.test(sectionName) || sectionName.trim() !== sectionName)
    throw usageError(
      `Not a usable profile name for the credentials file: "${sectionName}"`,
      "Use letters, digits and - _ . @ + = , / (no brackets, no leading or trailing spaces).",
    );
  const { editConfigFile } = await import("../config/edit");
  const file = awsPaths(deps.env).credentialsFile;
  const ref = { kind: "profile" as const, name: sectionName };
  const { changed } = await editConfigFile(file, (doc) => {
    doc.set(ref, "aws_access_key_id", creds.accessKeyId);
    doc.set(ref, "aws_secret_access_key", creds.secretAccessKey);
    if (creds.sessionToken) doc.set(ref, "aws_session_token", creds.sessionToken);
    else doc.unset(ref, "aws_session_token");
    if (creds.expiration) doc.set(ref, EXPIRY_KEY, creds.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"));
    else doc.unset(ref, EXPIRY_KEY);
  });
  return { file, changed };
}
