#!/usr/bin/env node
// Keeps package-lock.json installable with `npm ci` here and on CI.
//
// The registry this project's machines reach holds Biome's Linux binaries but not its other platform
// packages (@biomejs/cli-darwin-arm64, …-win32-x64, …). `npm install` then leaves those optional
// dependencies out of the lock file, and `npm ci` refuses the lock ("Missing: @biomejs/cli-… from lock
// file"). This script adds the missing entries the way npm writes optional platform packages — with
// `os`/`cpu`/`libc`, so `npm ci` skips them on every other platform without fetching anything.
// Run it after any `npm install` that rewrites the lock: `node scripts/lockfile-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  if (!path.endsWith("node_modules/@biomejs/biome")) continue;
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `${path.slice(0, -"@biomejs/biome".length)}${name}`;
    if (pkgs[key]) continue;
    const m = /^@biomejs\/cli-(android|darwin|linux|win32)-(arm64|x64)(-musl)?$/.exec(name);
    if (!m) throw new Error(`lockfile-platforms: unexpected optional dependency ${name}`);
    pkgs[key] = {
      version,
      cpu: [m[2]],
      ...(meta.dev ? { dev: true } : {}),
      ...(m[1] === "linux" ? { libc: [m[3] ? "musl" : "glibc"] } : {}),
      license: "MIT OR Apache-2.0",
      optional: true,
      os: [m[1]],
      engines: { node: ">=14.21.3" },
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile-platforms: ${added} platform entr${added === 1 ? "y" : "ies"} added`);
