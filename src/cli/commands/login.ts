/**
 * `portico login [--profile P | --sso-session S] [--device-code] [--no-browser] [--callback-port N] [--timeout S]`
 *
 * Flow choice: device code for legacy profiles, on request (--device-code), when no browser can be
 * opened (no BROWSER and no display, or an SSH session), or with --no-browser and no --callback-port;
 * otherwise authorization code + PKCE. Non-interactive runs (stdin not a TTY, --non-interactive)
 * never open a browser: they fail with exit 4 and the exact command, unless --device-code or
 * --no-browser was given, in which case the URL (and code) are printed to stderr and portico polls.
 */
import type { Command } from "commander";
import type { AwsPaths } from "../../config/paths";
import { ExitCode, PorticoError, usageError } from "../../errors";
import type { LoginResult } from "../../sso/login";
import type { SsoSession } from "../../sso/session";
import type { CliContext } from "../context";
import { info, printJson } from "../output";

export interface SignInFlags {
  deviceCode?: boolean;
  /** false when --no-browser was given. */
  browser?: boolean;
  callbackPort?: number;
  timeoutMs?: number;
  /** false when --no-qr was given. */
  qr?: boolean;
}

export function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw usageError(`--callback-port must be 1-65535, got "${s}"`);
  return n;
}

export function parseTimeout(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0)
    throw usageError(`--timeout must be a positive number of seconds, got "${s}"`);
  return Math.round(n * 1000);
}

/** The exit-4 error for a sign-in a non-interactive run cannot do, naming the exact command. */
export function nonInteractiveSignIn(selectArgs: string): PorticoError {
  const cmd = ["portico login", selectArgs].filter(Boolean).join(" ");
  return new PorticoError(
    "sign_in_required",
    "Signing in needs a browser or a terminal, and this run is non-interactive",
    {
      exitCode: ExitCode.signInRequired,
      hint: `${cmd}   (in a terminal; or, to print a URL and code here: ${cmd} --device-code --no-browser)`,
    },
  );
}

/**
 * Device code for legacy sessions, on request, with --no-browser, or when no browser can be opened;
 * PKCE otherwise. A --callback-port always means PKCE (its URL printed when no browser can open): the
 * user asked for the loopback port, typically to forward it over SSH.
 */
export function chooseFlow(
  kind: SsoSession["kind"],
  flags: SignInFlags,
  browserAllowed: boolean,
): "pkce" | "device" {
  if (flags.deviceCode || kind === "legacy") return "device";
  if (flags.callbackPort !== undefined) return "pkce";
  if (flags.browser === false) return "device";
  return browserAllowed ? "pkce" : "device";
}

/** Run a sign-in for `session` with the CLI's flow rules, spinner, Ctrl-C handling and messages. */
export async function signIn(
  ctx: CliContext,
  paths: AwsPaths,
  session: SsoSession,
  selectArgs: string,
  flags: SignInFlags,
): Promise<LoginResult> {
  const { checkStartUrlScheme } = await import("../../sso/start-url");
  checkStartUrlScheme(
    session.startUrl,
    ctx.env,
    `Fix sso_start_url in ${paths.configFileDisplay} (e.g. https://d-1234567890.awsapps.com/start)`,
  );
  const { canOpenBrowser, openBrowser } = await import("../../platform/browser");
  const explicitNoBrowser = flags.browser === false;
  if (!ctx.interactive && !flags.deviceCode && !explicitNoBrowser) throw nonInteractiveSignIn(selectArgs);
  const browserAllowed = ctx.interactive && !explicitNoBrowser && canOpenBrowser(ctx.env);
  const flow = chooseFlow(session.kind, flags, browserAllowed);

  // Remote sign-in help (docs/switching.md): a QR code of the complete device URL on a TTY without a
  // browser, and for PKCE on a forwarded --callback-port the exact ssh -L line.
  const remote = await import("../../remote/qr");
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true;
  const encodeQR =
    flow === "device" && remote.wantQr({ tty, noQr: flags.qr === false, browserAllowed })
      ? (await import("qr")).default
      : undefined;
  if (flow === "pkce" && flags.callbackPort !== undefined && !browserAllowed) {
    const { hostname, userInfo } = await import("node:os");
    info(
      ctx,
      `On the machine with the browser, forward the callback port first:\n  ${remote.sshForwardLine(flags.callbackPort, hostname(), userInfo().username)}\n`,
    );
  }
  const print = (t: string) => {
    info(ctx, t);
    const complete = /autofill the code upon loading:\n(\S+)\n?$/.exec(t)?.[1];
    if (encodeQR && complete)
      ctx.stderr.write(remote.renderHalfBlocks(remote.qrModules(encodeQR, complete), ctx.color));
  };
  const { startSpinner } = await import("../../platform/tty");
  const { login } = await import("../../sso/login");
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  let spinner: ReturnType<typeof startSpinner> | undefined;
  try {
    return await login(
      {
        env: ctx.env,
        now: ctx.now,
        paths,
        print,
        ...(browserAllowed ? { openBrowser: (url: string) => openBrowser(url, ctx.env) } : {}),
        waiting: (on) => {
          if (on) spinner = startSpinner(ctx.stderr, ctx.color, "Waiting for authorization…");
          else spinner?.stop();
        },
        signal: abort.signal,
      },
      session,
      {
        flow,
        ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
        ...(flags.callbackPort !== undefined ? { callbackPort: flags.callbackPort } : {}),
      },
      selectArgs,
    );
  } finally {
    spinner?.stop();
    process.removeListener("SIGINT", onSigint);
  }
}

