/**
 * Quoting per shell, proven by the real shells: fast-check generates hostile values (quotes, $,
 * backticks, backslashes, newlines, unicode, leading dashes, typographic quotes), src/shell/quote.ts
 * renders `set` statements, and bash, zsh and fish evaluate them and print each variable back
 * NUL-separated — the bytes must match. PowerShell is not packaged for Debian 12: its rule is checked
 * against a reader of PowerShell's single-quoted string grammar (about_Quoting_Rules).
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { promptName, renderPlan, switchPlan, unsetPlan } from "../../src/shell/plan";
import { quote, type Shell, setStatement, unsetStatement } from "../../src/shell/quote";

const HOSTILE = [
  "'",
  "''",
  `"`,
  "$HOME",
  "$(touch /tmp/portico-pwned)",
  "`touch /tmp/portico-pwned`",
  "\\",
  "\\'",
  "a\nb",
  "\n",
  "-e",
  "--",
  "-n foo",
  "é€😀",
  "\u2018x\u2019",
  "\u201a\u201b",
  "%s %%",
  "!!",
  "*",
  "~",
  "{a,b}",
  "a;b|c&d",
  " lead and trail ",
  "\t",
  "\r",
  "#not a comment",
];

const value = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({
    unit: fc.constantFrom(
      "'",
      '"',
      "$",
      "`",
      "\\",
      "\n",
      "-",
      " ",
      "a",
      "é",
      "😀",
      "\u2019",
      "(",
      ")",
      "{",
      "}",
      "%",
      "!",
      ";",
      "#",
      "~",
      "*",
    ),
  }),
  fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")),
);

/** Evaluate `script` in `shell` and return the values of V0…Vn-1, each printed NUL-terminated. */
function roundTrip(shell: "bash" | "zsh" | "fish", values: string[]): string[] {
  const sets = values.map((v, i) => setStatement(shell, `V${i}`, v)).join("\n");
  const show = values
    .map((_, i) => (shell === "fish" ? `printf '%s\\0' "$V${i}"` : `printf '%s\\0' "$V${i}"`))
    .join("\n");
  const script = shell === "fish" ? `${sets}\n${show}\n` : `eval ${quote(shell, sets)}\n${show}\n`;
  const args =
    shell === "fish"
      ? ["--no-config", "-c", script]
      : shell === "zsh"
        ? ["-f", "-c", script]
        : ["--norc", "--noprofile", "-c", script];
  const r = spawnSync(shell, args, {
    encoding: "utf8",
    env: { PATH: process.env["PATH"], LANG: "C.UTF-8", HOME: "/nonexistent" },
  });
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.split("\0");
  out.pop();
  return out;
}

describe.each(["bash", "zsh", "fish"] as const)("%s reads back exactly what was quoted", (shell) => {
  it("the fixed hostile list", () => {
    expect(roundTrip(shell, HOSTILE)).toEqual(HOSTILE);
  });
  it("generated values (fast-check, 40 batches of up to 25)", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 25 }), (vals) => {
        // Lone surrogates cannot travel through UTF-8 (the shells see U+FFFD): compare well-formed text.
        const clean = vals.map((v) =>
          v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"),
        );
        expect(roundTrip(shell, clean)).toEqual(clean);
      }),
      { numRuns: 40 },
    );
  });
  it("unset removes the variable and does not fail when it is not set", () => {
    const script =
      shell === "fish"
        ? `set -gx X 1\n${unsetStatement(shell, "X")}\n${unsetStatement(shell, "NEVER")}\nset -q X; and echo set; or echo gone`
        : `export X=1\n${unsetStatement(shell, "X")}\n${unsetStatement(shell, "NEVER")} && echo \${X-gone}`;
    const args = shell === "fish" ? ["--no-config", "-c", script] : ["-c", script];
    const r = spawnSync(shell, args, { encoding: "utf8" });
    expect(r.stdout.trim()).toBe("gone");
  });
});

/** PowerShell's single-quoted string: '…' where a doubled quote (any of ' ‘ ’ ‚ ‛) stands for one. */
function readPwshSingleQuoted(text: string): { value: string; rest: string } {
  const Q = "'\u2018\u2019\u201a\u201b";
  if (!Q.includes(text[0]!)) throw new Error("not a single-quoted string");
  let out = "";
  let i = 1;
  for (;;) {
    if (i >= text.length) throw new Error("unterminated");
    const c = text[i]!;
    if (Q.includes(c)) {
      if (i + 1 < text.length && Q.includes(text[i + 1]!)) {
        out += text[i + 1]!; // about_Quoting_Rules: two adjacent quote characters are one literal quote
        i += 2;
        continue;
      }
      return { value: out, rest: text.slice(i + 1) };
    }
    out += c;
    i++;
  }
}

