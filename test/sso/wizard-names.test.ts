/**
 * A session or profile name portico cannot write is caught at its question — re-asked with the
 * reason — instead of failing after every other answer (and a sign-in) was given. The prompts are
 * scripted through the wizard's UI seam, which applies the validator as @inquirer/prompts does.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editConfigFile } from "../../src/config/edit";
import { loadAwsConfig } from "../../src/config/load";
import { configureSso, configureSsoSession, type WizardUi } from "../../src/sso/configure";
import { tempHome } from "../helpers/emulator";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

/** Answers in order; an answer the validator refuses is logged and the next one is tried. */
function scripted(answers: string[], refused: string[]): WizardUi {
  return {
    say: () => {},
    ask: async (_prompt, validate) => {
      for (;;) {
        const a = answers.shift();
        if (a === undefined) throw new Error("no more scripted answers");
        const ok = validate ? validate(a) : true;
        if (ok === true) return a;
        refused.push(`${a} -> ${ok}`);
      }
    },
  };
}

async function deps(ui: WizardUi) {
  const config = await loadAwsConfig({ HOME: home });
  return {
    config,
    ui,
    edit: (fn: Parameters<typeof editConfigFile>[1]) => editConfigFile(config.paths.configFile, fn),
    token: () => Promise.reject(new Error("no sign-in in this test")),
    listAccounts: () => Promise.resolve([]),
    listRoles: () => Promise.resolve([]),
  };
}

describe("names at their question", () => {
  it("configure sso-session: 'my sso' is refused at the name question, 'my-sso' is written", async () => {
    const refused: string[] = [];
    const ui = scripted(
      ["my sso", "my-sso", "https://d-0000000000.awsapps.com/start", "eu-north-1", ""],
      refused,
    );
    const r = await configureSsoSession(await deps(ui), undefined, {});
    expect(refused).toEqual([
      expect.stringMatching(/^my sso -> sso-session name "my sso" cannot be written/),
    ]);
    expect(r.session).toBe("my-sso");
  });

  it("configure sso: a session name with a space is refused at its question, before any sign-in", async () => {
    const refused: string[] = [];
    const ui = scripted(["my sso", ""], refused);
    // The second answer (empty, no current session) is the legacy format; the wizard then asks for
    // a start URL, and the script ends there.
    const e = await configureSso(await deps(ui), {}).catch((x: Error) => x);
    expect((e as Error).message).toBe("no more scripted answers");
    expect(refused).toEqual([
      expect.stringMatching(/^my sso -> sso-session name "my sso" cannot be written/),
    ]);
  });
});
