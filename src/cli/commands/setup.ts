/**
 * `portico setup [START_URL]`: from nothing to a profile for every account and role in one command
 * (docs/sync.md "Setup"). Asks only what it cannot find out (the start URL; the region when the URL
 * does not name it); every answer has a flag; with --non-interactive (or no TTY) a missing answer or
 * a needed confirmation fails with exit 4 and the exact command. Then: the [sso-session], the sign-in
 * (PKCE, or device code where no browser opens), and `portico sync`.
 */
import type { Command } from "commander";
import { ExitCode, PorticoError, usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, printJson } from "../output";
import { signIn } from "./login";

interface SetupFlags {
  preset?: string;
  ssoSession?: string;
  ssoRegion?: string;
  deviceCode?: boolean;
  browser?: boolean;
  name?: string;
  region?: string;
  output?: string;
  yes?: boolean;
  json?: boolean;
  shell?: boolean;
  shellKind?: string;
  shellName?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("setup")
    .description("set up an SSO session, sign in, and write a profile for every account and role")
    .argument("[start-url]", "the AWS access portal URL (or your organisation's own URL for it)")
    .option("--preset <file|url>", "an organisation preset (JSON or INI): start URL, region, names, defaults")
    .option("--sso-session <name>", "the [sso-session] name (default: from the start URL's host)")
    .option(
      "--sso-region <region>",
      "the IAM Identity Center region (default: from the start URL, else asked)",
    )
    .option("--device-code", "sign in with the device-code flow")
    .option("--no-browser", "do not open a browser; print the URL instead")
    .option("--name <template>", "profile name template (see portico sync --help)")
    .option("--region <region>", "default client region of the generated profiles")
    .option("--output <format>", "default output format of the generated profiles")
    .option("-y, --yes", "write without asking")
    .option("--shell", "install the shell integration (pc) in your shell's rc file without asking")
    .option("--no-shell", "do not install the shell integration, and do not ask")
    .option("--shell-kind <shell>", "with --shell: bash, zsh, fish or pwsh (default: from $SHELL)")
    .option("--shell-name <name>", "with --shell: name of the switch function (default pc)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  portico setup https://acme.awsapps.com/start\n  portico setup --preset https://intranet.example.com/aws/portico.json --yes\n  portico --non-interactive setup https://acme.awsapps.com/start --sso-region eu-west-1 --device-code --yes\n",
    )
    .action(async (startArg: string | undefined, flags: SetupFlags) => setupAction(ctx, startArg, flags));
}

