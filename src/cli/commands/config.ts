/**
 * `portico config show|inspect|lint|get|set|unset`: the AWS config files as botocore reads them, and
 * in-place edits of one key (docs/reference.md §1, §9.1). Thin: flags → src/config → render.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { configError, ExitCode, errorCodes, PorticoError, usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, printJson, printLine } from "../output";

interface TargetFlags {
  profile?: string;
  ssoSession?: string;
  json?: boolean;
}

const SECRET_KEYS = new Set(["aws_secret_access_key", "aws_session_token", "aws_security_token"]);

async function targetRef(ctx: CliContext, opts: TargetFlags) {
  if (opts.profile !== undefined && opts.ssoSession !== undefined)
    throw usageError("give either --profile or --sso-session, not both", "portico config get --help");
  if (opts.ssoSession !== undefined) return { kind: "sso-session" as const, name: opts.ssoSession };
  const { resolveProfileName } = await import("../../config/paths");
  return { kind: "profile" as const, name: resolveProfileName(ctx.env, opts.profile).name };
}

const describeRef = (ref: { kind: string; name: string }) => `${ref.kind} "${ref.name}"`;

/** The profile / sso-session names no section: say so (not "key unset"), with the command that creates it. */
function missingSection(
  ref: { kind: "profile" | "sso-session"; name: string },
  create: string,
): PorticoError {
  return ref.kind === "profile"
    ? configError("profile_not_found", `The config profile (${ref.name}) could not be found`, {
        hint: `create it with: ${create} (or list the profiles: portico profiles)`,
        details: { profile: ref.name },
      })
    : configError("sso_session_not_found", `The specified sso-session does not exist: "${ref.name}"`, {
        hint: `create it with: ${create}`,
        details: { ssoSession: ref.name },
      });
}

