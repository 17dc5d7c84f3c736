/** Fixture HOMEs for the doctor tests: real files with real modes in a temp HOME, and a PATH of our choosing. */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { runCli } from "../cli/support";
import { tempHome } from "../helpers/emulator";

export interface Fixture {
  home: string;
  bin: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
  write(rel: string, text: string, mode?: number): Promise<string>;
  doctor(
    args?: string[],
    extra?: NodeJS.ProcessEnv,
  ): Promise<{ code: number; stdout: string; stderr: string; json: DoctorJson[] }>;
}

export interface DoctorJson {
  id: string;
  status: "ok" | "warning" | "problem";
  message: string;
  evidence: string[];
  fix: string | null;
  subject: string | null;
  fixable: boolean;
  /** The planned change of a fixable finding (a diff, or the mode change). */
  change?: string;
}

/** A HOME with `files` (relative path → text). PATH is an empty bin folder unless `path` is given. */
export async function fixture(
  files: Record<string, string> = {},
  opts: { path?: string } = {},
): Promise<Fixture> {
  const t = await tempHome();
  const bin = path.join(t.home, "bin");
  await fs.mkdir(bin);
  const write = async (rel: string, text: string, mode = 0o600) => {
    const p = path.join(t.home, rel);
    await fs.mkdir(path.dirname(p), { recursive: true, mode: 0o700 });
    await fs.writeFile(p, text, { mode });
    await fs.chmod(p, mode);
    return p;
  };
  for (const [rel, text] of Object.entries(files)) await write(rel, text);
  if (Object.keys(files).some((f) => f.startsWith(".aws/"))) await fs.chmod(path.join(t.home, ".aws"), 0o700);
  const env: NodeJS.ProcessEnv = { HOME: t.home, PATH: opts.path ?? bin };
  return {
    home: t.home,
    bin,
    env,
    cleanup: t.cleanup,
    write,
    async doctor(args = [], extra = {}) {
      const r = await runCli(["doctor", "--json", ...args], { ...env, ...extra });
      let json: DoctorJson[] = [];
      try {
        json = JSON.parse(r.stdout) as DoctorJson[];
      } catch {}
      return { ...r, json };
    },
  };
}

export const find = (json: DoctorJson[], id: string, status?: DoctorJson["status"]) =>
  json.filter((f) => f.id === id && (status === undefined || f.status === status));
