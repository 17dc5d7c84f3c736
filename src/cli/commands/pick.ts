/**
 * `portico pick [--sso-session S] [QUERY]`: choose a profile from every account × role; prints the
 * profile name on stdout (for scripts and the shell integration). Recent choices first; a QUERY that
 * names or matches exactly one profile is printed without asking; `--json` lists instead of asking.
 * The list comes from the config and the discovery cache: no network.
 */
import type { Command } from "commander";
import { ExitCode, PorticoError } from "../../errors";
import type { CliContext } from "../context";
import { printJson, printLine } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("pick")
    .description("choose a profile (type to filter; recent first) and print its name")
    .argument("[query...]", "words that must all match the profile, account name, account id or role")
    .option("--sso-session <name>", "only profiles of this [sso-session]")
    .option("--json", "print the matching profiles as JSON instead of asking")
    .addHelpText(
      "after",
      "\nExamples:\n  portico pick                       # type to filter, Enter prints the profile name\n  export AWS_PROFILE=$(portico pick prod admin)\n  portico pick --json prod\n",
    )
    .action(async (words: string[], flags: { ssoSession?: string; json?: boolean }) => {
      const query = words.join(" ");
      const { loadAwsConfig } = await import("../../config/load");
      const { pickEntries } = await import("../../sync/pick-list");
      const { pickOne, prepare, rank, remember, roleKey } = await import("../../sync/pick");
      const { readHistory, writeHistory } = await import("../../sync/history");
      const { awsPaths } = await import("../../config/paths");
      const { fileStamp, writePickIndex } = await import("../../sync/pick-index");
      // The picker's index (src/sync/pick-index.ts) for the fast path: every entry, from files whose
      // stamps are taken before they are read.
      const paths = awsPaths(ctx.env);
      const stamps = new Map([paths.configFile, paths.credentialsFile].map((f) => [f, fileStamp(f)]));
      const config = await loadAwsConfig(ctx.env);
      const all = await pickEntries(config, undefined, stamps);
      await writePickIndex(config.paths, stamps, all);
      const prepared = prepare(
        flags.ssoSession === undefined ? all : all.filter((e) => e.ssoSession === flags.ssoSession),
      );
      const history = await readHistory(config.paths);
      const now = ctx.now().getTime();
      const ranked = rank(prepared, query, history, now);
      if (flags.json) {
        printJson(
          ctx,
          ranked.map(({ profile, accountId, accountName, roleName, ssoSession }) => ({
            profile,
            accountId,
            ...(accountName ? { accountName } : {}),
            roleName,
            ...(ssoSession ? { ssoSession } : {}),
          })),
        );
        return;
      }
      if (prepared.length === 0)
        throw new PorticoError("pick_no_profiles", "There are no SSO profiles to pick from", {
          exitCode: ExitCode.config,
          hint: `portico sync${flags.ssoSession ? ` --sso-session ${flags.ssoSession}` : ""}   (writes a profile for every account and role)`,
        });
      let chosen = query === "" ? undefined : pickOne(ranked, query);
      if (!chosen && !ctx.interactive)
        throw new PorticoError(
          "pick_choice_required",
          query === ""
            ? `${prepared.length} profiles; this run cannot ask which`
            : ranked.length === 0
              ? `No profile matches "${query}"`
              : `${ranked.length} profiles match "${query}" (${ranked
                  .slice(0, 5)
                  .map((e) => e.profile)
                  .join(", ")}${ranked.length > 5 ? ", …" : ""}); say which`,
          {
            exitCode: ExitCode.signInRequired,
            hint: `list them with: portico pick --json${query ? ` ${query}` : ""}`,
          },
        );
      if (!chosen) {
        const { pickInteractively } = await import("../../sync/pick-tui");
        const input = process.stdin;
        const output = process.stderr;
        if (!input.isTTY || !output.isTTY)
          throw new PorticoError(
            "pick_choice_required",
            "portico pick needs a terminal to ask which profile",
            {
              exitCode: ExitCode.signInRequired,
              hint: `list them with: portico pick --json${query ? ` ${query}` : ""}`,
            },
          );
        chosen = await pickInteractively(ranked, history, now, { input, output, color: ctx.color });
        if (!chosen)
          throw new PorticoError("cancelled", "Cancelled; nothing was chosen.", {
            exitCode: ExitCode.cancelled,
          });
      }
      let next = remember(history, chosen.profile, now);
      next = remember(next, `account:${chosen.accountId}`, now);
      next = remember(next, roleKey(chosen.accountId, chosen.roleName), now);
      await writeHistory(config.paths, next).catch(() => undefined);
      printLine(ctx, chosen.profile);
    });
}
