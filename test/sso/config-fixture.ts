/** Build an AwsConfig view by hand (plain data) for the pure session tests. */

import type { AwsConfig, SectionView } from "../../src/config/load";
import { awsPaths } from "../../src/config/paths";

export function section(name: string, values: Record<string, string>, line = 1): SectionView {
  const keyLines: Record<string, number> = {};
  for (const [i, k] of Object.keys(values).entries()) keyLines[k] = line + i + 1;
  const file = "/home/u/.aws/config";
  const keyFiles = Object.fromEntries(Object.keys(values).map((k) => [k, file]));
  return { name, values, file, line, keyLines, keyFiles, section: `profile ${name}` };
}

export function configOf(
  profiles: Record<string, Record<string, string>>,
  sessions: Record<string, Record<string, string>> = {},
): AwsConfig {
  return {
    paths: awsPaths({ HOME: "/home/u" }),
    profiles: new Map(Object.entries(profiles).map(([n, v]) => [n, section(n, v)])),
    ssoSessions: new Map(Object.entries(sessions).map(([n, v]) => [n, section(n, v)])),
    services: new Map(),
    warnings: [],
  };
}
