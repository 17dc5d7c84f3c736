/**
 * Test helpers: a real emulator on a real port (127.0.0.1:0) for the length of one callback, and an
 * isolated 0700 HOME. Nothing here fakes the emulator; tests talk to it over HTTP.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index";

export type { EmulatorOptions, RunningEmulator } from "../../emulator/index";

/** Start an emulator (port 0 unless given), run `fn`, always stop it. */
export async function withEmulator<T>(
  opts: EmulatorOptions,
  fn: (emu: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emu = await startEmulator({ port: 0, ...opts });
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

/** A fresh 0700 temp dir to use as HOME; `cleanup()` removes it. */
export async function tempHome(): Promise<{ home: string; cleanup(): Promise<void> }> {
  const home = await mkdtemp(path.join(tmpdir(), "portico-home-"));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}