describe("PowerShell quoting (by its grammar; pwsh is not packaged for Debian 12)", () => {
  it("every value reads back whole, with nothing after the closing quote", () => {
    fc.assert(
      fc.property(value, (v) => {
        const stmt = setStatement("pwsh", "AWS_PROFILE", v);
        expect(stmt.startsWith("$env:AWS_PROFILE = ")).toBe(true);
        const r = readPwshSingleQuoted(stmt.slice("$env:AWS_PROFILE = ".length));
        expect(r.value).toBe(v.replace(/[\u2018\u2019\u201a\u201b]/g, (c) => c)); // unchanged
        expect(r.rest).toBe("");
      }),
      { numRuns: 500 },
    );
    for (const v of HOSTILE) expect(readPwshSingleQuoted(quote("pwsh", v)).value).toBe(v);
  });
  it("golden statements", () => {
    expect(quote("pwsh", "it's")).toBe("'it''s'");
    expect(quote("pwsh", "\u2019")).toBe("'\u2019\u2019'");
    expect(unsetStatement("pwsh", "AWS_PROFILE")).toBe(
      "Remove-Item -LiteralPath Env:AWS_PROFILE -ErrorAction SilentlyContinue",
    );
  });
});

describe("plans", () => {
  const now = new Date("2026-12-01T09:00:00Z");
  it("profile mode: AWS_PROFILE and region set, stale keys cleared, previous remembered", () => {
    const ops = switchPlan({
      shell: "bash",
      profile: "dev",
      mode: "profile",
      region: "eu-north-1",
      keepRegion: false,
      expiresAt: new Date("2026-12-01T10:00:00Z"),
      env: { AWS_PROFILE: "old", AWS_ACCESS_KEY_ID: "AKIASTALE" },
      now,
    });
    const text = renderPlan("bash", ops);
    expect(text).toContain("export AWS_PROFILE='dev'\n");
    expect(text).toContain("export AWS_REGION='eu-north-1'\n");
    expect(text).toContain("unset AWS_ACCESS_KEY_ID\n");
    expect(text).toContain("unset AWS_SESSION_TOKEN\n");
    expect(text).toContain("export PORTICO_PREVIOUS='old'\n");
    expect(text).toContain(`export PORTICO_EXPIRES='${Date.parse("2026-12-01T10:00:00Z") / 1000}'\n`);
    expect(text).toContain("export PORTICO_SET='AWS_PROFILE AWS_REGION'\n");
  });
  it("--keep-region leaves AWS_REGION alone; a region-less profile removes only the region we set", () => {
    const keep = renderPlan(
      "bash",
      switchPlan({
        shell: "bash",
        profile: "a",
        mode: "profile",
        region: "x",
        keepRegion: true,
        env: {},
        now,
      }),
    );
    expect(keep).not.toContain("AWS_REGION");
    const mine = renderPlan(
      "bash",
      switchPlan({
        shell: "bash",
        profile: "a",
        mode: "profile",
        keepRegion: false,
        env: { PORTICO_SET: "AWS_PROFILE AWS_REGION" },
        now,
      }),
    );
    expect(mine).toContain("unset AWS_REGION\n");
    const theirs = renderPlan(
      "bash",
      switchPlan({
        shell: "bash",
        profile: "a",
        mode: "profile",
        keepRegion: false,
        env: { AWS_REGION: "user" },
        now,
      }),
    );
    expect(theirs).not.toContain("AWS_REGION");
  });
  it("unset clears what was set (only names on portico's list) and remembers the profile for `pc -`", () => {
    const text = renderPlan(
      "zsh",
      unsetPlan({
        PORTICO_SET: "AWS_PROFILE AWS_REGION PATH HOME",
        PORTICO_PROFILE: "dev",
        PORTICO_MODE: "profile",
      }),
    );
    expect(text).toContain("unset AWS_PROFILE\n");
    expect(text).toContain("unset AWS_REGION\n");
    expect(text).not.toMatch(/unset (PATH|HOME)/);
    expect(text).toContain("export PORTICO_PREVIOUS='dev'\n");
    expect(text).toContain("unset PORTICO_SET\n");
  });
  it("prompt names: control characters neutralised, zsh's % escaped", () => {
    expect(promptName("bash", "a\x1b[31mb\n")).toBe("a?[31mb?");
    expect(promptName("zsh", "100%")).toBe("100%%");
  });
  it("a NUL in a value is refused", () => {
    expect(() => quote("bash" as Shell, "a\0b")).toThrow(/NUL/);
  });
});