interface LoginFlags {
  profile?: string;
  ssoSession?: string;
  deviceCode?: boolean;
  browser?: boolean;
  callbackPort?: string;
  timeout?: string;
  json?: boolean;
  qr?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("login")
    .description(
      "sign in to IAM Identity Center (browser + PKCE, or device code) and cache the token like the AWS CLI",
    )
    .option("--profile <name>", "sign in for this profile's SSO session (default: AWS_PROFILE or default)")
    .option("--sso-session <name>", "sign in to this [sso-session]")
    .option("--device-code", "use the device-code flow (a code you confirm on any device)")
    .option("--no-browser", "do not open a browser; print the URL instead")
    .option("--callback-port <port>", "PKCE loopback port on 127.0.0.1 (e.g. to forward it over SSH)")
    .option("--timeout <seconds>", "give up waiting for the authorization after this long (default 600)")
    .option("--no-qr", "do not show a QR code of the sign-in URL (shown on a terminal without a browser)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExample:\n  portico login --profile dev\n  portico login --sso-session my-sso --device-code --no-browser   # over SSH\n",
    )
    .action(async (flags: LoginFlags) => {
      if (flags.profile !== undefined && flags.ssoSession !== undefined)
        throw usageError("Use either --profile or --sso-session, not both");
      const callbackPort = parsePort(flags.callbackPort);
      const timeoutMs = parseTimeout(flags.timeout);
      const { loadAwsConfig } = await import("../../config/load");
      const { resolveProfileName } = await import("../../config/paths");
      const { ssoSessionByName, ssoSessionForProfile, shellWord } = await import("../../sso/session");
      const config = await loadAwsConfig(ctx.env);
      let session: SsoSession;
      let selectArgs: string;
      if (flags.ssoSession !== undefined) {
        session = ssoSessionByName(config, flags.ssoSession);
        selectArgs = `--sso-session ${shellWord(flags.ssoSession)}`;
      } else {
        const profile = resolveProfileName(ctx.env, flags.profile);
        session = ssoSessionForProfile(config, profile);
        selectArgs = profile.source === "default" ? "" : `--profile ${shellWord(profile.name)}`;
      }
      const result = await signIn(ctx, config.paths, session, selectArgs, {
        ...(flags.deviceCode ? { deviceCode: true } : {}),
        ...(flags.browser === false ? { browser: false } : {}),
        ...(callbackPort !== undefined ? { callbackPort } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(flags.qr === false ? { qr: false } : {}),
      }).catch((e: unknown) => {
        throw runAgainHint(e, selectArgs, flags);
      });
      if (flags.json) {
        printJson(ctx, {
          startUrl: session.startUrl,
          ssoRegion: session.region,
          ssoSession: session.sessionName ?? null,
          flow: result.flow,
          expiresAt: result.token.expiresAt.toISOString(),
          refreshable: result.token.refreshToken !== undefined,
          registrationReused: result.registrationReused,
        });
      }
      info(ctx, `Successfully logged into Start URL: ${session.startUrl}`);
    });
}

/** Why a sign-in needs running again, per error code, beside the command to run. */
const RUN_AGAIN: Record<string, string> = {
  login_timeout: "approve the request in time, or add --timeout SECONDS",
  authorization_expired: "approve the request in time, or add --timeout SECONDS",
  access_denied: "approve the request in the browser, or ask your administrator for access",
  state_mismatch: "if it repeats, something else answered on the callback port",
};

/** A sign-in that must be run again: the hint is this same login command. */
function runAgainHint(e: unknown, selectArgs: string, flags: LoginFlags): unknown {
  const why = e instanceof PorticoError ? RUN_AGAIN[e.code] : undefined;
  if (!(e instanceof PorticoError) || why === undefined) return e;
  const cmd = [
    "portico login",
    selectArgs,
    flags.deviceCode ? "--device-code" : "",
    flags.browser === false ? "--no-browser" : "",
    flags.callbackPort !== undefined ? `--callback-port ${flags.callbackPort}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const note = e.details?.["hintNote"];
  const tail = typeof note === "string" ? ` ${note}` : "";
  return new PorticoError(e.code, e.message, {
    exitCode: e.exitCode,
    hint: `${cmd}   (${why})${tail ? `.${tail}` : ""}`,
    ...(e.details ? { details: e.details } : {}),
    cause: e,
  });
}
