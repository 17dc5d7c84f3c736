/**
 * gather.ts reads the SSO token cache synchronously (the launcher's start-up path): its answers must
 * be exactly src/sso/cache.ts `readToken`'s for every kind of file, so the report does not depend on
 * which reader ran. The PATH search finds what a shell runs, in PATH order.
 */
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsOnPath, readTokenSync } from "../../src/doctor/gather";
import { readToken, tokenFilePath } from "../../src/sso/cache";
import { type Fixture, fixture } from "./support";

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});
afterAll(async () => {
  await f.cleanup();
});

describe("readTokenSync", () => {
  it("answers as readToken for valid, expired, malformed, empty, FIFO, folder and missing files", async () => {
    const dir = path.join(f.home, ".aws/sso/cache");
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const at = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, "Z");
    const cases: [string, (p: string) => Promise<unknown>][] = [
      [
        "valid",
        (p) =>
          fs.writeFile(
            p,
            JSON.stringify({ startUrl: "u", region: "r", accessToken: "t", expiresAt: at(3600_000) }),
          ),
      ],
      [
        "expired",
        (p) =>
          fs.writeFile(
            p,
            JSON.stringify({ startUrl: "u", region: "r", accessToken: "t", expiresAt: at(-3600_000) }),
          ),
      ],
      ["malformed", (p) => fs.writeFile(p, "{ not json")],
      ["no-token", (p) => fs.writeFile(p, JSON.stringify({ startUrl: "u" }))],
      ["empty", (p) => fs.writeFile(p, "")],
      ["fifo", async (p) => expect(spawnSync("mkfifo", ["-m", "600", p]).status).toBe(0)],
      ["folder", (p) => fs.mkdir(p)],
      ["missing", async () => {}],
    ];
    const statuses = new Set<string>();
    for (const [name, make] of cases) {
      const session = { cacheKey: name };
      const file = tokenFilePath(dir, session);
      await make(file);
      const want = await readToken(dir, session);
      expect(readTokenSync(file), name).toEqual(want);
      statuses.add(want.status);
    }
    // The cases reach every kind of answer (so the comparison above covers each).
    expect([...statuses].sort()).toEqual(["malformed", "missing", "ok"]);
  });
});

describe("awsOnPath", () => {
  it("lists each executable file in PATH order, once per real file, as the shell names it", async () => {
    const dir = (n: string) => path.join(f.home, "path", n);
    for (const n of ["a", "b", "c", "d", "e"]) await fs.mkdir(dir(n), { recursive: true });
    const exe = (p: string) => fs.writeFile(p, "#!/bin/sh\n", { mode: 0o755 });
    await exe(path.join(dir("a"), "aws"));
    await fs.mkdir(path.join(dir("b"), "aws")); // a folder is not a program
    await fs.writeFile(path.join(dir("c"), "aws"), "#!/bin/sh\n", { mode: 0o644 }); // not executable
    await fs.symlink(path.join(dir("a"), "aws"), path.join(dir("d"), "aws")); // the same file again
    await exe(path.join(dir("e"), "aws"));
    const PATH = [
      "",
      `${dir("a")}/`,
      dir("b"),
      dir("c"),
      path.join(f.home, "nowhere"),
      dir("d"),
      dir("e"),
    ].join(path.delimiter);
    expect(awsOnPath({ PATH })).toEqual([path.join(dir("a"), "aws"), path.join(dir("e"), "aws")]);
    expect(awsOnPath({})).toEqual([]);
  });
});
