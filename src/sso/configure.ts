/**
 * The `aws configure sso` / `aws configure sso-session` wizards (docs/reference.md §1.6): same
 * questions, order, defaults and closing messages, every answer also settable by a flag, and the
 * file written exactly as the AWS CLI writes it (profile section, then sso-session section; keys in
 * the CLI's order) through the config layer's lossless editor. UI and sign-in come in as functions,
 * so the wizard runs unattended from flags alone.
 */

import { checkName } from "../config/edit";
import type { AwsConfig } from "../config/load";
import { OUTPUT_FORMATS } from "../config/values";
import { ExitCode, PorticoError, usageError } from "../errors";
import { displayAccount, sortAccounts } from "../portal/accounts";
import type { PortalAccount } from "../portal/types";
import { parseScopes, type SsoSession } from "./session";

export interface WizardUi {
  /** Ask a question; `prompt` is the full CLI prompt text (e.g. "SSO region [None]: "). Empty answer → "". */
  ask?: (prompt: string, validate?: (v: string) => string | true) => Promise<string>;
  pickAccount?: (accounts: PortalAccount[]) => Promise<string>;
  /** `accountId`: the account the roles are of (the picker orders recent choices first). */
  pickRole?: (roles: string[], accountId: string) => Promise<string>;
  /** Messages for people (stderr). */
  say: (text: string) => void;
}

export interface SsoAnswers {
  ssoSession?: string;
  startUrl?: string;
  ssoRegion?: string;
  scopes?: string;
  account?: string;
  role?: string;
  region?: string;
  output?: string;
  profile?: string;
}

export interface WizardDeps {
  config: AwsConfig;
  ui: WizardUi;
  /** Apply edits to the config file (editConfigFile bound to the file). */
  edit: (
    fn: (doc: {
      set(ref: { kind: "profile" | "sso-session"; name: string }, key: string, value: string): void;
    }) => void,
  ) => Promise<{ changed: boolean }>;
  /** A valid access token for the session (reusing a cached one with ≥ 15 min left, else signing in). */
  token: (session: SsoSession, isNew: boolean) => Promise<string>;
  /** Portal listings. */
  listAccounts: (session: SsoSession, accessToken: string) => Promise<PortalAccount[]>;
  listRoles: (session: SsoSession, accessToken: string, accountId: string) => Promise<string[]>;
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateStartUrl(v: string): string | true {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return "Enter the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start";
  }
  if (u.protocol !== "https:") return "The sso_start_url must use the https scheme.";
  return true;
}

export function validateRegion(v: string): string | true {
  return REGION_RE.test(v) ? true : `"${v}" is not a region name (e.g. us-east-1)`;
}

const FLAG_EXAMPLES: Record<string, string> = {
  "--start-url": "https://d-1234567890.awsapps.com/start",
  "--sso-region": "eu-north-1",
};

const shown = (v: string | undefined) => (v === undefined || v === "" ? "None" : v);

function needAnswer(flag: string, what: string): PorticoError {
  return new PorticoError("answer_required", `${what} is needed and this run cannot prompt for it`, {
    exitCode: ExitCode.signInRequired,
    hint: `Pass ${flag}, or run the command in a terminal.`,
  });
}

