/**
 * The ESM CLI's lean paths, tried before commander and the command modules load (src/cli/bin.ts):
 * `credential-process` after a role-cache miss resolves the profile in its located sections (the
 * validated fast-path index keeps them: src/config/located.ts) instead of parsing the whole config.
 * Only the modules the resolution needs load (the token provider and @aws-sdk/client-sso on a miss).
 * A profile that cannot be located (index missing and file just edited, a [DEFAULT] section, a
 * credentials-file section, …) returns undefined and the full CLI runs. Errors are reported exactly as
 * the full CLI reports them (src/cli/main.ts `reportError`, loaded only then).
 */
import { awsPaths, resolveProfileName } from "../config/paths";
import { fastPathProfileFlag, locatedSectionsFor } from "../credentials/fast-path";

/** The exit code when a lean path answered, else undefined (run the full CLI). */
export async function tryLeanPath(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if (argv[0] === "credential-process") return leanCredentialProcess(argv, env);
  return undefined;
}

async function leanCredentialProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const flag = fastPathProfileFlag(argv);
  if (!flag) return undefined;
  let profileName: string;
  let config: import("../config/load").AwsConfig | undefined;
  try {
    // Any problem finding the files (no HOME, …) is the full CLI's to report.
    profileName = resolveProfileName(env, flag.profile).name;
    const paths = awsPaths(env);
    const sections = locatedSectionsFor(paths, profileName);
    if (!sections) return undefined;
    const { locatedConfig } = await import("../config/located-view");
    config = locatedConfig(paths, sections);
  } catch {
    return undefined;
  }
  if (!config) return undefined;
  const [{ resolveCredentials }, { formatCredentialProcess }, { noticeOnce }] = await Promise.all([
    import("../credentials/resolve"),
    import("../credentials/format"),
    import("../platform/notices"),
  ]);
  try {
    // As the command does (src/cli/commands/credential-process.ts): a profile, never env keys.
    const resolved = await resolveCredentials(
      { env, now: () => new Date(), warn: noticeOnce(process.stderr) },
      { ...(flag.profile !== undefined ? { profile: flag.profile } : {}), ignoreEnv: true, config },
    );
    process.stdout.write(formatCredentialProcess(resolved.credentials));
    return 0;
  } catch (e) {
    const [{ reportError }, { processContext }] = await Promise.all([import("./main"), import("./context")]);
    return reportError(processContext({ env }), e);
  }
}
