/**
 * `portico sync` against the emulator over HTTP, through the real CLI (in-process runCli): the block,
 * byte-identical no-change runs, the user's own profiles winning, prune / --no-prune, filters, a second
 * sync after the org changed (admin API), dry-run diffs, settings kept in the note line, 0 accounts.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/support";
import { tempHome, withEmulator } from "../helpers/emulator";
import { configPath, grant, mtime, readConfig, revokeGroup, SESSION, signedIn } from "./support";

const MINE = `${SESSION}
# my own profiles
[profile mine]
region = eu-west-1
output = text
`;

const blockOf = (text: string) => {
  const b = text.indexOf("# >>> portico managed: sso-session acme ");
  const e = text.indexOf("# <<< portico managed: sso-session acme ");
  return {
    before: text.slice(0, b),
    block: text.slice(b, text.indexOf("\n", e) + 1),
    after: text.slice(text.indexOf("\n", e) + 1),
  };
};

describe("portico sync", () => {
  it("writes one block; bytes outside it stay; a second run changes nothing (bytes and mtime)", async () => {
    await withEmulator({ accounts: 3, rolesPerAccount: 2, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu, MINE);
        const r = await runCli(
          ["sync", "--sso-session", "acme", "--yes", "--json", "--region", "eu-west-1"],
          env,
        );
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out).toMatchObject({ written: true, accounts: 3, profiles: 6, removed: [], skipped: [] });
        expect(out.added).toEqual([
          "account-1-Role1",
          "account-1-Role2",
          "account-2-Role1",
          "account-2-Role2",
          "account-3-Role1",
          "account-3-Role2",
        ]);
        const text = await readConfig(h.home);
        const { before, block, after } = blockOf(text);
        expect(before).toBe(`${MINE}\n`); // one blank line before the block, as the file separates sections
        expect(after).toBe("");
        expect(block).toContain(
          "[profile account-2-Role1]\nsso_session = acme\nsso_account_id = 100000000002\nsso_role_name = Role1\nregion = eu-west-1\n\n[profile account-2-Role2]",
        );
        expect(block).not.toMatch(/\d{4}-\d\d-\d\dT/); // no timestamp
        expect((await stat(configPath(h.home))).mode & 0o777).toBe(0o600);
        const t0 = await mtime(h.home);
        await new Promise((res) => setTimeout(res, 20));
        // Plain `portico sync` (the only session; settings from the note line): nothing to change.
        const again = await runCli(["sync", "--yes", "--json"], env);
        expect(again.code, again.stderr).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({
          written: false,
          added: [],
          changed: [],
          removed: [],
        });
        expect(await readConfig(h.home)).toBe(text);
        expect(await mtime(h.home)).toBe(t0);
        // The note names the command that regenerates the block.
        expect(block).toContain("`portico sync --sso-session acme --region eu-west-1`");
      } finally {
        await h.cleanup();
      }
    });
  });

  it("the user's own profile of a generated name wins (skipped, reported); another session's block is untouched", async () => {
    await withEmulator({ accounts: 2, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const other = `# >>> portico managed: sso-session other https://d-1111111111.awsapps.com/start
# hand-made look-alike of another session's block
[profile account-2-Role1]
sso_session = other
sso_account_id = 999999999999
sso_role_name = X
# <<< portico managed: sso-session other https://d-1111111111.awsapps.com/start
`;
        const config = `${SESSION}\n[profile account-1-Role1]\nregion = us-east-1\n\n${other}`;
        const env = await signedIn(h.home, emu, config);
        const r = await runCli(["sync", "--sso-session", "acme", "--yes", "--json"], env);
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.added).toEqual([]);
        expect(out.skipped.map((s: { name: string; reason: string }) => [s.name, s.reason])).toEqual([
          ["account-1-Role1", "user_profile"],
          ["account-2-Role1", "user_profile"],
        ]);
        expect(r.stderr).toMatch(/skipped account-1-Role1 .*your own profile of that name \(line 6\) wins/);
        const text = await readConfig(h.home);
        expect(text.startsWith(config)).toBe(true);
      } finally {
        await h.cleanup();
      }
    });
  });

  it("after the org changed: exactly the expected diff; prune, --no-prune, and --dry-run touches nothing", async () => {
    await withEmulator({ accounts: 4, rolesPerAccount: 2, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu, MINE);
        // alice loses account 4 (not listed), and gets Role1 in it back directly after the first sync
        await revokeGroup(emu, "Everyone", "100000000004", "Role1");
        await revokeGroup(emu, "Everyone", "100000000004", "Role2");
        expect((await runCli(["sync", "--yes"], env)).code).toBe(0);
        const first = await readConfig(h.home);
        expect(first).not.toContain("account-4");
        await revokeGroup(emu, "Everyone", "100000000002", "Role2"); // an assignment removed
        await grant(emu, "alice", "100000000004", "Role1"); // an account added
        const dry = await runCli(["sync", "--dry-run", "--refresh"], env);
        expect(dry.code, dry.stderr).toBe(0);
        expect(await readConfig(h.home)).toBe(first);
        const minus = dry.stdout.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---"));
        const plus = dry.stdout.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++"));
        expect(minus.filter((l) => !l.startsWith("-# Generated"))).toEqual([
          "-[profile account-2-Role2]",
          "-sso_session = acme",
          "-sso_account_id = 100000000002",
          "-sso_role_name = Role2",
          "-",
        ]);
        expect(plus.filter((l) => !l.startsWith("+# Generated"))).toEqual([
          "+",
          "+[profile account-4-Role1]",
          "+sso_session = acme",
          "+sso_account_id = 100000000004",
          "+sso_role_name = Role1",
        ]);
        expect(dry.stdout.startsWith("--- ~/.aws/config\n+++ ~/.aws/config\n@@ ")).toBe(true);

        const keep = await runCli(["sync", "--yes", "--json", "--refresh", "--no-prune"], env);
        expect(JSON.parse(keep.stdout)).toMatchObject({
          added: ["account-4-Role1"],
          removed: [],
          kept: ["account-2-Role2"],
        });
        const pruned = await runCli(["sync", "--yes", "--json", "--refresh", "--sso-session", "acme"], env);
        // --no-prune is a stored setting now (the note line): a plain sync keeps it; --prune ends it.
        expect(JSON.parse(pruned.stdout)).toMatchObject({ written: false, kept: ["account-2-Role2"] });
        const prune = await runCli(["sync", "--yes", "--json", "--prune"], env);
        expect(JSON.parse(prune.stdout)).toMatchObject({ added: [], removed: ["account-2-Role2"], kept: [] });
        const text = await readConfig(h.home);
        expect(text.startsWith(MINE)).toBe(true);
      } finally {
        await h.cleanup();
      }
    });
  });

  it("filters: account id, account-name glob, role glob", async () => {
    await withEmulator({ accounts: 5, rolesPerAccount: 3, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu);
        const r = await runCli(
          [
            "sync",
            "--yes",
            "--json",
            "--include-account",
            "account-[1-3]",
            "--include-account",
            "account-1*",
            "--include-account",
            "100000000005",
            "--exclude-role",
            "role0?3",
            "--exclude-role",
            "Role3",
          ],
          env,
        );
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).added).toEqual([
          "account-1-Role1",
          "account-1-Role2",
          "account-5-Role1",
          "account-5-Role2",
        ]);
      } finally {
        await h.cleanup();
      }
    });
  });

  it("an org with 0 accounts: an empty block, exit 0", async () => {
    await withEmulator({ accounts: 2, rolesPerAccount: 1, autoApprove: "bob" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu);
        for (const a of ["100000000001", "100000000002"]) {
          const org = emu.store.org;
          org.assignments = org.assignments.filter((x) => x.accountId !== a);
        }
        emu.store.changed();
        const r = await runCli(["sync", "--yes", "--json"], env);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ accounts: 0, profiles: 0, added: [] });
        const { block } = blockOf(await readConfig(h.home));
        expect(block.split("\n")).toHaveLength(4); // begin, note, end, ""
      } finally {
        await h.cleanup();
      }
    });
  });
});

describe("portico sync refuses, and writes nothing", () => {
  it("without --yes in a non-interactive run: exit 4 with the exact command", async () => {
    await withEmulator({ accounts: 1, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu);
        const r = await runCli(["sync", "--region", "eu-west-1", "--exclude-role", "Bill*"], env);
        expect(r.code).toBe(4);
        expect(r.stderr).toContain(
          "hint: portico sync --sso-session acme --exclude-role 'Bill*' --region eu-west-1 --yes",
        );
        expect(await readConfig(h.home)).toBe(SESSION);
      } finally {
        await h.cleanup();
      }
    });
  });

  it("an unknown template field (exit 2), an unparsable config (exit 3), a hand-edited block (exit 3, lines named)", async () => {
    await withEmulator({ accounts: 2, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu);
        const bad = await runCli(["sync", "--yes", "--name", "{account}-{role_name}"], env);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain("unknown field {account}");

        await writeFile(configPath(h.home), `${SESSION}\n[broken\n`);
        const unparsable = await runCli(["sync", "--yes", "--sso-session", "acme"], env);
        expect(unparsable.code).toBe(3);
        expect(unparsable.stderr).toMatch(/config:6/);
        expect(await readFile(configPath(h.home), "utf8")).toBe(`${SESSION}\n[broken\n`);

        await writeFile(configPath(h.home), SESSION);
        expect((await runCli(["sync", "--yes"], env)).code).toBe(0);
        const good = await readConfig(h.home);
        // A key added inside the block, then a value changed in place: both refused with the line.
        const added = good.replace(
          "sso_role_name = Role1\n\n",
          "sso_role_name = Role1\ncredential_process = foo\n\n",
        );
        await writeFile(configPath(h.home), added);
        const e1 = await runCli(["sync", "--yes"], env);
        expect(e1.code).toBe(3);
        const line = added.split("\n").indexOf("credential_process = foo") + 1;
        expect(e1.stderr).toContain(`line ${line}: credential_process = foo`);
        expect(e1.stderr).toContain("nothing was written");
        expect(await readConfig(h.home)).toBe(added);
        const changed = good.replace("sso_role_name = Role1\n\n", "sso_role_name = Role9\n\n");
        await writeFile(configPath(h.home), changed);
        const e2 = await runCli(["sync", "--yes", "--json"], env);
        expect(e2.code).toBe(3);
        const l2 = changed.split("\n").indexOf("sso_role_name = Role9") + 1;
        expect(e2.stderr).toContain(`line ${l2}: sso_role_name = Role9`);
        expect(await readConfig(h.home)).toBe(changed);
      } finally {
        await h.cleanup();
      }
    });
  });
});
