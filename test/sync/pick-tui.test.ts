/**
 * The picker on a terminal (src/sync/pick-tui.ts) and its index (src/sync/pick-index.ts): the first
 * frame's order is rank's order for an empty query (fast-check), the index's first frame equals it
 * without parsing the list, a stale index is not trusted; and for real in a pseudo-terminal (python3's
 * pty driver, test/sso/fixtures): the first `portico pick` (full command) writes the index, the next
 * one draws from it (the fast path), typing filters, Enter prints the name on stdout, recent choices
 * come first, an edited config is seen at once, Esc cancels (exit 130).
 */
import { execFile } from "node:child_process";
import { appendFile, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsPaths } from "../../src/config/paths";
import { type History, orderForEmpty, type PickEntry, prepare, rank } from "../../src/sync/pick";
import { fileStamp, openPickIndex, pickIndexFile, writePickIndex } from "../../src/sync/pick-index";
import { pickFrame } from "../../src/sync/pick-tui";
import { writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { PORTICO_CJS, ROOT } from "../shell/support";

const DRIVER = path.join(ROOT, "test", "sso", "fixtures", "pty-drive.py");
const NOW = 1_800_000_000_000;

const entryArb = fc.record({
  profile: fc.string({ minLength: 1, maxLength: 6 }),
  accountId: fc.constantFrom("111111111111", "222222222222"),
  roleName: fc.constantFrom("Admin", "Read"),
  ssoSession: fc.constantFrom("a", "b"),
});
const uniq = (es: PickEntry[]) => [...new Map(es.map((e) => [e.profile, e])).values()];
const historyOf = (names: string[], picks: number[]): History =>
  Object.fromEntries(
    names.map((n, i) => [n, { count: 1 + (picks[i] ?? 0), last: NOW - (picks[i] ?? 0) * 3_600_000 * 10 }]),
  );

describe("the first frame's order", () => {
  it("orderForEmpty is rank's order for an empty query", () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 30 }),
        fc.array(fc.nat(40), { maxLength: 30 }),
        (raw, picks) => {
          const es = uniq(raw);
          const h = historyOf(
            es.filter((_, i) => i % 2 === 0).map((e) => e.profile),
            picks,
          );
          expect(orderForEmpty(es, h, NOW).map((e) => e.profile)).toEqual(
            rank(prepare(es), "", h, NOW).map((e) => e.profile),
          );
        },
      ),
    );
  });

  it("the index's first frame equals it, for every session filter; a changed config voids the index", async () => {
    const h = await tempHome();
    try {
      await writeConfig(h.home, "[profile x]\nregion = eu-west-1\n");
      const paths = awsPaths({ HOME: h.home });
      await fc.assert(
        fc.asyncProperty(
          fc.array(entryArb, { minLength: 1, maxLength: 40 }),
          fc.array(fc.nat(40), { maxLength: 40 }),
          fc.constantFrom(undefined, "a", "b"),
          async (raw, picks, session) => {
            const es = uniq(raw);
            const h2 = historyOf(
              es.filter((_, i) => i % 3 === 0).map((e) => e.profile),
              picks,
            );
            const stamps = new Map([paths.configFile, paths.credentialsFile].map((f) => [f, fileStamp(f)]));
            expect(await writePickIndex(paths, stamps, es)).toBe(true);
            const index = openPickIndex(paths)!;
            const mine = session === undefined ? es : es.filter((e) => e.ssoSession === session);
            expect(index.firstFrame(h2, NOW, 5, session)?.map((e) => e.profile)).toEqual(
              orderForEmpty(mine, h2, NOW)
                .slice(0, 5)
                .map((e) => e.profile),
            );
            expect(index.all()?.length).toBe(es.length);
          },
        ),
        { numRuns: 60 },
      );
      expect((await stat(pickIndexFile(paths))).mode & 0o777).toBe(0o600);
      await appendFile(paths.configFile, "[profile y]\n");
      expect(openPickIndex(paths)).toBeUndefined();
    } finally {
      await h.cleanup();
    }
  });

  it("a frame: prompt, one page, the highlighted line, a footer; control characters shown as ?", () => {
    const list = [
      { profile: "dev", accountId: "111111111111", roleName: "Admin", accountName: "Dev\u001b[31m" },
      { profile: "prod", accountId: "222222222222", roleName: "Read" },
    ];
    expect(
      pickFrame(
        { term: "d", list, cursor: 1, total: 9 },
        { message: "Profile:", pageSize: 15, columns: 80, color: false },
      ),
    ).toEqual([
      "? Profile: d",
      "  dev  Dev?[31m (111111111111) Admin",
      "❯ prod  (222222222222) Read",
      "  2 of 9 · ↑↓ move · Enter choose · Esc cancel",
    ]);
  });
});

