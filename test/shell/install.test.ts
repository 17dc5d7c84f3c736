/**
 * Installing the shell integration into rc files (src/shell/install.ts): the pure plan (add, update,
 * unchanged, a hand-written line, broken markers, CRLF, no final line break), the bytes outside the
 * block kept exactly (invalid UTF-8 included), a symlinked rc file written through its link, and for
 * real: after `portico shell-init SHELL --install` (twice), a new bash (Debian's skeleton .bashrc;
 * interactive, and login through a ~/.bash_profile), zsh (with and without ZDOTDIR) and fish started as login/interactive
 * shells have `pc`, once, and it runs portico. `portico setup --shell` is in test/sync/setup.test.ts.
 */
import { existsSync } from "node:fs";
import { copyFile, lstat, mkdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  initLine,
  installShellIntegration,
  planRcInstall,
  rcFileFor,
  shellFromEnv,
} from "../../src/shell/install";
import { tempHome } from "../helpers/emulator";
import { portico, porticoBin, run } from "./support";

const BLOCK = (shell: string, eol = "\n") =>
  `# >>> portico shell integration (portico shell-init ${shell} --install) >>>${eol}${initLine(shell as "bash")}${eol}# <<< portico shell integration <<<${eol}`;

describe("the rc-file plan (pure)", () => {
  it("appends once, after a blank line; a second plan is unchanged", () => {
    const p = planRcInstall("export A=1\n", "bash");
    expect(p).toEqual({ kind: "add", text: `export A=1\n\n${BLOCK("bash")}`, line: 3 });
    if (p.kind !== "add") throw new Error();
    expect(planRcInstall(p.text, "bash")).toEqual({ kind: "unchanged", line: 3 });
    expect(planRcInstall(undefined, "zsh")).toEqual({ kind: "add", text: BLOCK("zsh"), line: 1 });
    expect(planRcInstall("a\n\n", "bash")).toMatchObject({ text: `a\n\n${BLOCK("bash")}` });
  });
  it("a last line without its line break gets one; CRLF files get CRLF", () => {
    expect(planRcInstall("alias ll='ls -l'", "bash")).toMatchObject({
      text: `alias ll='ls -l'\n\n${BLOCK("bash")}`,
    });
    expect(planRcInstall("$x = 1\r\n", "pwsh")).toMatchObject({
      text: `$x = 1\r\n\r\n${BLOCK("pwsh", "\r\n")}`,
    });
  });
  it("another --name replaces the block's body in place; the rest stays", () => {
    const text = `top\n${BLOCK("bash")}bottom\n`;
    const p = planRcInstall(text, "bash", "sw");
    expect(p.kind).toBe("update");
    if (p.kind !== "update") throw new Error();
    expect(
      p.text.startsWith(
        "top\n# >>> portico shell integration (portico shell-init bash --install --name sw) >>>\n",
      ),
    ).toBe(true);
    expect(p.text).toContain(
      'eval "$(portico shell-init bash --name sw)"\n# <<< portico shell integration <<<\nbottom\n',
    );
    expect(planRcInstall(p.text, "bash", "sw").kind).toBe("unchanged");
  });
  it("a hand-written shell-init line counts as installed; a commented one does not", () => {
    expect(planRcInstall('x\neval "$(portico shell-init zsh)"\n', "zsh")).toEqual({
      kind: "present",
      line: 2,
    });
    expect(planRcInstall('# eval "$(portico shell-init zsh)"\n', "zsh").kind).toBe("add");
  });
  it("broken markers: refused, nothing planned", () => {
    const begin = "# >>> portico shell integration (portico shell-init bash --install) >>>\n";
    for (const text of [begin, `${BLOCK("bash")}${BLOCK("bash")}`, "# <<< portico shell integration <<<\n"])
      expect(() => planRcInstall(text, "bash")).toThrow(
        expect.objectContaining({ code: "shell_rc_block_broken" }),
      );
  });
  it("rc files and $SHELL", () => {
    const env = { HOME: "/h" };
    expect(rcFileFor("bash", env)).toBe("/h/.bashrc");
    expect(rcFileFor("zsh", env)).toBe("/h/.zshrc");
    expect(rcFileFor("zsh", { ...env, ZDOTDIR: "/z" })).toBe("/z/.zshrc");
    expect(rcFileFor("fish", env)).toBe("/h/.config/fish/conf.d/portico.fish");
    expect(rcFileFor("fish", { ...env, XDG_CONFIG_HOME: "/x" })).toBe("/x/fish/conf.d/portico.fish");
    expect(rcFileFor("pwsh", env, "linux")).toBe("/h/.config/powershell/Microsoft.PowerShell_profile.ps1");
    expect(shellFromEnv({ SHELL: "/usr/bin/zsh" })).toBe("zsh");
    expect(shellFromEnv({ SHELL: "/bin/sh" })).toBeUndefined();
  });
});

