/**
 * editConfigFile and the document edits: byte-exact edits, modes, backup, lock, refusals — and the
 * real AWS CLI v2 and the real SDK for JavaScript reading what portico wrote.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadSharedConfigFiles } from "@smithy/core/config";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/botocore";
import { ConfigDocument } from "../../src/config/document";
import { backupPath, editConfigFile } from "../../src/config/edit";
import { isPorticoError } from "../../src/errors";
import { missing } from "../helpers/tools";

let home: string;
let cfg: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "portico-edit-"));
  cfg = path.join(home, ".aws", "config");
});
afterEach(() => rm(home, { recursive: true, force: true }));

const dev = { kind: "profile", name: "dev" } as const;

describe("document edits", () => {
  const edit = (text: string, f: (d: ConfigDocument) => void) => {
    const d = ConfigDocument.parse(text);
    f(d);
    return d.toString();
  };
  it("a new key goes after the section's last key, in the file's line-ending style", () => {
    const text = "[profile dev]\r\nregion = a\r\n\r\n# about prod\r\n[profile prod]\r\nx = 1\r\n";
    expect(edit(text, (d) => d.set("profile dev", "output", "json"))).toBe(
      "[profile dev]\r\nregion = a\r\noutput = json\r\n\r\n# about prod\r\n[profile prod]\r\nx = 1\r\n",
    );
  });
  it("an existing key is rewritten on its own line, keeping its spacing; other bytes untouched", () => {
    const text = "[default]\n  region=us-east-1   \noutput = json # c\n";
    expect(edit(text, (d) => d.set("default", "region", "eu-west-1"))).toBe(
      "[default]\n  region=eu-west-1\noutput = json # c\n",
    );
  });
  it("a non-interoperable key line is rewritten in interop form", () => {
    expect(edit("[default]\nRegion: a\n", (d) => d.set("default", "region", "b"))).toBe(
      "[default]\nregion = b\n",
    );
  });
  it("setting the value it already has changes nothing", () => {
    const text = "[default]\nregion =   a  \n";
    const d = ConfigDocument.parse(text);
    expect(d.set("default", "region", "a")).toBe(false);
    expect(d.toString()).toBe(text);
  });
  it("a multi-line value becomes one line; comments among its lines are kept", () => {
    expect(edit("[a]\nk = x\n  y\n# note\n  z\nj = 1\n", (d) => d.set("a", "k", "v"))).toBe(
      "[a]\nk = v\n# note\nj = 1\n",
    );
  });
  it("a new key after indented keys takes their indentation (so it cannot swallow the next line)", () => {
    expect(edit("[a]\n  x = 1\n  [b]\n", (d) => d.set("a", "y", "2"))).toBe("[a]\n  x = 1\n  y = 2\n  [b]\n");
  });
  it("a new section goes at the end, separated as the file separates sections", () => {
    expect(edit("[a]\nx = 1\n\n\n[b]\ny = 2\n", (d) => d.set("c", "k", "v"))).toBe(
      "[a]\nx = 1\n\n\n[b]\ny = 2\n\n\n[c]\nk = v\n",
    );
    expect(edit("[a]\nx = 1\n[b]\ny = 2\n", (d) => d.set("c", "k", "v"))).toBe(
      "[a]\nx = 1\n[b]\ny = 2\n[c]\nk = v\n",
    );
    expect(edit("[a]\nx = 1", (d) => d.set("c", "k", "v"))).toBe("[a]\nx = 1\n[c]\nk = v");
    expect(edit("[a]\nx = 1\n\n", (d) => d.set("c", "k", "v"))).toBe("[a]\nx = 1\n\n[c]\nk = v\n");
    expect(edit("", (d) => d.set("c", "k", "v"))).toBe("[c]\nk = v\n");
  });
  it("set then unset of a new key returns the original bytes (also without a final newline)", () => {
    for (const text of ["[a]\nx = 1", "[a]\r\nx = 1\r\n[b]\r\n", "[a]", "[a]\n\n\n"]) {
      expect(
        edit(text, (d) => {
          d.set("a", "new_key", "v");
          d.unset("a", "new_key");
        }),
      ).toBe(text);
    }
  });
  it("removing a section keeps the comments before it and the others' separation", () => {
    const text = "[a]\nx = 1\n\n# about b\n[b]\ny = 2\n# in b\nz = 3\n\n[c]\nk = v\n";
    expect(edit(text, (d) => d.removeSection("b"))).toBe("[a]\nx = 1\n\n# about b\n[c]\nk = v\n");
    expect(edit("[a]\nx = 1\n\n[b]\ny = 2", (d) => d.removeSection("b"))).toBe("[a]\nx = 1");
  });
  it("removing a section never turns the next (indented) header into a continuation line", () => {
    expect(
      edit('[default]\nregion = v1\n[profile prod]\n [profile "my dev"]\nk = v\n', (d) =>
        d.removeSection("profile prod"),
      ),
    ).toBe('[default]\nregion = v1\n[profile "my dev"]\nk = v\n');
  });
  it("rename a section on its own line; managed blocks are replaced in place", () => {
    expect(edit("[profile a]\nx = 1\n", (d) => d.renameSection("profile a", "profile b"))).toBe(
      "[profile b]\nx = 1\n",
    );
    const once = edit("[a]\nx = 1\n", (d) => d.replaceManagedBlock("sso", "[profile m]\nk = 1"));
    expect(once).toBe(
      "[a]\nx = 1\n# >>> portico managed: sso\n[profile m]\nk = 1\n# <<< portico managed: sso\n",
    );
    expect(edit(once, (d) => d.replaceManagedBlock("sso", "[profile m]\nk = 2"))).toBe(
      "[a]\nx = 1\n# >>> portico managed: sso\n[profile m]\nk = 2\n# <<< portico managed: sso\n",
    );
  });
  it("a managed block given as lines: the same bytes as the text; a line holding a break is refused", () => {
    const lines = ["[profile m]", "k = 1"];
    expect(edit("[a]\r\nx = 1", (d) => d.replaceManagedBlock("sso", lines))).toBe(
      edit("[a]\r\nx = 1", (d) => d.replaceManagedBlock("sso", lines.join("\n"))),
    );
    expect(edit("[a]\r\nx = 1", (d) => d.replaceManagedBlock("sso", lines))).toBe(
      "[a]\r\nx = 1\r\n# >>> portico managed: sso\r\n[profile m]\r\nk = 1\r\n# <<< portico managed: sso",
    );
    for (const bad of ["k = 1\n[profile x]", "k = 1\rx = 2"])
      expect(() => ConfigDocument.parse("").replaceManagedBlock("sso", ["[profile m]", bad])).toThrow(
        /line break/,
      );
  });
  it("a large managed block is replaced in place, the lines around it byte for byte", () => {
    const big = (v: number) =>
      Array.from({ length: 3000 }, (_, i) => `[profile p${i}]\nk = ${v}`).join("\n\n");
    const block = (v: number) => `# >>> portico managed: sso\n${big(v)}\n# <<< portico managed: sso\n`;
    const head = "[a]\nx = 1\n";
    const tail = "\n[b]\n  y = 2";
    const text = `${head}${block(1)}${tail}`;
    expect(edit(text, (d) => d.replaceManagedBlock("sso", big(2).split("\n")))).toBe(
      `${head}${block(2)}${tail}`,
    );
    expect(edit(text, (d) => d.replaceManagedBlock("sso", big(2)))).toBe(`${head}${block(2)}${tail}`);
    expect(edit(text, (d) => d.replaceManagedBlock("sso", "[profile q]\nk = 3"))).toBe(
      `${head}# >>> portico managed: sso\n[profile q]\nk = 3\n# <<< portico managed: sso\n${tail}`,
    );
  });
});

describe("editConfigFile", () => {
  it("creates ~/.aws (0700) and the file (0600); no backup for a new file", async () => {
    const r = await editConfigFile(cfg, (d) => {
      d.set(dev, "sso_session", "corp");
      d.set(dev, "region", "eu-north-1");
      d.set({ kind: "sso-session", name: "corp" }, "sso_region", "eu-north-1");
    });
    expect(r.changed).toBe(true);
    expect(await readFile(cfg, "utf8")).toBe(
      "[profile dev]\nsso_session = corp\nregion = eu-north-1\n[sso-session corp]\nsso_region = eu-north-1\n",
    );
    expect((await stat(cfg)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(cfg))).mode & 0o777).toBe(0o700);
    await expect(stat(backupPath(cfg))).rejects.toThrow();
  });

  it("keeps an existing file's mode, backs up the original once (0600), never overwrites the backup", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    const original = "# mine\n[default]\nregion = us-east-1 # keep me\n";
    await writeFile(cfg, original);
    await chmod(cfg, 0o644);
    await editConfigFile(cfg, (d) => d.set(dev, "region", "a"));
    await editConfigFile(cfg, (d) => d.set(dev, "region", "b"));
    expect((await stat(cfg)).mode & 0o777).toBe(0o644);
    expect(await readFile(backupPath(cfg), "utf8")).toBe(original);
    expect((await stat(backupPath(cfg))).mode & 0o777).toBe(0o600);
    expect(await readFile(cfg, "utf8")).toBe(`${original}[profile dev]\nregion = b\n`);
  });

  it("a symlinked config (dotfiles) is edited where it points; the link survives", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    const real = path.join(home, "dotfiles", "aws-config");
    await mkdir(path.dirname(real), { recursive: true });
    await writeFile(real, "[default]\nregion = a\n");
    await symlink("../dotfiles/aws-config", cfg);
    await editConfigFile(cfg, (d) => d.set(dev, "region", "b"));
    expect((await lstat(cfg)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe("[default]\nregion = a\n[profile dev]\nregion = b\n");
    expect(await readFile(`${real}.portico-backup`, "utf8")).toBe("[default]\nregion = a\n");
  });

  it("a change by another program during the edit is not overwritten: the edit is redone on top of it", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    await writeFile(cfg, "[default]\nregion = a\n");
    let calls = 0;
    await editConfigFile(cfg, async (d) => {
      calls++;
      // The first time, "the AWS CLI" writes the file while portico prepares its edit.
      if (calls === 1) await writeFile(cfg, "[default]\nregion = a\noutput = json\n");
      d.set(dev, "region", "b");
    });
    expect(calls).toBe(2);
    expect(await readFile(cfg, "utf8")).toBe(
      "[default]\nregion = a\noutput = json\n[profile dev]\nregion = b\n",
    );
  });

  it("a managed block that would make the file unreadable is refused, and a result check sees the written lines", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    const user = "[profile dev]\nregion = a\n";
    await writeFile(cfg, user);
    // A block repeating a section outside it: botocore refuses the whole file (duplicate section).
    const dup = await editConfigFile(cfg, (d) => {
      d.replaceManagedBlock("sso", ["[profile ok]", "k = 1", "", "[profile dev]", "k = 2"]);
      d.checkResult(() => {
        throw new Error("the result check must not run on a text that does not parse");
      });
    }).catch((e: unknown) => e);
    expect(isPorticoError(dup) && dup.code).toBe("config_edit_unsafe");
    expect(String((dup as Error).message)).toMatch(
      /would not parse \(line 7: section \[profile dev\] appears more than once\)/,
    );
    expect(await readFile(cfg, "utf8")).toBe(user);
    await expect(stat(backupPath(cfg))).rejects.toThrow();
    // A block that parses but that the caller's check rejects: nothing written either.
    let seen: string[] = [];
    const refused = await editConfigFile(cfg, (d) => {
      d.replaceManagedBlock("sso", ["[profile ok]", "k = 1"]);
      d.checkResult((result) => {
        seen = [...result.texts];
        throw new Error("not what was planned");
      });
    }).catch((e: unknown) => e);
    expect((refused as Error).message).toBe("not what was planned");
    expect(seen).toEqual([
      "[profile dev]",
      "region = a",
      "# >>> portico managed: sso",
      "[profile ok]",
      "k = 1",
      "# <<< portico managed: sso",
    ]);
    expect(await readFile(cfg, "utf8")).toBe(user);
    // Accepted: written.
    expect(
      (await editConfigFile(cfg, (d) => d.replaceManagedBlock("sso", ["[profile ok]", "k = 1"]))).changed,
    ).toBe(true);
    expect(await readFile(cfg, "utf8")).toBe(
      `${user}# >>> portico managed: sso\n[profile ok]\nk = 1\n# <<< portico managed: sso\n`,
    );
  });

  it("an edit that changes nothing leaves the file untouched", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    await writeFile(cfg, "[profile dev]\nregion = a\n");
    const before = await stat(cfg);
    await new Promise((r) => setTimeout(r, 20));
    const r = await editConfigFile(cfg, (d) => d.set(dev, "region", "a"));
    expect(r.changed).toBe(false);
    const after = await stat(cfg);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("refuses a file botocore refuses, naming file:line, and writes nothing", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    const bad = "[default]\nregion = a\nregion = b\n";
    await writeFile(cfg, bad);
    const err = await editConfigFile(cfg, (d) => d.set(dev, "region", "x")).catch((e) => e);
    expect(isPorticoError(err) && err.code).toBe("config_parse");
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain(`${cfg}:3`);
    expect(err.hint).toContain("portico config lint");
    expect(await readFile(cfg, "utf8")).toBe(bad);
    await expect(stat(backupPath(cfg))).rejects.toThrow();
  });

  it("refuses names, keys and values outside the interop subset before touching the file", async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => editConfigFile(cfg, (d) => d.set({ kind: "profile", name: "my prof" }, "region", "a")),
        "config_name_rejected",
      ],
      [
        // `--profile -x` reads as an option to every CLI, so such a profile could never be named.
        () => editConfigFile(cfg, (d) => d.set({ kind: "profile", name: "-x" }, "region", "a")),
        "config_name_rejected",
      ],
      [() => editConfigFile(cfg, (d) => d.set(dev, "Region", "a")), "config_key_rejected"],
      [() => editConfigFile(cfg, (d) => d.set(dev, "region", "a # b")), "config_value_rejected"],
      [() => editConfigFile(cfg, (d) => d.set(dev, "region", "")), "config_value_rejected"],
      [() => editConfigFile(cfg, (d) => d.set(dev, "region", "a\nb")), "config_value_rejected"],
      [() => editConfigFile(cfg, (d) => d.set(dev, "region", " a")), "config_value_rejected"],
    ];
    for (const [f, code] of cases) {
      const e = (await f().catch((x) => x)) as { code: string; exitCode: number };
      expect(e.code).toBe(code);
      expect(e.exitCode).toBe(2);
    }
    await expect(stat(cfg)).rejects.toThrow();
  });

  it('edits the section botocore reads for the profile (e.g. [profile "dev"])', async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    await writeFile(cfg, '[profile "dev"]\nregion = a\n');
    await editConfigFile(cfg, (d) => d.set(dev, "region", "b"));
    expect(await readFile(cfg, "utf8")).toBe('[profile "dev"]\nregion = b\n');
  });

  it("two processes editing at once never lose an edit (cross-process lock)", async () => {
    const script = path.join(home, "editor.mts");
    const editUrl = new URL("../../src/config/edit.ts", import.meta.url).pathname;
    await writeFile(
      script,
      `import { editConfigFile } from ${JSON.stringify(editUrl)};
const [file, who] = process.argv.slice(2);
for (let i = 0; i < 12; i++) await editConfigFile(file, (d) => d.set({ kind: "profile", name: "p" + who }, "k" + i, "v" + i));
`,
    );
    const tsx = new URL("../../node_modules/.bin/tsx", import.meta.url).pathname;
    const run = (who: string) =>
      new Promise<number>((resolve) => {
        const c = spawn(tsx, [script, cfg, who], { stdio: ["ignore", "ignore", "inherit"] });
        c.on("exit", (code) => resolve(code ?? 1));
      });
    expect(await Promise.all([run("a"), run("b"), run("c")])).toEqual([0, 0, 0]);
    const text = await readFile(cfg, "utf8");
    const parsed = parseConfigText(text);
    expect(parsed.refusal).toBeUndefined();
    for (const who of ["a", "b", "c"]) {
      const sec = parsed.raw.get(`profile p${who}`)!;
      expect([...sec.keys()].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
    }
  });
});

describe("[services] sub-sections", () => {
  it("written as the AWS CLI writes them; botocore and the SDK for JavaScript read the same endpoints", async () => {
    const svc = { kind: "services", name: "local" } as const;
    await editConfigFile(cfg, (d) => {
      d.set(dev, "services", "local");
      d.setSub(svc, "s3", "endpoint_url", "http://127.0.0.1:9000");
      d.setSub(svc, "sts", "endpoint_url", "http://127.0.0.1:9001");
      d.setSub(svc, "s3", "addressing_style", "path");
    });
    expect(await readFile(cfg, "utf8")).toBe(
      "[profile dev]\nservices = local\n[services local]\ns3 =\n    endpoint_url = http://127.0.0.1:9000\n    addressing_style = path\nsts =\n    endpoint_url = http://127.0.0.1:9001\n",
    );
    const js = await loadSharedConfigFiles({
      configFilepath: cfg,
      filepath: path.join(home, "none"),
      ignoreCache: true,
    });
    expect(js.configFile["services.local"]).toEqual({
      "s3.endpoint_url": "http://127.0.0.1:9000",
      "s3.addressing_style": "path",
      "sts.endpoint_url": "http://127.0.0.1:9001",
    });
    await editConfigFile(cfg, (d) => d.unsetSub(svc, "s3", "addressing_style"));
    expect(parseConfigText(await readFile(cfg, "utf8")).raw.get("services local")).toEqual(
      new Map([
        ["s3", new Map([["endpoint_url", "http://127.0.0.1:9000"]])],
        ["sts", new Map([["endpoint_url", "http://127.0.0.1:9001"]])],
      ]),
    );
  });
  it("only in [services] sections, and never over a plain value", async () => {
    const e1 = await editConfigFile(cfg, (d) => d.setSub(dev, "s3", "addressing_style", "path")).catch(
      (x) => x,
    );
    expect(e1.code).toBe("config_key_rejected");
    await mkdir(path.dirname(cfg), { recursive: true });
    await writeFile(cfg, "[services x]\ns3 = plain\n");
    const e2 = await editConfigFile(cfg, (d) =>
      d.setSub({ kind: "services", name: "x" }, "s3", "a", "b"),
    ).catch((x) => x);
    expect(e2.code).toBe("config_value_rejected");
    expect(await readFile(cfg, "utf8")).toBe("[services x]\ns3 = plain\n");
  });
});

describe.skipIf(missing("aws"))("the real clients read what portico writes", () => {
  it("AWS CLI v2 (configure get) and the SDK for JavaScript see the same values", async () => {
    await mkdir(path.dirname(cfg), { recursive: true });
    await writeFile(cfg, "# keep\n[default]\nregion = us-east-1\n\n[profile other]\nregion: x\n");
    await editConfigFile(cfg, (d) => {
      d.set(dev, "sso_session", "corp");
      d.set(dev, "sso_account_id", "111111111111");
      d.set(dev, "region", "eu-north-1");
      d.set({ kind: "sso-session", name: "corp" }, "sso_start_url", "https://d-0000000000.awsapps.com/start");
      d.set({ kind: "profile", name: "default" }, "output", "json");
    });
    const env = { PATH: "/usr/bin:/bin", HOME: home };
    const get = (args: string[]) =>
      spawnSync("/usr/bin/aws", ["configure", "get", ...args], { env, encoding: "utf8" }).stdout.trim();
    expect(get(["region", "--profile", "dev"])).toBe("eu-north-1");
    expect(get(["sso_account_id", "--profile", "dev"])).toBe("111111111111");
    expect(get(["output"])).toBe("json");
    const js = await loadSharedConfigFiles({
      configFilepath: cfg,
      filepath: path.join(home, "none"),
      ignoreCache: true,
    });
    expect(js.configFile["dev"]).toEqual({
      sso_session: "corp",
      sso_account_id: "111111111111",
      region: "eu-north-1",
    });
    expect(js.configFile["sso-session.corp"]).toEqual({
      sso_start_url: "https://d-0000000000.awsapps.com/start",
    });
    expect(js.configFile["default"]).toEqual({ region: "us-east-1", output: "json" });
  });
});
