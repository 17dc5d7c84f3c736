/**
 * `portico config lint`: every problem in the config/credentials files at once. Pure over the texts.
 * - refusals: everything botocore refuses (all of them, not just the first), invalid UTF-8;
 * - SDK-JS divergences (sdkjs.ts);
 * - SSO profiles botocore would reject (docs/reference.md §1.5: missing keys, missing or inconsistent
 *   sso-session), sso-sessions without start URL/region, profiles the SDK for JavaScript treats
 *   differently (any sso_* key makes it SSO there; static keys win over SSO there);
 * - names other tools cannot read (outside [A-Za-z0-9_-@+.%:/]), and sections botocore silently
 *   drops (`[profile a b]`, `[profiledev]`: not exactly two words);
 * - values the services or the AWS CLI refuse (values.ts): account ids that are not 12 digits, region
 *   names the SDK does not know, `output` values the CLI rejects, start URLs that are not https.
 */

import { buildProfileMap, type ParsedConfig, parseConfigText } from "./botocore";
import { configValue } from "./describe";
import { JS_SECTION_NAME_RE, sdkJsWarnings } from "./sdkjs";
import { isAccountId, isHttpsUrl, isKnownRegion, OUTPUT_FORMATS } from "./values";

export interface LintFinding {
  file: string;
  /** 1-based; 0 when the finding is about the whole file. */
  line: number;
  severity: "error" | "warning";
  code: string;
  message: string;
}

export interface LintInput {
  file: string;
  kind: "config" | "credentials";
  /** undefined: the file does not exist (nothing to lint). */
  text: string | undefined;
  /** true when the bytes are not valid UTF-8. */
  invalidUtf8?: boolean;
  /** The line of the first invalid byte, when known. */
  invalidUtf8Line?: number;
  /**
   * The text already parsed with `parseConfigText(text, { allErrors: true })`, when the caller has it
   * (doctor parses each file once and hands the parse over); parsed here otherwise.
   */
  parsed?: ParsedConfig;
}

const SSO_TRIGGER = ["sso_account_id", "sso_role_name"];
const TYPED_PREFIXES = ["profile", "sso-session", "services"];
const SSO_ANY = ["sso_start_url", "sso_account_id", "sso_session", "sso_region", "sso_role_name"];

export function lintFiles(inputs: LintInput[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const input of inputs) {
    if (input.invalidUtf8) {
      findings.push({
        file: input.file,
        line: input.invalidUtf8Line ?? 0,
        severity: "error",
        code: "invalid_utf8",
        message: "the file is not valid UTF-8; botocore and the AWS CLI refuse it",
      });
      continue;
    }
    if (input.text === undefined) continue;
    const parsed = input.parsed ?? parseConfigText(input.text, { allErrors: true });
    for (const e of parsed.errors) {
      findings.push({
        file: input.file,
        line: e.line,
        severity: "error",
        code: e.code,
        message: `${e.message} (botocore and the AWS CLI refuse the whole file)`,
      });
    }
    if (parsed.refusal) continue;
    const own = input.kind === "credentials" ? credentialsChecks(parsed, input.file) : [];
    const explained = new Set(own.map((f) => f.line));
    for (const w of sdkJsWarnings(input.text, parsed, input.file, input.kind))
      if (!explained.has(w.line)) findings.push({ ...w, severity: "warning" });
    if (input.kind === "config") findings.push(...configChecks(parsed, input.file, findings));
    findings.push(...own);
  }
  findings.sort((a, b) => (a.file === b.file ? a.line - b.line : 0));
  return findings;
}

