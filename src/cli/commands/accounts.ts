/**
 * `portico accounts [--sso-session S | --profile P] [--json]`: the accounts (id, name, email) and the
 * roles you can use in each (ListAccounts paginated, ListAccountRoles with bounded concurrency).
 */
import type { Command } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, printJson, printLine, table } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("accounts")
    .description("list the AWS accounts and roles your SSO session gives you")
    .option("--sso-session <name>", "the [sso-session] to use")
    .option("--profile <name>", "a profile whose SSO session to use (default: AWS_PROFILE or default)")
    .option("--no-roles", "list accounts only (faster with thousands of accounts)")
    .option("--concurrency <n>", "parallel ListAccountRoles calls", "8")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  portico accounts --profile dev\n  portico accounts --sso-session my-sso --json\n",
    )
    .action(
      async (opts: {
        ssoSession?: string;
        profile?: string;
        roles: boolean;
        concurrency: string;
        json?: boolean;
      }) => {
        if (opts.ssoSession !== undefined && opts.profile !== undefined)
          throw usageError(
            "Pass either --sso-session or --profile, not both",
            "portico accounts --sso-session NAME",
          );
        const concurrency = Number.parseInt(opts.concurrency, 10);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
          throw usageError(`--concurrency must be an integer from 1 to 64 (got ${opts.concurrency})`);
        const { loadAwsConfig } = await import("../../config/load");
        const { resolveProfileName } = await import("../../config/paths");
        const { ssoSessionByName, ssoSessionForProfile } = await import("../../sso/session");
        const { getSsoToken } = await import("../../sso/token-provider");
        const { listAccountsAndRoles } = await import("../../portal/client");
        const config = await loadAwsConfig(ctx.env);
        let session: ReturnType<typeof ssoSessionByName>;
        let loginArgs: string;
        if (opts.ssoSession !== undefined) {
          session = ssoSessionByName(config, opts.ssoSession);
          loginArgs = `--sso-session ${opts.ssoSession}`;
        } else {
          const selection = resolveProfileName(ctx.env, opts.profile);
          const name = selection.name;
          session = ssoSessionForProfile(config, selection);
          loginArgs = `--profile ${name}`;
        }
        const token = await getSsoToken(
          { env: ctx.env, now: ctx.now, paths: config.paths },
          session,
          loginArgs,
        );
        const accounts = await listAccountsAndRoles(
          { region: session.region, env: ctx.env, loginArgs },
          token.accessToken,
          { concurrency, withRoles: opts.roles },
        );
        if (opts.json) {
          printJson(ctx, {
            startUrl: session.startUrl,
            region: session.region,
            accounts: accounts.map((a) => ({
              accountId: a.accountId,
              accountName: a.accountName ?? "",
              emailAddress: a.emailAddress ?? "",
              ...(opts.roles ? { roles: a.roles } : {}),
            })),
          });
          return;
        }
        if (accounts.length === 0) {
          info(ctx, "No accounts are assigned to you in this IAM Identity Center instance.");
          return;
        }
        const header = opts.roles
          ? ["ACCOUNT ID", "NAME", "EMAIL", "ROLES"]
          : ["ACCOUNT ID", "NAME", "EMAIL"];
        printLine(
          ctx,
          table([
            header,
            ...accounts.map((a) => {
              const row = [a.accountId, a.accountName ?? "", a.emailAddress ?? ""];
              if (opts.roles) row.push(a.roles.join(", "));
              return row;
            }),
          ]),
        );
      },
    );
}
