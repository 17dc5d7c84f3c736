/**
 * `portico configure sso-session [NAME]` and `portico configure sso [--profile NAME]`: the AWS CLI's
 * wizards (docs/reference.md §1.6) with type-to-filter account/role pickers and a flag for every
 * answer. Prompts go to stderr; without a TTY (or with --non-interactive) nothing prompts: missing
 * answers fail with exit 4 naming the flag, and sign-in follows the `portico login` rules.
 */
import type { Command } from "commander";
import { PorticoError } from "../../errors";
import { terminalSafe } from "../../platform/terminal";
import type { PortalAccount } from "../../portal/types";
import type { SsoAnswers, WizardUi } from "../../sso/configure";
import type { CliContext } from "../context";
import { info, printJson } from "../output";
import { parsePort, parseTimeout, signIn } from "./login";

/** Every wizard answer has a flag of the same name, plus the sign-in options. */
interface ConfigureFlags extends SsoAnswers {
  deviceCode?: boolean;
  browser?: boolean;
  callbackPort?: string;
  timeout?: string;
  json?: boolean;
}

async function promptUi(ctx: CliContext): Promise<WizardUi> {
  const say = (t: string) => info(ctx, t.replace(/\n$/, "")); // info() makes server text terminal-safe
  if (!ctx.interactive) return { say };
  const { input, search } = await import("@inquirer/prompts");
  const { displayAccount } = await import("../../portal/accounts");
  const io = { output: process.stderr };
  const cancelOnExit = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      if ((e as Error)?.name === "ExitPromptError")
        throw new PorticoError("cancelled", "Cancelled; nothing was written.", { exitCode: 130 });
      throw e;
    }
  };
  // `portico pick`'s match rule (every typed word must occur) and history (src/sync/pick.ts).
  const { matchesWords, rankAccounts, rankRoles, remember, roleKey } = await import("../../sync/pick");
  const filter = <T>(items: T[], label: (x: T) => string, term: string | undefined) =>
    items
      .filter((x) => matchesWords(label(x), term ?? ""))
      .map((x) => ({ name: terminalSafe(label(x)), value: x }));
  const { readHistory, writeHistory } = await import("../../sync/history");
  const { awsPaths } = await import("../../config/paths");
  const paths = awsPaths(ctx.env);
  return {
    say,
    ask: (prompt, validate) =>
      cancelOnExit(input({ message: prompt.replace(/:\s*$/, ":"), ...(validate ? { validate } : {}) }, io)),
    pickAccount: async (accounts: PortalAccount[]) => {
      // The same ordering as `portico pick`: recent choices first (the picker's history), then the CLI's.
      const history = await readHistory(paths);
      const now = ctx.now().getTime();
      const ordered = rankAccounts(accounts, history, now);
      const id = (
        await cancelOnExit(
          search<PortalAccount>(
            {
              message: "Select an account (type to filter):",
              source: (term) => filter(ordered, displayAccount, term),
              pageSize: 12,
            },
            io,
          ),
        )
      ).accountId;
      await writeHistory(paths, remember(history, `account:${id}`, now)).catch(() => undefined);
      return id;
    },
    pickRole: async (roles: string[], accountId: string) => {
      const history = await readHistory(paths);
      const now = ctx.now().getTime();
      const ordered = rankRoles(accountId, roles, history, now);
      const role = await cancelOnExit(
        search<string>(
          {
            message: "Select a role (type to filter):",
            source: (term) => filter(ordered, (r) => r, term),
            pageSize: 12,
          },
          io,
        ),
      );
      await writeHistory(paths, remember(history, roleKey(accountId, role), now)).catch(() => undefined);
      return role;
    },
  };
}