async function setupAction(ctx: CliContext, startArg: string | undefined, flags: SetupFlags): Promise<void> {
  const { parsePreset, defaultSessionName } = await import("../../sync/setup");
  const { resolveStartUrl } = await import("../../sso/start-url");
  const { shellWord } = await import("../../sso/session");
  // Checked before anything is asked or written: a --shell that cannot tell the shell stops here.
  const shellFirst = await shellChoice(ctx, flags);
  const preset = flags.preset ? parsePreset(await readPreset(ctx, flags.preset), flags.preset) : {};
  const command = (extra: Record<string, string | undefined>, more: string[] = []) => {
    const w = ["portico", "setup"];
    const url = extra["url"] ?? startArg;
    if (url) w.push(shellWord(url));
    const add = (f: string, v: string | undefined) => v !== undefined && w.push(f, shellWord(v));
    add("--preset", flags.preset);
    add("--sso-session", flags.ssoSession);
    add("--sso-region", extra["ssoRegion"] ?? flags.ssoRegion);
    if (flags.deviceCode) w.push("--device-code");
    if (flags.browser === false) w.push("--no-browser");
    add("--name", flags.name);
    add("--region", flags.region);
    add("--output", flags.output);
    if (flags.shell !== undefined) w.push(flags.shell ? "--shell" : "--no-shell");
    add("--shell-kind", flags.shellKind);
    add("--shell-name", flags.shellName);
    return [...w, ...more].join(" ");
  };
  const ask = async (message: string, flag: string, hint: string): Promise<string> => {
    if (!ctx.interactive)
      throw new PorticoError("answer_required", `${message} is needed and this run cannot ask (${flag})`, {
        exitCode: ExitCode.signInRequired,
        hint,
      });
    const { input } = await import("@inquirer/prompts");
    return (await input({ message: `${message}:`, required: true }, { output: process.stderr })).trim();
  };

  const startUrl =
    startArg ??
    preset.startUrl ??
    (await ask("The AWS access portal URL", "START_URL", command({ url: "https://<id>.awsapps.com/start" })));
  const resolved = await resolveStartUrl(startUrl, ctx.env);
  const host = (u: string) => {
    try {
      return new URL(u).host;
    } catch {
      return u;
    }
  };
  // How the region was chosen, for the wrong-region error (src/sso/login.ts wrongRegionError).
  const regionHow =
    flags.ssoRegion !== undefined
      ? "given with --sso-region"
      : preset.ssoRegion !== undefined
        ? `from the preset ${flags.preset}`
        : resolved.region !== undefined
          ? resolved.vanity
            ? `from the host ${host(resolved.url)} that ${startUrl} redirects to`
            : `from the start URL's host ${host(startUrl)}`
          : "as entered";
  const ssoRegion =
    flags.ssoRegion ??
    preset.ssoRegion ??
    resolved.region ??
    (await ask(
      "The IAM Identity Center region (shown in its settings, e.g. eu-west-1)",
      "--sso-region",
      command({ url: startUrl, ssoRegion: "<region>" }),
    ));
  const sessionName = flags.ssoSession ?? preset.ssoSession ?? defaultSessionName(resolved.url);

  // 1. The [sso-session]: shown, confirmed (or --yes), written through the config layer.
  const { loadAwsConfig } = await import("../../config/load");
  const { editConfigFile } = await import("../../config/edit");
  let config = await loadAwsConfig(ctx.env);
  const want: [string, string][] = [
    ["sso_start_url", startUrl],
    ["sso_region", ssoRegion],
    ["sso_registration_scopes", "sso:account:access"],
  ];
  const current = config.ssoSessions.get(sessionName)?.values ?? {};
  const missing = want.filter(([k, v]) => current[k] !== v);
  if (missing.length > 0) {
    info(
      ctx,
      `portico setup will write to ${config.paths.configFileDisplay}:\n\n[sso-session ${sessionName}]\n${want.map(([k, v]) => `${k} = ${v}`).join("\n")}\n`,
    );
    if (!flags.yes) {
      if (!ctx.interactive)
        throw new PorticoError(
          "answer_required",
          "portico setup asks before it writes, and this run cannot ask",
          {
            exitCode: ExitCode.signInRequired,
            hint: command({ url: startUrl }, ["--yes"]),
          },
        );
      const { confirm } = await import("@inquirer/prompts");
      if (!(await confirm({ message: "Write it?", default: true }, { output: process.stderr })))
        throw new PorticoError("cancelled", "Cancelled; nothing was written.", {
          exitCode: ExitCode.cancelled,
        });
    }
    await editConfigFile(config.paths.configFile, (ed) => {
      for (const [k, v] of missing) ed.set({ kind: "sso-session", name: sessionName }, k, v);
    });
    config = await loadAwsConfig(ctx.env);
  }

  // 2. Sign in unless a usable token is cached.
  const { ssoSessionByName } = await import("../../sso/session");
  const { getSsoToken } = await import("../../sso/token-provider");
  const session = ssoSessionByName(config, sessionName);
  const selectArgs = `--sso-session ${shellWord(sessionName)}`;
  try {
    await getSsoToken({ env: ctx.env, now: ctx.now, paths: config.paths }, session, selectArgs);
  } catch (e) {
    if (!(e instanceof PorticoError && e.code === "sign_in_required")) throw e;
    try {
      await signIn(ctx, config.paths, session, selectArgs, {
        ...(flags.deviceCode ? { deviceCode: true } : {}),
        ...(flags.browser === false ? { browser: false } : {}),
      });
    } catch (e) {
      // A refusal that points at the region: say which was tried, how it was chosen, how to redo it.
      const { wrongRegionError } = await import("../../sso/login");
      throw wrongRegionError(
        e,
        { region: ssoRegion, startUrl },
        { how: regionHow, fix: command({ url: startUrl, ssoRegion: "<region>" }) },
        resolved.url,
      );
    }
    info(ctx, `Successfully logged into Start URL: ${startUrl}`);
  }

  // 3. Every account and role.
  const { runSync } = await import("../../sync/sync");
  const { phaseLine } = await import("../../sync/progress");
  let last: string | undefined;
  const result = await runSync(
    {
      env: ctx.env,
      now: ctx.now,
      config,
      progress: (p) => {
        const line = phaseLine(p, last as typeof p.phase | undefined);
        last = p.phase;
        if (line && !flags.json) info(ctx, line);
      },
    },
    {
      ssoSession: sessionName,
      ...((flags.name ?? preset.nameTemplate) !== undefined
        ? { template: (flags.name ?? preset.nameTemplate)! }
        : {}),
      ...((flags.region ?? preset.region) !== undefined ? { region: (flags.region ?? preset.region)! } : {}),
      ...((flags.output ?? preset.output) !== undefined ? { output: (flags.output ?? preset.output)! } : {}),
      ...(preset.filters ? { filters: preset.filters } : {}),
    },
  );
  // The picker's index, so the first `pc` / `portico pick` draws at once (src/sync/pick-index.ts).
  await (await import("../../sync/pick-list")).buildPickIndex(ctx.env).catch(() => false);

  // 4. The shell integration: asked (default yes) on a TTY, `--shell` unattended, never otherwise.
  const shell = await offerShell(ctx, flags, shellFirst);
  if (flags.json) {
    printJson(ctx, {
      ssoSession: sessionName,
      startUrl,
      serviceStartUrl: resolved.url,
      ssoRegion,
      sync: result,
      shell: shell.installed ?? null,
    });
    return;
  }
  info(
    ctx,
    `${result.profiles} profiles from ${result.accounts} accounts in ${config.paths.configFileDisplay} (${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed, ${result.skipped.length} skipped).`,
  );
  if (shell.message) info(ctx, shell.message);
  const example = result.added[0] ?? result.changed[0];
  info(ctx, "\nNext:");
  if (example)
    info(ctx, `  aws sts get-caller-identity --profile ${example}   # any AWS tool, no further sign-in`);
  info(ctx, "  portico pick                                   # choose a profile by typing");
  if (!shell.installed) info(ctx, `  ${shell.command}   # shell integration (switch profiles with pc)`);
  info(ctx, `  portico sync ${selectArgs}                 # later: pick up new accounts and roles`);
}