function drive(
  steps: [string, string][],
  env: NodeJS.ProcessEnv,
  straceLog?: string,
): Promise<{ code: number; screen: string }> {
  const cmd = [process.execPath, PORTICO_CJS, "pick"];
  return new Promise((resolve) => {
    execFile(
      "python3",
      [
        DRIVER,
        JSON.stringify(steps),
        ...(straceLog ? ["strace", "-f", "-e", "trace=openat", "-o", straceLog] : []),
        ...cmd,
      ],
      { env: { PATH: process.env["PATH"], TERM: "xterm", NO_COLOR: "1", ...env }, timeout: 60_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, screen: stdout }),
    );
  });
}

describe("portico pick on a terminal", () => {
  it("full command, then the fast path from the index: filter, choose, recent first, edits seen, Esc", async () => {
    const h = await tempHome();
    try {
      const profiles = ["dev-Admin", "dev-Read", "prod-Admin", "prod-Read"]
        .map(
          (p, i) =>
            `[profile ${p}]\nsso_session = acme\nsso_account_id = ${i < 2 ? "111111111111" : "222222222222"}\nsso_role_name = ${p.split("-")[1]}\n`,
        )
        .join("\n");
      await writeConfig(
        h.home,
        `[sso-session acme]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = eu-north-1\n\n${profiles}`,
      );
      const env = { HOME: h.home };
      const paths = awsPaths(env);
      // 1. No index: the full command draws, filters ("prod read"), Enter prints the name; the index is written.
      const first = await drive(
        [
          ["❯ dev-Admin", "prod read"],
          ["❯ prod-Read", "\r"],
        ],
        env,
      );
      expect(first.code, first.screen).toBe(0);
      expect(first.screen).toMatch(/^prod-Read\r?$/m);
      expect(openPickIndex(paths)?.count).toBe(4);
      // 2. The fast path: the recent choice comes first; ↓ then Enter takes the next one.
      const second = await drive(
        [
          ["❯ prod-Read", "\u001b[B"],
          ["❯ dev-Admin", "\r"],
        ],
        env,
      );
      expect(second.code, second.screen).toBe(0);
      expect(second.screen).toMatch(/^dev-Admin\r?$/m);
      const history = JSON.parse(
        await readFile(path.join(h.home, ".aws", "portico", "pick-history.json"), "utf8"),
      );
      expect(Object.keys(history).sort()).toEqual(
        [
          "account:111111111111",
          "account:222222222222",
          "dev-Admin",
          "prod-Read",
          "role:111111111111:Admin",
          "role:222222222222:Read",
        ].sort(),
      );
      // 3. A profile added to the config is listed at once (the index no longer matches the file).
      await appendFile(
        paths.configFile,
        "\n[profile aaa-new]\nsso_session = acme\nsso_account_id = 333333333333\nsso_role_name = Ops\n",
      );
      const third = await drive(
        [
          ["aaa-new", "new"],
          ["❯ aaa-new", "\r"],
        ],
        env,
      );
      expect(third.code, third.screen).toBe(0);
      expect(third.screen).toMatch(/^aaa-new\r?$/m);
      // 4. Esc cancels: exit 130, nothing on stdout but the frames.
      const cancel = await drive([["❯ aaa-new", "\u001b"]], env);
      expect(cancel.code, cancel.screen).toBe(130);
      expect(cancel.screen).toContain("Cancelled; nothing was chosen.");
    } finally {
      await h.cleanup();
    }
  });
});
