/**
 * `portico console [--profile P] [--destination SERVICE|URL] [--region R] [--duration D] [--print]
 * [--browser-profile NAME] [--multi-session]`: the AWS Management Console signed in as the profile's
 * role (src/console/). `--print`: the URL alone on stdout.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { info } from "../output";

interface ConsoleFlags {
  profile?: string;
  destination?: string;
  region?: string;
  duration?: string;
  print?: boolean;
  browserProfile?: string;
  multiSession?: boolean;
  logoutFirst?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("console")
    .description("open the AWS Management Console signed in as the profile's role")
    .option("--profile <name>", "the profile (default: AWS_PROFILE or default)")
    .option(
      "--destination <service|url>",
      "a service (s3, ec2, cloudwatch, lambda, iam, …) or an https console URL",
    )
    .option("--region <region>", "the console region (default: the profile's)")
    .option(
      "--duration <d>",
      "console session length, 15m to 12h (default: the role credentials' remaining time)",
    )
    .option("--print", "print the sign-in URL on stdout instead of opening it")
    .option(
      "--browser-profile <name>",
      "open in this Chromium/Chrome/Edge profile directory or Firefox profile (container:NAME for a Firefox container); overrides the profile's portico_browser_profile",
    )
    .option(
      "--multi-session",
      "use the access portal's console link (AWS console multi-session) instead of federation",
    )
    .option("--no-logout-first", "do not sign out of a console session already open in the browser")
    .addHelpText(
      "after",
      "\nExamples:\n  portico console --profile dev --destination s3\n  portico console --profile prod --print | pbcopy\n  BROWSER=chromium portico console --profile prod --browser-profile 'Profile 2'\n",
    )
    .action(async (flags: ConsoleFlags) => {
      const { consoleUrl } = await import("../../console/console");
      const { parseDuration } = await import("../../console/url");
      const durationS = flags.duration !== undefined ? parseDuration(flags.duration) : undefined;
      const r = await consoleUrl(
        { env: ctx.env, now: ctx.now },
        {
          ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
          ...(flags.destination !== undefined ? { destination: flags.destination } : {}),
          ...(flags.region !== undefined ? { region: flags.region } : {}),
          ...(durationS !== undefined ? { durationS } : {}),
          multiSession: Boolean(flags.multiSession),
          logoutFirst: flags.logoutFirst !== false,
        },
      );
      if (flags.print) {
        ctx.stdout.write(`${r.url}\n`);
        return;
      }
      const { canOpenBrowser } = await import("../../platform/browser");
      const { consoleBrowserArgv, launchBrowser } = await import("../../console/open");
      const argv = canOpenBrowser(ctx.env)
        ? consoleBrowserArgv(r.url, ctx.env, process.platform, flags.browserProfile ?? r.browserProfile)
        : undefined;
      const opened = argv !== undefined && (await launchBrowser(argv, ctx.env));
      if (opened) {
        info(
          ctx,
          `Opened the console for ${r.profile}${r.accountId ? ` (account ${r.accountId})` : ""}; the link works once, within 15 minutes.`,
        );
        return;
      }
      info(ctx, "Could not open a browser here; open this URL (it works once, within 15 minutes):");
      ctx.stdout.write(`${r.url}\n`);
    });
}