/**
 * The shell-integration step of setup (src/shell/install.ts): `--shell` installs for `--shell-kind` or
 * $SHELL; `--no-shell` skips; otherwise an interactive run asks (default yes) and a non-interactive
 * one leaves the rc files alone and only names the command.
 */
async function shellChoice(
  ctx: CliContext,
  flags: SetupFlags,
): Promise<{ kind?: import("../../shell/quote").Shell; name: string; command: string }> {
  const { installCommand, shellFromEnv, SHELLS } = await import("../../shell/install");
  const { checkFunctionName } = await import("../../shell/init");
  const name = checkFunctionName(flags.shellName ?? "pc");
  let kind = shellFromEnv(ctx.env);
  if (flags.shellKind !== undefined) {
    if (!(SHELLS as readonly string[]).includes(flags.shellKind))
      throw usageError(
        `--shell-kind must be one of ${SHELLS.join(", ")}, got ${JSON.stringify(flags.shellKind)}`,
        "portico setup --shell --shell-kind bash",
      );
    kind = flags.shellKind as (typeof SHELLS)[number];
  }
  if (!kind && flags.shell)
    throw usageError(
      `--shell cannot tell your shell (SHELL is ${JSON.stringify(ctx.env["SHELL"] ?? "")}); say which with --shell-kind`,
      "portico setup --shell --shell-kind bash",
    );
  const command = kind ? installCommand(kind, name) : "portico shell-init bash|zsh|fish|pwsh --install";
  return { ...(kind ? { kind } : {}), name, command };
}

async function offerShell(
  ctx: CliContext,
  flags: SetupFlags,
  choice: Awaited<ReturnType<typeof shellChoice>>,
): Promise<{
  installed?: import("../../shell/install").RcInstallResult;
  message?: string;
  command: string;
}> {
  const { describeInstall, installShellIntegration, rcFileFor, tildePath } = await import(
    "../../shell/install"
  );
  const { kind, name, command } = choice;
  if (flags.shell === false || !kind) return { command };
  if (flags.shell !== true) {
    if (!ctx.interactive) return { command };
    const { confirm } = await import("@inquirer/prompts");
    const yes = await confirm(
      {
        message: `Add the shell integration (${name}) to ${tildePath(rcFileFor(kind, ctx.env), ctx.env)}?`,
        default: true,
      },
      { output: process.stderr },
    );
    if (!yes) return { command };
  }
  const installed = await installShellIntegration(kind, ctx.env, { name });
  return { installed, message: describeInstall(installed, ctx.env), command };
}

/** A preset from a file, or from an https URL (plain http only under the configured endpoint). */
async function readPreset(ctx: CliContext, where: string): Promise<string> {
  if (/^https?:\/\//i.test(where)) {
    const { checkStartUrlScheme } = await import("../../sso/start-url");
    checkStartUrlScheme(where, ctx.env, "publish the preset over https");
    let r: Response;
    try {
      r = await fetch(where, { redirect: "follow", signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      throw new PorticoError(
        "setup_preset_unreadable",
        `Cannot fetch the preset ${where} (${(e as Error).message})`,
        {
          exitCode: ExitCode.service,
          hint: "check the URL and your network, or download it and pass --preset FILE",
          cause: e,
        },
      );
    }
    if (!r.ok)
      throw new PorticoError(
        "setup_preset_unreadable",
        `Cannot fetch the preset ${where} (HTTP ${r.status})`,
        {
          exitCode: ExitCode.service,
          hint: "check the URL, or download it and pass --preset FILE",
        },
      );
    const text = await r.text();
    if (text.length > 65_536)
      throw new PorticoError("setup_preset_invalid", `The preset ${where} is larger than 64 KiB`, {
        exitCode: ExitCode.config,
      });
    return text;
  }
  const { readFile } = await import("node:fs/promises");
  try {
    return await readFile(where, "utf8");
  } catch (e) {
    throw new PorticoError(
      "setup_preset_unreadable",
      `Cannot read the preset ${where} (${(e as Error).message})`,
      {
        exitCode: ExitCode.config,
        hint: "pass the path of the preset file, or its https URL",
        cause: e,
      },
    );
  }
}
