import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileIfExists, writeFileAtomic } from "../../src/platform/files";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-files-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("creates new files 0600 and missing folders 0700", async () => {
    const file = path.join(dir, "a", "b", "token.json");
    await writeFileAtomic(file, "{}");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dir, "a"))).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(dir, "a", "b"))).mode & 0o777).toBe(0o700);
    expect(await fs.readFile(file, "utf8")).toBe("{}");
  });

  it("keeps the mode of an existing file", async () => {
    const file = path.join(dir, "config");
    await fs.writeFile(file, "old");
    await fs.chmod(file, 0o640);
    await writeFileAtomic(file, "new");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
    expect(await fs.readFile(file, "utf8")).toBe("new");
  });

  it("leaves no temp files behind", async () => {
    const file = path.join(dir, "x");
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(file, `v${i}`)));
    expect(await fs.readdir(dir)).toEqual(["x"]);
    expect(await fs.readFile(file, "utf8")).toMatch(/^v\d+$/);
  });

  it("readFileIfExists returns undefined only for a missing file", async () => {
    expect(await readFileIfExists(path.join(dir, "nope"))).toBeUndefined();
    await expect(readFileIfExists(dir)).rejects.toThrow();
  });
});
