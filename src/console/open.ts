/**
 * Opening the console URL, optionally in a named browser profile so each account keeps its own
 * window (pure argv; the launch itself is src/platform/browser.ts's opener, never a shell):
 * - Chromium, Chrome, Edge, Brave, Vivaldi: `--profile-directory=NAME`;
 * - Firefox: `-P NAME`, or `container:NAME` → the `ext+container:name=NAME&url=…` URL that the
 *   "Open external links in a container" add-on handles.
 * The browser comes from BROWSER (a browser profile needs a known browser, not xdg-open/open).
 */
import { usageError } from "../errors";
import { browserCommand, launchDetached } from "../platform/browser";

const CHROMIUM_RE = /(chrom(e|ium)|msedge|microsoft-edge|brave|vivaldi)[^/\\]*$/i;
const FIREFOX_RE = /firefox[^/\\]*$/i;

export function consoleBrowserArgv(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  browserProfile?: string,
): string[] | undefined {
  if (browserProfile === undefined || browserProfile === "") return browserCommand(url, env, platform);
  const container = /^container:(.+)$/.exec(browserProfile)?.[1];
  const target = container
    ? `ext+container:name=${encodeURIComponent(container)}&url=${encodeURIComponent(url)}`
    : url;
  const argv = browserCommand(target, env, platform);
  const exe = argv?.[0] ?? "";
  if (!argv || !(CHROMIUM_RE.test(exe) || FIREFOX_RE.test(exe)))
    throw usageError(
      `--browser-profile needs BROWSER set to Chromium, Chrome, Edge or Firefox (got ${exe ? JSON.stringify(exe) : "the system opener"})`,
      `BROWSER=chromium portico console --browser-profile ${JSON.stringify(browserProfile)}`,
    );
  const i = argv.indexOf(target);
  const before = argv.slice(0, i < 0 ? argv.length : i);
  const after = i < 0 ? [] : argv.slice(i);
  if (FIREFOX_RE.test(exe))
    return container ? [...before, ...after] : [...before, "-P", browserProfile, ...after];
  if (container)
    throw usageError(
      "container:NAME is a Firefox container; for Chromium browsers give a profile directory name",
    );
  return [...before, `--profile-directory=${browserProfile}`, ...after];
}

/** Launch argv detached, no shell; false if it could not be started (the one launcher, src/platform/browser.ts). */
export const launchBrowser = launchDetached;