export function register(program: Command, ctx: CliContext): void {
  const config = program
    .command("config")
    .description("read, check and edit the AWS config files exactly as the AWS CLI reads them")
    .addHelpText(
      "after",
      "\nExamples:\n  portico config show --profile dev\n  portico config lint\n  portico config set region eu-north-1 --profile dev\n",
    );

  config
    .command("show")
    .description(
      "the effective profile, keys and region, with where each comes from (like aws configure list)",
    )
    .option("--profile <name>", "the profile (default: AWS_PROFILE, AWS_DEFAULT_PROFILE or default)")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExample:\n  portico config show --profile dev --json\n")
    .action(async (opts: { profile?: string; json?: boolean }) => {
      const { loadAwsConfig } = await import("../../config/load");
      const { configShowRows, formatShowRows } = await import("../../config/show");
      const rows = configShowRows(await loadAwsConfig(ctx.env), ctx.env, opts.profile);
      if (opts.json) printJson(ctx, rows);
      else for (const l of formatShowRows(rows)) printLine(ctx, l);
    });

  config
    .command("inspect [file]")
    .description("print the file exactly as botocore's raw_config_parse reads it (JSON)")
    .option("--json", "print JSON (the only format; accepted for symmetry)")
    .addHelpText("after", "\nExample:\n  portico config inspect ~/.aws/config --json\n")
    .action(async (file: string | undefined) => {
      const { awsPaths } = await import("../../config/paths");
      const { readConfigText } = await import("../../config/load");
      const { parseOrThrow, rawConfigToJson } = await import("../../config/botocore");
      const paths = awsPaths(ctx.env);
      const target = file ?? paths.configFile;
      const display = file ?? paths.configFileDisplay;
      const text = await readConfigText(target, display);
      if (text === undefined)
        throw configError("config_not_found", `the config file (${display}) could not be found`, {
          hint: "give an existing file: portico config inspect FILE",
        });
      const parsed = parseOrThrow(text, target, display);
      ctx.stdout.write(`${rawConfigToJson(parsed.raw)}\n`);
    });

  config
    .command("lint [file]")
    .description(
      "report every problem at once: what botocore refuses, what the AWS SDK for JavaScript reads differently, broken SSO profiles, names other tools cannot read",
    )
    .option("--credentials", "FILE is a credentials file (section names used verbatim)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExit status: 0 clean, 1 findings, 3 a FILE that does not exist.\nWithout FILE, both the config and the credentials file are checked.\n\nExample:\n  portico config lint\n  portico config lint ./config --json\n",
    )
    .action(async (file: string | undefined, opts: { credentials?: boolean; json?: boolean }) => {
      const { awsPaths } = await import("../../config/paths");
      const { readConfigText } = await import("../../config/load");
      const { lintFiles } = await import("../../config/lint");
      const paths = awsPaths(ctx.env);
      const targets: { file: string; display: string; kind: "config" | "credentials" }[] = file
        ? [
            {
              file,
              display: file,
              kind:
                opts.credentials || path.resolve(file) === paths.credentialsFile ? "credentials" : "config",
            },
          ]
        : [
            { file: paths.configFile, display: paths.configFileDisplay, kind: "config" },
            { file: paths.credentialsFile, display: paths.credentialsFileDisplay, kind: "credentials" },
          ];
      const inputs = [];
      const missing: string[] = [];
      for (const t of targets) {
        try {
          const text = await readConfigText(t.file, t.display);
          if (text === undefined) missing.push(t.display);
          if (text === undefined && file !== undefined)
            throw configError("config_not_found", `the file (${t.display}) could not be found`, {
              hint: "give an existing file: portico config lint FILE",
            });
          inputs.push({ file: t.display, kind: t.kind, text });
        } catch (e) {
          if (e instanceof PorticoError && e.code === "config_parse")
            inputs.push({
              file: t.display,
              kind: t.kind,
              text: undefined,
              invalidUtf8: true,
              ...(typeof e.details?.["line"] === "number" ? { invalidUtf8Line: e.details["line"] } : {}),
            });
          else throw e;
        }
      }
      const findings = lintFiles(inputs);
      if (opts.json) printJson(ctx, { files: targets.map((t) => t.display), findings });
      else
        for (const f of findings)
          printLine(ctx, `${f.file}:${f.line}: ${f.severity}: ${f.message} [${f.code}]`);
      if (findings.length > 0) {
        // Findings are the command's answer (on stdout, or in its --json), not a failure to report: exit 1.
        const errors = findings.filter((f) => f.severity === "error").length;
        info(
          ctx,
          `portico: ${findings.length} finding(s) (${errors} error(s), ${findings.length - errors} warning(s))`,
        );
        info(ctx, "hint: fix the lines above; portico itself only writes what every tool reads");
        return errorCodes.lint_findings;
      }
      if (!opts.json) {
        const checked = targets.map((t) => t.display).filter((d) => !missing.includes(d));
        info(
          ctx,
          [
            ...(checked.length > 0 ? [`no problems in ${checked.join(", ")}`] : []),
            ...missing.map((d) => `${d}: not found`),
          ].join("; "),
        );
      }
    });

  const target = (cmd: Command) =>
    cmd
      .option("--profile <name>", "a profile (default: AWS_PROFILE, AWS_DEFAULT_PROFILE or default)")
      .option("--sso-session <name>", "an [sso-session NAME] section instead of a profile");

  target(
    config
      .command("get <key>")
      .description(
        "print one key of a profile (config and credentials files merged, like aws configure get) or sso-session",
      )
      .option("--json", "print JSON")
      .addHelpText(
        "after",
        "\nExit status: 1 when the key is not set.\n\nExample:\n  portico config get region --profile dev\n",
      ),
  ).action(async (key: string, opts: TargetFlags) => {
    const ref = await targetRef(ctx, opts);
    const { loadAwsConfig } = await import("../../config/load");
    const cfg = await loadAwsConfig(ctx.env);
    const section = (ref.kind === "profile" ? cfg.profiles : cfg.ssoSessions).get(ref.name);
    if (!section)
      throw missingSection(ref, `portico config set ${key} VALUE --${ref.kind} ${ref.name} --create`);
    const value = section.values[key.toLowerCase()];
    if (value === undefined) {
      throw new PorticoError("config_key_unset", `"${key}" is not set in ${describeRef(ref)}`, {
        exitCode: ExitCode.internal,
        hint: `set it with: portico config set ${key} VALUE --${ref.kind} ${ref.name}`,
      });
    }
    if (opts.json)
      printJson(ctx, {
        key: key.toLowerCase(),
        value,
        file: section.keyFiles[key.toLowerCase()],
        line: section.keyLines[key.toLowerCase()],
      });
    else printLine(ctx, typeof value === "string" ? value : JSON.stringify(value));
  });

  target(
    config
      .command("set <key> <value>")
      .description(
        "set one key in place in the config file (only that line changes; the same value leaves the file byte-identical)",
      )
      .option("--create", "create the profile or sso-session if it does not exist")
      .option("--json", "print JSON")
      .addHelpText(
        "after",
        "\nA profile or sso-session that does not exist is created only with --create (or after a yes on a terminal).\n\nExample:\n  portico config set region eu-north-1 --profile dev\n  portico config set region eu-north-1 --profile new --create\n",
      ),
  ).action(async (key: string, value: string, opts: TargetFlags & { create?: boolean }) => {
    if (SECRET_KEYS.has(key.toLowerCase()))
      throw usageError(
        `refusing to take ${key} on the command line (it would be visible to other processes and your shell history)`,
        "put static keys in the credentials file with an editor, or use SSO: portico configure sso",
      );
    const ref = await targetRef(ctx, opts);
    const { awsPaths } = await import("../../config/paths");
    const { checkKey, checkName, checkValue, editConfigFile } = await import("../../config/edit");
    const paths = awsPaths(ctx.env);
    // What the edit would refuse is said first (usage, exit 2); then whether the section exists.
    checkName(ref.kind, ref.name);
    checkKey(key);
    checkValue(key, value);
    if (!opts.create) {
      const { loadAwsConfig } = await import("../../config/load");
      const cfg = await loadAwsConfig(ctx.env);
      if (!(ref.kind === "profile" ? cfg.profiles : cfg.ssoSessions).has(ref.name)) {
        const again = `portico config set ${key} ${value} --${ref.kind} ${ref.name} --create`;
        if (!ctx.interactive) throw missingSection(ref, again);
        const { confirm } = await import("@inquirer/prompts");
        const yes = await confirm(
          { message: `The ${describeRef(ref)} does not exist. Create it?`, default: false },
          { output: process.stderr },
        ).catch((e: unknown) => {
          if ((e as Error)?.name === "ExitPromptError")
            throw new PorticoError("cancelled", "Cancelled; nothing was written.");
          throw e;
        });
        if (!yes) throw missingSection(ref, again);
      }
    }
    const r = await editConfigFile(paths.configFile, (d) => d.set(ref, key, value));
    if (opts.json) printJson(ctx, { changed: r.changed, file: paths.configFile });
    else
      info(
        ctx,
        r.changed
          ? `set ${key} in ${describeRef(ref)} (${paths.configFileDisplay})`
          : `${key} already has that value; ${paths.configFileDisplay} unchanged`,
      );
  });

  target(
    config
      .command("unset <key>")
      .description("remove one key from a profile or sso-session in the config file")
      .option("--json", "print JSON")
      .addHelpText("after", "\nExample:\n  portico config unset output --profile dev\n"),
  ).action(async (key: string, opts: TargetFlags) => {
    const ref = await targetRef(ctx, opts);
    const { awsPaths } = await import("../../config/paths");
    const { editConfigFile } = await import("../../config/edit");
    const paths = awsPaths(ctx.env);
    const r = await editConfigFile(paths.configFile, (d) => d.unset(ref, key));
    if (opts.json) printJson(ctx, { changed: r.changed, file: paths.configFile });
    else
      info(
        ctx,
        r.changed
          ? `removed ${key} from ${describeRef(ref)} (${paths.configFileDisplay})`
          : `${key} was not set in ${describeRef(ref)}; nothing changed`,
      );
  });
}