function configChecks(parsed: ParsedConfig, file: string, already: LintFinding[]): LintFinding[] {
  const out: LintFinding[] = [];
  const pm = buildProfileMap(parsed.raw.keys());
  const headerLine = (section: string) => parsed.locations.sections.get(section) ?? 0;
  const keyLine = (section: string, key: string) =>
    parsed.locations.keys.get(section)?.get(key) ?? headerLine(section);
  const str = (section: string, key: string): string | undefined => configValue(parsed.raw.get(section), key);
  const add = (line: number, severity: LintFinding["severity"], code: string, message: string) =>
    out.push({ file, line, severity, code, message });

  for (const [name, section] of pm.profiles) {
    // The section's values looked up once (21,000 profiles: each lookup through the lazy map counts).
    const values = parsed.raw.get(section);
    const val = (k: string) => configValue(values, k);
    const has = (k: string) => val(k) !== undefined;
    const sessionName = val("sso_session");
    const sessionSection = sessionName === undefined ? undefined : pm.ssoSessions.get(sessionName);
    if (sessionName !== undefined && sessionSection === undefined) {
      add(
        keyLine(section, "sso_session"),
        "error",
        "sso_session_missing",
        `profile "${name}" names sso-session "${sessionName}", which does not exist (botocore: The specified sso-session does not exist)`,
      );
    }
    if (SSO_TRIGGER.some(has)) {
      const missing: string[] = [];
      const required =
        sessionName !== undefined
          ? ["sso_account_id", "sso_role_name"]
          : ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];
      for (const k of required) if (!has(k)) missing.push(k);
      if (sessionSection !== undefined) {
        for (const k of ["sso_start_url", "sso_region"]) {
          const sv = str(sessionSection, k);
          const pv = val(k);
          if (sv === undefined && pv === undefined) missing.push(k);
          if (sv !== undefined && pv !== undefined && sv !== pv) {
            add(
              keyLine(section, k),
              "error",
              "sso_inconsistent",
              `the value for ${k} is inconsistent between profile "${name}" and sso-session "${sessionName}"`,
            );
          }
        }
      }
      if (missing.length > 0) {
        add(
          headerLine(section),
          "error",
          "sso_incomplete",
          `profile "${name}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
        );
      }
      if (has("aws_access_key_id")) {
        add(
          headerLine(section),
          "warning",
          "sso_and_static",
          `profile "${name}" has both SSO settings and static keys: botocore uses SSO, the AWS SDK for JavaScript the static keys`,
        );
      }
    } else if (
      SSO_ANY.some(has) &&
      !has("role_arn") &&
      !has("aws_access_key_id") &&
      !has("credential_process")
    ) {
      add(
        headerLine(section),
        "warning",
        "sso_incomplete_js",
        `profile "${name}" has sso_* settings but no sso_account_id/sso_role_name: fine for signing in, but the AWS SDK for JavaScript treats it as an SSO profile and fails to get credentials`,
      );
    }
  }
  for (const [name, section] of pm.ssoSessions) {
    const missing = ["sso_start_url", "sso_region"].filter((k) => str(section, k) === undefined);
    if (missing.length > 0) {
      add(
        headerLine(section),
        "error",
        "sso_session_incomplete",
        `sso-session "${name}" is missing ${missing.join(" and ")}`,
      );
    }
  }
  out.push(...valueChecks(pm, file, (section) => parsed.raw.get(section), keyLine));
  const mapped = new Set([...pm.profiles.values(), ...pm.ssoSessions.values(), ...pm.services.values()]);
  for (const section of parsed.raw.keys()) {
    if (mapped.has(section) || section === "default") continue;
    const prefix = TYPED_PREFIXES.find((p) => section.startsWith(p));
    if (prefix === undefined) continue;
    // Overridden ([default] + [profile default]) is not dropped: only names that are not two words.
    const single = buildProfileMap([section]);
    if (single.profiles.size + single.ssoSessions.size + single.services.size > 0) continue;
    add(
      headerLine(section),
      "error",
      "section_dropped",
      `[${section}] is silently ignored by botocore and the AWS CLI (a ${prefix} name is one word after "${prefix} ": [${prefix} NAME])`,
    );
  }
  const taken = new Set(already.filter((f) => f.file === file).map((f) => f.line));
  for (const [kind, map] of [
    ["profile", pm.profiles],
    ["sso-session", pm.ssoSessions],
    ["services", pm.services],
  ] as const)
    for (const [name, section] of map) {
      // section === `${kind} ${name}` (or "default" for the default profile), without building it.
      const isDefault = kind === "profile" && name === "default";
      const canonicalHeader = isDefault
        ? section === "default"
        : section.length === kind.length + 1 + name.length &&
          section.startsWith(kind) &&
          section.charCodeAt(kind.length) === 0x20 &&
          section.endsWith(name);
      if (canonicalHeader && JS_SECTION_NAME_RE.test(name)) continue;
      // The header's line only for a name to report (looking it up builds every section's locations).
      const line = headerLine(section);
      if (taken.has(line)) continue;
      const canonical = isDefault ? "default" : `${kind} ${name}`;
      add(
        line,
        "warning",
        "name_not_portable",
        `[${section}] is read by botocore as ${kind} "${name}", but other tools may not read it: write it as [${canonical}] with a name of letters, digits and _-@+.%:/`,
      );
    }
  return out;
}

function credentialsChecks(parsed: ParsedConfig, file: string): LintFinding[] {
  const out: LintFinding[] = [];
  for (const [section, line] of parsed.locations.sections) {
    if (/^profile\s/.test(section)) {
      out.push({
        file,
        line,
        severity: "warning",
        code: "credentials_profile_prefix",
        message: `[${section}] in the credentials file is a profile literally named "${section}"; the credentials file uses bare names ([${section.replace(/^profile\s+/, "")}])`,
      });
    }
  }
  return out;
}

/** Values the services or the AWS CLI refuse, each named with the value and the fix. */
function valueChecks(
  pm: ReturnType<typeof buildProfileMap>,
  file: string,
  valuesOf: (section: string) => Parameters<typeof configValue>[0],
  keyLine: (section: string, key: string) => number,
): LintFinding[] {
  const out: LintFinding[] = [];
  const check = (what: string, section: string, isSession: boolean) => {
    const at = (k: string) => keyLine(section, k);
    const values = valuesOf(section);
    const val = (k: string) => configValue(values, k);
    const account = val("sso_account_id");
    if (!isSession && account !== undefined && !isAccountId(account))
      out.push({
        file,
        line: at("sso_account_id"),
        severity: "error",
        code: "account_id_invalid",
        message: `${what}: sso_account_id = ${account} is not an AWS account id (12 digits, leading zeros included); the portal refuses it (InvalidRequestException)`,
      });
    for (const k of isSession ? ["sso_region"] : ["region", "sso_region"]) {
      const v = val(k);
      if (v !== undefined && v !== "" && !isKnownRegion(v))
        out.push({
          file,
          line: at(k),
          severity: "warning",
          code: "region_unknown",
          message: `${what}: ${k} = ${v} is not a region the AWS SDK knows (e.g. us-east-1, eu-north-1; src/config/regions.ts)`,
        });
    }
    const output = val("output");
    if (!isSession && output !== undefined && !OUTPUT_FORMATS.includes(output))
      out.push({
        file,
        line: at("output"),
        severity: "error",
        code: "output_invalid",
        message: `${what}: output = ${output} is refused by the AWS CLI; use one of ${OUTPUT_FORMATS.join(", ")}`,
      });
    const url = val("sso_start_url");
    if (url !== undefined && !isHttpsUrl(url))
      out.push({
        file,
        line: at("sso_start_url"),
        severity: "error",
        code: "start_url_not_https",
        message: `${what}: sso_start_url = ${url} is refused by the AWS CLI (it must use https, e.g. https://d-1234567890.awsapps.com/start)`,
      });
  };
  for (const [name, section] of pm.profiles) check(`profile "${name}"`, section, false);
  for (const [name, section] of pm.ssoSessions) check(`sso-session "${name}"`, section, true);
  return out;
}
