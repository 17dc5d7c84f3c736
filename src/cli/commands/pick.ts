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
      const { label, pickOne, prepare, rank, remember } = await import("../../sync/pick");
      const { readHistory, writeHistory } = await import("../../sync/history");
      const config = await loadAwsConfig(ctx.env);
      const prepared = prepare(await pickEntries(config, flags.ssoSession));
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
        const { search } = await import("@inquirer/prompts");
        try {
          chosen = await search(
            {
              message: "Profile (type to filter):",
              source: (term) =>
                rank(ranked, term ?? "", history, now)
                  .slice(0, 100)
                  .map((e) => ({ name: label(e), value: e })),
              pageSize: 15,
            },
            { output: process.stderr },
          );
        } catch (e) {
          if ((e as Error)?.name === "ExitPromptError")
            throw new PorticoError("cancelled", "Cancelled; nothing was chosen.", {
              exitCode: ExitCode.cancelled,
            });
          throw e;
        }
      }
      let next = remember(history, chosen.profile, now);
      next = remember(next, `account:${chosen.accountId}`, now);
      await writeHistory(config.paths, next).catch(() => undefined);
      printLine(ctx, chosen.profile);
    });
}
