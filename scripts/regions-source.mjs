// Where the region list comes from (shared by scripts/regions.mjs and test/config/regions.test.ts).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export const SDK_PARTITIONS = "@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";

/** The partitions and their regions (pseudo "-global" regions left out), in the SDK's order. */
export async function regionsFromSdk() {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@aws-sdk/core/package.json");
  const dir = path.dirname(pkg);
  const { version } = JSON.parse(readFileSync(pkg, "utf8"));
  const file = path.join(dir, SDK_PARTITIONS.replace("@aws-sdk/core/", ""));
  const { partitionsInfo } = await import(pathToFileURL(file).href);
  const partitions = partitionsInfo.partitions.map((p) => ({
    id: p.id,
    regions: Object.keys(p.regions).filter((r) => !r.endsWith("-global")),
  }));
  return { version, partitions };
}
