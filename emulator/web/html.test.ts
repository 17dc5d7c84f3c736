import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeUserCode } from "./device";
import { escapeHtml, html, raw } from "./html";
import { parseCookies, safeNext } from "./http";

describe("html escaping", () => {
  it("escapes every interpolated string, keeps nested html", () => {
    const name = `<script>alert("x")</script>&'\``;
    const out = html`<p title="${name}">${name}${html`<b>${name}</b>`}${raw("<i>ok</i>")}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">' +
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;" +
        "<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</b><i>ok</i></p>",
    );
  });

  it("never lets markup-significant characters through (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const e = escapeHtml(s);
        expect(html`<div data-x="${s}">${s}</div>`.value).toBe(`<div data-x="${e}">${e}</div>`);
        expect(e.replace(/&(amp|lt|gt|quot|#39|#96);/g, "")).not.toMatch(/[&<>"'`]/);
      }),
    );
  });

  it("renders arrays, numbers and nothing for null/undefined/false", () => {
    expect(html`${[1, "<", null, undefined, false, [html`<br>`]]}`.value).toBe("1&lt;<br>");
  });
});

describe("safeNext (no open redirects)", () => {
  it.each([
    ["/device?user_code=ABCD-EFGH", "/device?user_code=ABCD-EFGH"],
    ["/consent?request=abc", "/consent?request=abc"],
    ["//evil.example/x", "/start"],
    ["/\\evil.example", "/start"],
    ["https://evil.example/", "/start"],
    ["javascript:alert(1)", "/start"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/\t/evil.example", "/start"],
    ["", "/start"],
    [null, "/start"],
  ])("%s → %s", (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });

  it("always yields a same-origin path (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = safeNext(s);
        expect(out.startsWith("/")).toBe(true);
        expect(new URL(out, "http://emulator.invalid").origin).toBe("http://emulator.invalid");
        expect(out.startsWith("//")).toBe(false);
      }),
    );
  });
});

describe("cookies and codes", () => {
  it("parses cookies, first one wins, malformed values ignored", () => {
    const c = parseCookies("a=1; b=%E2%9C%93; a=2; bad=%E0%A4%A; =x; noeq");
    expect([...c.entries()]).toEqual([
      ["a", "1"],
      ["b", "✓"],
    ]);
  });

  it("normalises typed user codes", () => {
    expect(normalizeUserCode(" bcdf ghjk ")).toBe("BCDF-GHJK");
    expect(normalizeUserCode("bcdf-ghjk")).toBe("BCDF-GHJK");
    expect(normalizeUserCode("BCD")).toBe("BCD");
  });
});
