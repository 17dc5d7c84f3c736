/**
 * The `AwsConfig` view of a profile's located sections (src/config/located.ts), for the resolver on
 * the lean paths (src/cli/lean.ts). Apart from located.ts so that the cut — part of the launcher and of
 * the ESM entry's start-up — does not import the whole-file loader (src/config/load.ts).
 */
import { parseConfigText } from "./botocore";
import { type AwsConfig, buildAwsConfig } from "./load";
import { type LocatedSection, parseCut } from "./located";
import type { AwsPaths } from "./paths";

/**
 * The `AwsConfig` view of located sections (the credentials file contributes nothing: locating
 * requires it to hold none of these profiles). Lines are the config file's own. undefined when the
 * sections do not parse (a corrupted index entry: the caller parses everything).
 */
export function locatedConfig(paths: AwsPaths, sections: readonly LocatedSection[]): AwsConfig | undefined {
  const c = parseCut(sections);
  if (!c) return undefined;
  const config = buildAwsConfig(
    paths,
    { text: "", parsed: c.parsed },
    { text: "", parsed: parseConfigText("") },
  );
  for (const map of [config.profiles, config.ssoSessions, config.services])
    for (const v of map.values()) {
      v.line = c.shift(v.line);
      for (const k of Object.keys(v.keyLines)) v.keyLines[k] = c.shift(v.keyLines[k]!);
    }
  return config;
}
