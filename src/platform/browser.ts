/**
 * Opening URLs for people, safely. A server-supplied URL is opened or printed only when it is https
 * on an IAM Identity Center sign-in host (`isTrustedSignInHost`, docs/security.md) or lies under the
 * configured endpoint override (AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL). The opener honours BROWSER like git and
 * Python's webbrowser (the AWS CLI): a command line, `%s` replaced by the URL if present, else the
 * URL appended as one argument; never through a shell.
 */
import { spawn } from "node:child_process";
import { ExitCode, PorticoError } from "../errors";

/**
 * The IAM Identity Center sign-in hosts, by partition (docs/security.md "Trusted hosts" lists each
 * with its source). `region` is the partition's region pattern; `dns`/`dual` its DNS suffixes.
 */
const PARTITIONS: readonly { id: string; region: RegExp; dns: string; dual: string }[] = [
  { id: "aws", region: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/, dns: "amazonaws.com", dual: "api.aws" },
  { id: "aws-us-gov", region: /^us-gov-[a-z]+-\d+$/, dns: "amazonaws.com", dual: "api.aws" },
  { id: "aws-cn", region: /^cn-[a-z]+-\d+$/, dns: "amazonaws.com.cn", dual: "api.amazonwebservices.com.cn" },
  { id: "aws-eusc", region: /^eusc-de-[a-z]+-\d+$/, dns: "amazonaws.eu", dual: "api.amazonwebservices.eu" },
];

/** Start-portal hosts any label (or labels) under which belong to Identity Center instances. */
const PORTAL_SUFFIXES = ["awsapps.com", "awsapps.cn"];

/** Hosts accepted exactly (the CLI's AWS-owned exact list, docs/reference.md §3.5). */
const EXACT_HOSTS = new Set([
  "identitycenter.amazonaws.com",
  "identitycenter.amazonaws.com.cn",
  "identitycenter.amazonaws.eu",
  "identitycenter.us-gov.amazonaws.com",
]);

/** One DNS label as AWS issues them: letters, digits, inner hyphens; no punycode (xn--). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isLabel(s: string): boolean {
  return LABEL.test(s) && !s.startsWith("xn--");
}

function anyRegion(r: string): boolean {
  return PARTITIONS.some((p) => p.region.test(r));
}

/**
 * Whether `host` (a URL's hostname: lower-case, ASCII, as WHATWG URL gives it) is one of the hosts the
 * Identity Center device and authorize flows use:
 * - `oidc.<region>.<dns|dual>` and `oidc-fips.<region>.<dns|dual>` (the OIDC service, where
 *   `/authorize` lives), `device.sso.<region>.<dns>` (device verification), with the region valid
 *   for that partition;
 * - `<labels>.awsapps.com`, `<labels>.awsapps.cn` (start portals, GovCloud's `start.us-gov-home…`),
 *   `<id>.portal.<region>.app.aws`, `<id>.<region>.portal.amazonaws.com[.cn|.eu]`;
 * - the `identitycenter.*` hosts above.
 * Anything else under an AWS suffix (S3 buckets, API Gateway, EC2 public DNS, …) is refused.
 */
export function isTrustedSignInHost(host: string): boolean {
  let h = host.toLowerCase();
  if (h.endsWith(".")) h = h.slice(0, -1); // one trailing dot names the same host (as the CLI)
  if (h.length > 253) return false;
  if (EXACT_HOSTS.has(h)) return true;
  const labels = h.split(".");
  if (!labels.every(isLabel)) return false;
  for (const p of PARTITIONS) {
    for (const suffix of [p.dns, p.dual]) {
      if (!h.endsWith(`.${suffix}`)) continue;
      const head = labels.slice(0, labels.length - suffix.split(".").length);
      // oidc.<region> / oidc-fips.<region>
      if (head.length === 2 && (head[0] === "oidc" || head[0] === "oidc-fips") && p.region.test(head[1]!))
        return true;
      // device.sso.<region> (on the plain DNS suffix only)
      if (
        suffix === p.dns &&
        head.length === 3 &&
        head[0] === "device" &&
        head[1] === "sso" &&
        p.region.test(head[2]!)
      )
        return true;
      // <id>.<region>.portal (amazonaws.com / .com.cn / .eu)
      if (suffix === p.dns && head.length === 3 && head[2] === "portal" && p.region.test(head[1]!))
        return true;
    }
  }
  // <id>.portal.<region>.app.aws
  if (labels.length === 5 && labels[1] === "portal" && labels[3] === "app" && labels[4] === "aws")
    return anyRegion(labels[2]!);
  return PORTAL_SUFFIXES.some((s) => h.endsWith(`.${s}`));
}