/** One question: flag value, else a prompt (empty → current/default), else the default, else an error. */
async function answer(
  ui: WizardUi,
  flagValue: string | undefined,
  o: {
    prompt: string;
    current?: string;
    required?: { flag: string; what: string };
    validate?: (v: string) => string | true;
  },
): Promise<string | undefined> {
  const check = (v: string) => {
    if (o.validate) {
      const r = o.validate(v);
      if (r !== true) {
        const example = o.required ? FLAG_EXAMPLES[o.required.flag] : undefined;
        throw usageError(
          r,
          o.required
            ? `Pass a valid ${o.required.flag}${example ? `, e.g. ${o.required.flag} ${example}` : ""}`
            : undefined,
        );
      }
    }
    return v;
  };
  if (flagValue !== undefined) return flagValue === "" ? flagValue : check(flagValue);
  if (ui.ask) {
    for (;;) {
      const raw = (
        await ui.ask(o.prompt, (v) => {
          const val = v.trim() === "" ? (o.current ?? "") : v.trim();
          if (val === "" && o.required) return "A value is required";
          return val === "" || !o.validate ? true : o.validate(val);
        })
      ).trim();
      const v = raw === "" ? o.current : raw;
      if ((v === undefined || v === "") && o.required) continue;
      return v === undefined || v === "" ? undefined : check(v);
    }
  }
  if (o.current !== undefined && o.current !== "") return check(o.current);
  if (o.required) throw needAnswer(o.required.flag, o.required.what);
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `configure sso-session [NAME]`: the three session keys. */
export async function configureSsoSession(
  deps: WizardDeps,
  name: string | undefined,
  a: SsoAnswers,
): Promise<{ session: string; changed: boolean }> {
  const { ui, config } = deps;
  if (name !== undefined) checkName("sso-session", name);
  const sessionName =
    name ??
    (await answer(ui, a.ssoSession, {
      prompt: "SSO session name: ",
      required: { flag: "a session NAME argument", what: "The SSO session name" },
      validate: (v) => nameProblem("sso-session", v),
    }))!;
  const existing = config.ssoSessions.get(sessionName)?.values ?? {};
  const startUrl = (await answer(ui, a.startUrl, {
    prompt: `SSO start URL [${shown(str(existing["sso_start_url"]))}]: `,
    current: str(existing["sso_start_url"]),
    required: { flag: "--start-url", what: "The SSO start URL" },
    validate: validateStartUrl,
  }))!;
  const ssoRegion = (await answer(ui, a.ssoRegion, {
    prompt: `SSO region [${shown(str(existing["sso_region"]))}]: `,
    current: str(existing["sso_region"]),
    required: { flag: "--sso-region", what: "The SSO region" },
    validate: validateRegion,
  }))!;
  const curScopes = str(existing["sso_registration_scopes"]) ?? "sso:account:access";
  const scopes =
    (await answer(ui, a.scopes, {
      prompt: `SSO registration scopes [${curScopes}]: `,
      current: curScopes,
    })) ?? curScopes;
  const { changed } = await deps.edit((doc) => {
    const ref = { kind: "sso-session" as const, name: sessionName };
    doc.set(ref, "sso_start_url", startUrl);
    doc.set(ref, "sso_region", ssoRegion);
    doc.set(ref, "sso_registration_scopes", scopes);
  });
  ui.say(
    `\nCompleted configuring SSO session: ${sessionName}\nRun the following to login and refresh access token for this session:\n\nportico login --sso-session ${sessionName}\n`,
  );
  return { session: sessionName, changed };
}

export interface ConfigureSsoResult {
  profile: string;
  ssoSession: string | null;
  accountId: string | null;
  roleName: string | null;
  changed: boolean;
}

/** `configure sso [--profile NAME]`: session, sign-in, account, role, region, output, profile name. */
export async function configureSso(deps: WizardDeps, a: SsoAnswers): Promise<ConfigureSsoResult> {
  const { ui, config } = deps;
  // Names portico cannot write are refused before any question or sign-in, not after them.
  if (a.profile !== undefined) checkName("profile", a.profile);
  if (a.ssoSession) checkName("sso-session", a.ssoSession);
  const profileConfig = (a.profile !== undefined ? config.profiles.get(a.profile)?.values : undefined) ?? {};
  const curSession = str(profileConfig["sso_session"]);

  // 1. SSO session name (empty → legacy format).
  let sessionName: string | undefined;
  if (a.ssoSession !== undefined) sessionName = a.ssoSession === "" ? undefined : a.ssoSession;
  else if (ui.ask) {
    const raw = (
      await ui.ask(
        curSession ? `SSO session name [${curSession}]: ` : "SSO session name (Recommended): ",
        (v) => (v.trim() === "" ? true : nameProblem("sso-session", v.trim())),
      )
    ).trim();
    sessionName = raw === "" ? curSession : raw;
    if (sessionName !== undefined) checkName("sso-session", sessionName);
  } else sessionName = curSession;
  if (
    sessionName === undefined &&
    a.startUrl === undefined &&
    !ui.ask &&
    profileConfig["sso_start_url"] === undefined
  )
    throw needAnswer(
      "--sso-session NAME (and --start-url, --sso-region for a new one)",
      "The SSO session name",
    );

  const profileValues: [string, string][] = [];
  let sessionValues: [string, string][] = [];
  let session: SsoSession;
  let isNew = false;
  if (sessionName === undefined) {
    ui.say(
      'WARNING: Configuring using legacy format (e.g. without an SSO session).\nConsider re-running "configure sso" command and providing a session name.\n',
    );
    const curUrl = str(profileConfig["sso_start_url"]);
    const curRegion = str(profileConfig["sso_region"]);
    const startUrl = (await answer(ui, a.startUrl, {
      prompt: `SSO start URL [${shown(curUrl)}]: `,
      current: curUrl,
      required: { flag: "--start-url", what: "The SSO start URL" },
      validate: validateStartUrl,
    }))!;
    const ssoRegion = (await answer(ui, a.ssoRegion, {
      prompt: `SSO region [${shown(curRegion)}]: `,
      current: curRegion,
      required: { flag: "--sso-region", what: "The SSO region" },
      validate: validateRegion,
    }))!;
    profileValues.push(["sso_start_url", startUrl], ["sso_region", ssoRegion]);
    session = {
      kind: "legacy",
      startUrl,
      region: ssoRegion,
      scopes: [],
      registrationScopes: null,
      cacheKey: startUrl,
    };
  } else {
    profileValues.push(["sso_session", sessionName]);
    const existing = config.ssoSessions.get(sessionName);
    const ev = existing?.values ?? {};
    const fromProfileUrl = str(profileConfig["sso_start_url"]);
    const fromProfileRegion = str(profileConfig["sso_region"]);
    let startUrl = str(ev["sso_start_url"]);
    let ssoRegion = str(ev["sso_region"]);
    let rawScopes = str(ev["sso_registration_scopes"]);
    if (
      !existing ||
      startUrl === undefined ||
      ssoRegion === undefined ||
      a.startUrl ||
      a.ssoRegion ||
      a.scopes
    ) {
      // A new session (or flags that change one): ask like the CLI does for a new session.
      isNew = !existing;
      startUrl = (await answer(ui, a.startUrl, {
        prompt: `SSO start URL [${shown(startUrl ?? fromProfileUrl)}]: `,
        current: startUrl ?? fromProfileUrl,
        required: { flag: "--start-url", what: "The SSO start URL" },
        validate: validateStartUrl,
      }))!;
      ssoRegion = (await answer(ui, a.ssoRegion, {
        prompt: `SSO region [${shown(ssoRegion ?? fromProfileRegion)}]: `,
        current: ssoRegion ?? fromProfileRegion,
        required: { flag: "--sso-region", what: "The SSO region" },
        validate: validateRegion,
      }))!;
      const cur = rawScopes ?? "sso:account:access";
      rawScopes =
        (await answer(ui, a.scopes, { prompt: `SSO registration scopes [${cur}]: `, current: cur })) ?? cur;
    }
    // The CLI writes the whole sso-session config (existing keys first, as they were).
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries(ev)) if (typeof v === "string") merged[k] = v;
    merged["sso_start_url"] = startUrl;
    merged["sso_region"] = ssoRegion;
    if (rawScopes !== undefined) merged["sso_registration_scopes"] = rawScopes;
    sessionValues = Object.entries(merged);
    const registrationScopes = rawScopes === undefined ? null : parseScopes(rawScopes);
    session = {
      kind: "sso-session",
      sessionName,
      startUrl,
      region: ssoRegion,
      scopes: registrationScopes ?? [],
      registrationScopes,
      cacheKey: sessionName,
    };
  }

  // 2. Sign in (reuse a token with ≥ 15 min left), then account and role.
  const accessToken = await deps.token(session, isNew);
  let accountId: string | undefined;
  let roleName: string | undefined;
  try {
    const accounts = sortAccounts(await deps.listAccounts(session, accessToken));
    if (accounts.length === 0)
      throw new PorticoError("no_accounts", "No AWS accounts are available to you.", {
        exitCode: ExitCode.accessDenied,
        hint: "Ask your administrator to assign you to an account and permission set.",
      });
    if (a.account !== undefined) {
      if (!accounts.some((x) => x.accountId === a.account))
        throw new PorticoError("account_not_available", `The account ${a.account} is not available to you`, {
          exitCode: ExitCode.accessDenied,
          hint: `Available: ${accounts.map(displayAccount).slice(0, 10).join("; ")}${accounts.length > 10 ? "; …" : ""}`,
        });
      accountId = a.account;
    } else if (accounts.length === 1) {
      accountId = accounts[0]!.accountId;
      ui.say(`The only AWS account available to you is: ${accountId}\n`);
    } else {
      ui.say(`There are ${accounts.length} AWS accounts available to you.\n`);
      if (!ui.pickAccount)
        throw needAnswer(
          `--account ID (one of: ${accounts.slice(0, 10).map(displayAccount).join("; ")}${accounts.length > 10 ? "; …" : ""})`,
          "The account",
        );
      const cur = str(profileConfig["sso_account_id"]);
      accountId = await ui.pickAccount(currentFirst(accounts, (x) => x.accountId === cur));
    }
    ui.say(`Using the account ID ${accountId}\n`);
    const roles = await deps.listRoles(session, accessToken, accountId);
    if (roles.length === 0)
      throw new PorticoError("no_roles", `No roles are available for the account ${accountId}`, {
        exitCode: ExitCode.accessDenied,
        hint: "Ask your administrator to assign you a permission set in that account.",
      });
    if (a.role !== undefined) {
      if (!roles.includes(a.role))
        throw new PorticoError(
          "role_not_available",
          `The role ${a.role} is not available in account ${accountId}`,
          {
            exitCode: ExitCode.accessDenied,
            hint: `Available: ${roles.join(", ")}`,
          },
        );
      roleName = a.role;
    } else if (roles.length === 1) {
      roleName = roles[0]!;
      ui.say(`The only role available to you is: ${roleName}\n`);
    } else {
      ui.say(`There are ${roles.length} roles available to you.\n`);
      if (!ui.pickRole) throw needAnswer(`--role NAME (one of: ${roles.join(", ")})`, "The role");
      const cur =
        accountId === str(profileConfig["sso_account_id"]) ? str(profileConfig["sso_role_name"]) : undefined;
      roleName = await ui.pickRole(
        currentFirst(roles, (r) => r === cur),
        accountId,
      );
    }
    ui.say(`Using the role name "${roleName}"\n`);
  } catch (e) {
    if (!(e instanceof PorticoError && e.code === "sign_in_required")) throw e;
    ui.say(
      "Unable to list AWS accounts and/or roles. Skipping configuring AWS credential provider for profile.\n",
    );
    accountId = undefined;
    roleName = undefined;
  }
  if (accountId && roleName) profileValues.push(["sso_account_id", accountId], ["sso_role_name", roleName]);

  // 3. Client defaults and the profile name.
  const region = await answer(ui, a.region, {
    prompt: `Default client Region [${shown(str(profileConfig["region"]))}]: `,
    validate: validateRegion,
  });
  if (region) profileValues.push(["region", region]);
  const output = await answer(ui, a.output, {
    prompt: `CLI default output format (json if not specified) [${shown(str(profileConfig["output"]))}]: `,
    validate: (v) =>
      OUTPUT_FORMATS.includes(v) ? true : `Output format must be one of ${OUTPUT_FORMATS.join(", ")}`,
  });
  if (output) profileValues.push(["output", output]);
  const defaultName = accountId && roleName ? `${roleName}-${accountId}` : undefined;
  const profile =
    a.profile ??
    (await answer(ui, undefined, {
      prompt: `Profile name [${shown(defaultName)}]: `,
      current: defaultName,
      required: { flag: "--profile NAME", what: "The profile name" },
      validate: (v) => nameProblem("profile", v),
    }))!;

  // 4. Write: profile section first, then the sso-session section (the CLI's order).
  const { changed } = await deps.edit((doc) => {
    for (const [k, v] of profileValues) doc.set({ kind: "profile", name: profile }, k, v);
    if (sessionName !== undefined)
      for (const [k, v] of sessionValues) doc.set({ kind: "sso-session", name: sessionName }, k, v);
  });

  if (accountId && roleName) {
    ui.say(
      profile === "default"
        ? "\nThe AWS CLI is now configured to use the default profile.\nRun the following command to verify your configuration:\n\naws sts get-caller-identity\n"
        : `\nTo use this profile, specify the profile name using --profile, as shown:\n\naws sts get-caller-identity --profile ${profile}\n`,
    );
  } else ui.say(`Successfully configured SSO for profile: ${profile}\n`);
  return {
    profile,
    ssoSession: sessionName ?? null,
    accountId: accountId ?? null,
    roleName: roleName ?? null,
    changed,
  };
}

/** checkName as a prompt validator: true, or the message. */
function nameProblem(kind: "profile" | "sso-session", name: string): string | true {
  try {
    checkName(kind, name);
    return true;
  } catch (e) {
    if (e instanceof PorticoError) return e.message;
    throw e;
  }
}

/** The profile's current choice first (a picker starts on it, so Enter keeps it), the rest in order. */
function currentFirst<T>(items: T[], isCurrent: (x: T) => boolean): T[] {
  const i = items.findIndex(isCurrent);
  return i <= 0 ? items : [items[i]!, ...items.slice(0, i), ...items.slice(i + 1)];
}