describe("installing into files", () => {
  it("every byte outside the block is kept (invalid UTF-8 too); a symlinked rc is written through the link", async () => {
    const h = await tempHome();
    try {
      const dotfiles = path.join(h.home, "dotfiles");
      await mkdir(dotfiles);
      const original = Buffer.concat([
        Buffer.from("# caf\u00e9\n"),
        Buffer.from([0xff, 0xfe, 0x0a]),
        Buffer.from("PS1='$ '"),
      ]);
      await writeFile(path.join(dotfiles, "bashrc"), original);
      await symlink("dotfiles/bashrc", path.join(h.home, ".bashrc"));
      const r = await installShellIntegration("bash", { HOME: h.home });
      expect(r).toMatchObject({ result: "added", written: path.join(dotfiles, "bashrc") });
      expect((await lstat(path.join(h.home, ".bashrc"))).isSymbolicLink()).toBe(true);
      expect(await readlink(path.join(h.home, ".bashrc"))).toBe("dotfiles/bashrc");
      const after = await readFile(path.join(dotfiles, "bashrc"));
      expect(after.subarray(0, original.length).equals(original)).toBe(true);
      expect(after.subarray(original.length).toString("utf8")).toBe(`\n\n${BLOCK("bash")}`);
      expect((await installShellIntegration("bash", { HOME: h.home })).result).toBe("unchanged");
      expect((await readFile(path.join(dotfiles, "bashrc"))).equals(after)).toBe(true);
    } finally {
      await h.cleanup();
    }
  });
});

describe("a new shell has pc after the install", () => {
  const haveSkel = existsSync("/etc/skel/.bashrc");

  async function installTwice(shell: string, env: NodeJS.ProcessEnv) {
    for (const expected of ["added", "unchanged"]) {
      const r = await portico(["shell-init", shell, "--install", "--json"], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).result).toBe(expected);
    }
  }

  it("bash (Debian's skeleton .bashrc): interactive, and login through a ~/.bash_profile that sources it", async () => {
    const h = await tempHome();
    try {
      const bin = await porticoBin(path.join(h.home, "bin"));
      const env = { HOME: h.home, PATH: `${bin}:/usr/bin:/bin`, TERM: "dumb" };
      if (haveSkel) await copyFile("/etc/skel/.bashrc", path.join(h.home, ".bashrc"));
      // A login bash reads /etc/profile (which resets PATH here) and ~/.bash_profile, not ~/.bashrc: the
      // usual ~/.bash_profile puts the user's bin folder on PATH and sources ~/.bashrc.
      await writeFile(path.join(h.home, ".bash_profile"), 'PATH="$HOME/bin:$PATH"\n. "$HOME/.bashrc"\n');
      await installTwice("bash", env);
      const check =
        'type -t pc; case "$PROMPT_COMMAND" in *__portico_hook*__portico_hook*) echo twice;; *__portico_hook*) echo hook;; esac; pc no-such-profile; echo "rc=$?"';
      for (const flags of [["-i"], ["-l", "-i"]]) {
        const r = await run("bash", [...flags, "-c", check], env);
        expect(r.stdout, `bash ${flags.join(" ")}: ${r.stderr}`).toBe("function\nhook\nrc=3\n");
        expect(r.stderr).toContain("no-such-profile");
      }
    } finally {
      await h.cleanup();
    }
  });

  it("zsh: ~/.zshrc, and $ZDOTDIR/.zshrc when ZDOTDIR is set", async () => {
    const h = await tempHome();
    try {
      const bin = await porticoBin(path.join(h.home, "bin"));
      const zdot = path.join(h.home, "zdot");
      await mkdir(zdot);
      for (const env of [
        { HOME: h.home, PATH: `${bin}:/usr/bin:/bin`, TERM: "dumb" },
        { HOME: h.home, ZDOTDIR: zdot, PATH: `${bin}:/usr/bin:/bin`, TERM: "dumb" },
      ]) {
        await installTwice("zsh", env);
        for (const flags of [["-i"], ["-l", "-i"]]) {
          const r = await run("zsh", [...flags, "-c", 'whence -w pc; pc no-such-profile; echo "rc=$?"'], env);
          expect(r.stdout, `zsh ${flags.join(" ")}: ${r.stderr}`).toBe("pc: function\nrc=3\n");
        }
      }
      expect(await readFile(path.join(zdot, ".zshrc"), "utf8")).toBe(BLOCK("zsh"));
    } finally {
      await h.cleanup();
    }
  });

  it("fish: a conf.d snippet of its own", async () => {
    const h = await tempHome();
    try {
      const bin = await porticoBin(path.join(h.home, "bin"));
      const env = { HOME: h.home, PATH: `${bin}:/usr/bin:/bin`, TERM: "dumb" };
      // A line written by hand in config.fish counts: the conf.d snippet would run it twice.
      await mkdir(path.join(h.home, ".config", "fish"), { recursive: true });
      await writeFile(
        path.join(h.home, ".config", "fish", "config.fish"),
        "portico shell-init fish | source\n",
      );
      const hand = await portico(["shell-init", "fish", "--install", "--json"], env);
      expect(JSON.parse(hand.stdout)).toMatchObject({ result: "present", line: 1 });
      expect(existsSync(path.join(h.home, ".config", "fish", "conf.d", "portico.fish"))).toBe(false);
      await writeFile(path.join(h.home, ".config", "fish", "config.fish"), "# nothing\n");
      await installTwice("fish", env);
      for (const flags of [["-i"], ["-l"]]) {
        const r = await run(
          "fish",
          [...flags, "-c", 'functions -q pc; and echo function; pc no-such-profile; echo "rc=$status"'],
          env,
        );
        expect(r.stdout, `fish ${flags.join(" ")}: ${r.stderr}`).toBe("function\nrc=3\n");
      }
    } finally {
      await h.cleanup();
    }
  });
});