/** @deprecated the old name; kept for callers outside this module. */
export const isAwsHost = isTrustedSignInHost;

function underOverride(u: URL, override: string): boolean {
  let base: URL;
  try {
    base = new URL(override);
  } catch {
    return false;
  }
  if (u.protocol !== base.protocol || u.host.toLowerCase() !== base.host.toLowerCase()) return false;
  const basePath = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return u.pathname === base.pathname || u.pathname.startsWith(basePath) || basePath === "/";
}

/** The endpoint overrides a verification/authorize URL may live under. */
export function endpointOverrides(env: NodeJS.ProcessEnv): string[] {
  if ((env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? "").toLowerCase() === "true") return [];
  return [env["AWS_ENDPOINT_URL_SSO_OIDC"], env["AWS_ENDPOINT_URL"]].filter((v): v is string => Boolean(v));
}

/** Throws unless `url` may be shown to the user or opened (see module comment). */
export function checkServerUrl(url: string, env: NodeJS.ProcessEnv, what = "verification URL"): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw untrusted(url, what, "it is not a URL");
  }
  if (u.username || u.password) throw untrusted(url, what, "it carries credentials");
  if (endpointOverrides(env).some((o) => underOverride(u, o))) return u;
  if (u.protocol !== "https:") throw untrusted(url, what, "it is not https");
  if (u.port !== "") throw untrusted(url, what, "it names a port");
  if (!isTrustedSignInHost(u.hostname))
    throw untrusted(url, what, `${u.hostname} is not an IAM Identity Center sign-in host`);
  return u;
}

function untrusted(url: string, what: string, why: string): PorticoError {
  // Show only the origin: the rest of a hostile URL is not worth echoing.
  let shown = url;
  try {
    shown = new URL(url).origin;
  } catch {
    shown = "(unparseable)";
  }
  return new PorticoError("untrusted_url", `Refusing the ${what} the server sent (${shown}): ${why}`, {
    exitCode: ExitCode.service,
    hint: "Check sso_region and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SSO_OIDC; only AWS sign-in hosts are trusted.",
  });
}

/** Split a command line into words (POSIX-ish: quotes and backslashes), no expansion. */
export function shellSplit(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q === "'") {
      if (c === "'") q = undefined;
      else cur += c;
    } else if (q === '"') {
      if (c === '"') q = undefined;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** argv to open `url`: BROWSER (first non-empty entry of the path-separated list) or the platform opener. */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string[] | undefined {
  const browser = (env["BROWSER"] ?? "").split(platform === "win32" ? ";" : ":").find((s) => s.trim() !== "");
  if (browser) {
    const words = shellSplit(browser);
    if (words.length === 0) return undefined;
    return words.some((w) => w.includes("%s")) ? words.map((w) => w.replaceAll("%s", url)) : [...words, url];
  }
  if (platform === "darwin") return ["open", url];
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return ["xdg-open", url];
}

/** Whether a browser can plausibly be opened here (else fall back to printing / device code). */
export function canOpenBrowser(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if ((env["BROWSER"] ?? "").trim() !== "") return true;
  const ssh = Boolean(env["SSH_CONNECTION"] || env["SSH_CLIENT"] || env["SSH_TTY"]);
  if (platform === "darwin" || platform === "win32") return !ssh;
  return Boolean(env["DISPLAY"] || env["WAYLAND_DISPLAY"]);
}

/** Launch the browser detached; resolves false if the opener could not be started. */
export function openBrowser(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  const argv = browserCommand(url, env, platform);
  if (!argv) return Promise.resolve(false);
  return launchDetached(argv, env);
}

/** Start argv detached (no shell, stdio ignored); resolves false if it could not be started. */
export function launchDetached(argv: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = spawn(argv[0]!, argv.slice(1), { env, stdio: "ignore", detached: true, shell: false });
      child.once("error", () => resolve(false));
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