export function register(program: Command, ctx: CliContext): void {
  const configure =
    program.commands.find((c) => c.name() === "configure") ??
    program
      .command("configure")
      .description("set up SSO sessions and profiles in ~/.aws/config")
      .addHelpText(
        "after",
        "\nExamples:\n  portico configure sso --profile dev     # session, sign-in, account and role, step by step\n  portico configure sso-session acme --start-url https://d-1234567890.awsapps.com/start --sso-region eu-north-1\n",
      );

  configure
    .command("sso-session [name]")
    .description("create or update an [sso-session] (start URL, region, scopes)")
    .option("--start-url <url>", "the AWS access portal URL (https)")
    .option("--sso-region <region>", "the IAM Identity Center region")
    .option("--scopes <scopes>", "comma-separated registration scopes (default sso:account:access)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExample:\n  portico configure sso-session my-sso --start-url https://d-1234567890.awsapps.com/start --sso-region us-east-1\n",
    )
    .action(async (name: string | undefined, flags: ConfigureFlags) => {
      const { loadAwsConfig } = await import("../../config/load");
      const { editConfigFile } = await import("../../config/edit");
      const { configureSsoSession } = await import("../../sso/configure");
      const config = await loadAwsConfig(ctx.env);
      const ui = await promptUi(ctx);
      const r = await configureSsoSession(
        {
          config,
          ui,
          edit: (fn) => editConfigFile(config.paths.configFile, fn),
          token: () => Promise.reject(new Error("not used")),
          listAccounts: () => Promise.resolve([]),
          listRoles: () => Promise.resolve([]),
        },
        name,
        {
          ...(flags.startUrl !== undefined ? { startUrl: flags.startUrl } : {}),
          ...(flags.ssoRegion !== undefined ? { ssoRegion: flags.ssoRegion } : {}),
          ...(flags.scopes !== undefined ? { scopes: flags.scopes } : {}),
        },
      );
      if (flags.json)
        printJson(ctx, { ssoSession: r.session, changed: r.changed, configFile: config.paths.configFile });
    });

  configure
    .command("sso")
    .description("create or update an SSO profile: session, sign-in, account and role pickers, defaults")
    .option("--profile <name>", "the profile to write (default: asked, <Role>-<AccountId>)")
    .option("--sso-session <name>", 'the sso-session to use or create ("" = legacy format)')
    .option("--start-url <url>", "the AWS access portal URL (https)")
    .option("--sso-region <region>", "the IAM Identity Center region")
    .option("--scopes <scopes>", "comma-separated registration scopes (default sso:account:access)")
    .option("--account <id>", "the account ID (skips the account picker)")
    .option("--role <name>", "the role / permission set name (skips the role picker)")
    .option("--region <region>", "the profile's default client region")
    .option("--output <format>", "the profile's default output format (json, yaml, text, table)")
    .option("--device-code", "sign in with the device-code flow")
    .option("--no-browser", "do not open a browser; print the URL instead")
    .option("--callback-port <port>", "PKCE loopback port on 127.0.0.1")
    .option("--timeout <seconds>", "give up waiting for the authorization after this long (default 600)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExample:\n  portico configure sso --profile dev\n  portico configure sso --profile dev --sso-session my-sso --start-url https://d-1234567890.awsapps.com/start \\\n    --sso-region us-east-1 --account 111111111111 --role ReadOnly --region eu-west-1 --output json\n",
    )
    .action(async (flags: ConfigureFlags) => {
      const callbackPort = parsePort(flags.callbackPort);
      const timeoutMs = parseTimeout(flags.timeout);
      const { loadAwsConfig } = await import("../../config/load");
      const { editConfigFile } = await import("../../config/edit");
      const { configureSso } = await import("../../sso/configure");
      const { openPortal } = await import("../../portal/client");
      const { getSsoToken } = await import("../../sso/token-provider");
      const { shellWord } = await import("../../sso/session");
      const config = await loadAwsConfig(ctx.env);
      const ui = await promptUi(ctx);
      const deps = { env: ctx.env, now: ctx.now, paths: config.paths };
      const selectArgs = (s: import("../../sso/session").SsoSession) =>
        s.kind === "sso-session" ? `--sso-session ${shellWord(s.sessionName!)}` : "";
      const portals = new Map<string, Awaited<ReturnType<typeof openPortal>>>();
      const portal = async (s: import("../../sso/session").SsoSession) => {
        let p = portals.get(s.region);
        if (!p) {
          p = await openPortal({ env: ctx.env, region: s.region, loginArgs: selectArgs(s) });
          portals.set(s.region, p);
        }
        return p;
      };
      try {
        const r = await configureSso(
          {
            config,
            ui,
            edit: (fn) => editConfigFile(config.paths.configFile, fn),
            token: async (session, isNew) => {
              // Reuse a cached token with ≥ 15 min left (refreshing it if needed) — for a session new to
              // the config file only if the cached token was issued for the same start URL and region.
              const { readToken } = await import("../../sso/cache");
              const cached = isNew ? await readToken(config.paths.ssoCacheDir, session) : undefined;
              const sameInstance =
                !isNew ||
                (cached?.status === "ok" &&
                  cached.token.startUrl === session.startUrl &&
                  cached.token.region === session.region);
              if (sameInstance) {
                try {
                  return (await getSsoToken(deps, session)).accessToken;
                } catch (e) {
                  if (!(e instanceof PorticoError && e.code === "sign_in_required")) throw e;
                }
              }
              const res = await signIn(ctx, config.paths, session, selectArgs(session), {
                ...(flags.deviceCode ? { deviceCode: true } : {}),
                ...(flags.browser === false ? { browser: false } : {}),
                ...(callbackPort !== undefined ? { callbackPort } : {}),
                ...(timeoutMs !== undefined ? { timeoutMs } : {}),
              }).catch((e: unknown) => {
                // `portico login --sso-session S` cannot help when S is not in the config yet (nothing
                // is written before the sign-in): name this same command with the device-code flow.
                if (!(e instanceof PorticoError && e.code === "sign_in_required" && !ctx.interactive))
                  throw e;
                throw new PorticoError(e.code, e.message, {
                  exitCode: e.exitCode,
                  hint: `${configureSsoCommand(flags, shellWord)} --device-code --no-browser   (prints a URL and code here; or run it in a terminal)`,
                });
              });
              info(ctx, `Successfully logged into Start URL: ${session.startUrl}`);
              return res.token.accessToken;
            },
            listAccounts: async (s, t) => (await portal(s)).listAccounts(t),
            listRoles: async (s, t, id) => (await portal(s)).listRoles(t, id),
          },
          {
            ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
            ...(flags.ssoSession !== undefined ? { ssoSession: flags.ssoSession } : {}),
            ...(flags.startUrl !== undefined ? { startUrl: flags.startUrl } : {}),
            ...(flags.ssoRegion !== undefined ? { ssoRegion: flags.ssoRegion } : {}),
            ...(flags.scopes !== undefined ? { scopes: flags.scopes } : {}),
            ...(flags.account !== undefined ? { account: flags.account } : {}),
            ...(flags.role !== undefined ? { role: flags.role } : {}),
            ...(flags.region !== undefined ? { region: flags.region } : {}),
            ...(flags.output !== undefined ? { output: flags.output } : {}),
          },
        );
        if (flags.json) printJson(ctx, { ...r, configFile: config.paths.configFile });
      } finally {
        for (const p of portals.values()) p.close();
      }
    });
}

/** `portico configure sso …` with the flags this run was given (for hints). */
function configureSsoCommand(flags: ConfigureFlags, shellWord: (s: string) => string): string {
  const words = ["portico", "configure", "sso"];
  const add = (flag: string, v: string | undefined) => {
    if (v !== undefined) words.push(flag, shellWord(v));
  };
  add("--profile", flags.profile);
  add("--sso-session", flags.ssoSession);
  add("--start-url", flags.startUrl);
  add("--sso-region", flags.ssoRegion);
  add("--scopes", flags.scopes);
  add("--account", flags.account);
  add("--role", flags.role);
  add("--region", flags.region);
  add("--output", flags.output);
  add("--timeout", flags.timeout);
  if (flags.json) words.push("--json");
  return words.join(" ");
}
