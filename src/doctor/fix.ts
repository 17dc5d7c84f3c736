/**
 * `portico doctor --fix`: what each fix would change, as a diff, and applying it. Config edits go
 * through the config layer (src/config/edit.ts `editConfigFile`: lock, refusal of unparsable files,
 * read-back check, one-time backup, atomic write), so they are lossless; modes are tightened with chmod.
 */
import { promises as fs } from "node:fs";
import { ConfigDocument } from "../config/document";
import { type ConfigEditor, createEditor, editConfigFile } from "../config/edit";
import type { ConfigOp, FixAction } from "./types";

export function applyOps(ed: ConfigEditor, ops: ConfigOp[]): void {
  for (const o of ops) {
    const ref = { kind: o.kind, name: o.name };
    if (o.op === "set") ed.set(ref, o.key, o.value);
    else ed.unset(ref, o.key);
  }
}

/** The text after `ops`, computed in memory on the lossless document. */
export function previewOps(text: string, ops: ConfigOp[]): string {
  const doc = ConfigDocument.parse(text);
  applyOps(createEditor(doc), ops);
  return doc.toString();
}

/**
 * A unified-style line diff (`-`/`+`, 2 lines of context, `@@ -a +b @@` hunks). Greedy: lines are
 * matched again within a 200-line window, which is exact for the local edits doctor makes.
 */
export function lineDiff(before: string, after: string, label: string): string {
  const a = before.split(/\r\n|\r|\n/);
  const b = after.split(/\r\n|\r|\n/);
  if (a[a.length - 1] === "") a.pop();
  if (b[b.length - 1] === "") b.pop();
  type Op = { t: " " | "-" | "+"; s: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ t: " ", s: a[i]!, ai: i++, bi: j++ });
      continue;
    }
    // Find the nearest resync point (di deletions, dj insertions).
    let best: [number, number] | undefined;
    for (let d = 1; d <= 400 && !best; d++) {
      for (let di = 0; di <= Math.min(d, 200); di++) {
        const dj = d - di;
        if (dj > 200) continue;
        if (i + di < a.length && j + dj < b.length && a[i + di] === b[j + dj]) {
          best = [di, dj];
          break;
        }
      }
      if (i + d >= a.length && j + d >= b.length) break;
    }
    const [di, dj] = best ?? [a.length - i, b.length - j];
    for (let k = 0; k < di; k++) ops.push({ t: "-", s: a[i]!, ai: i++, bi: j });
    for (let k = 0; k < dj; k++) ops.push({ t: "+", s: b[j]!, ai: i, bi: j++ });
  }
  const out = [`--- ${label}`, `+++ ${label}`];
  for (let k = 0; k < ops.length; k++) {
    if (ops[k]!.t === " ") continue;
    let start = Math.max(0, k - 2);
    let end = k;
    // extend the hunk while changes are within 4 lines of each other
    for (let m = k; m < ops.length; m++) {
      if (ops[m]!.t !== " ") end = m;
      else if (m - end > 4) break;
    }
    end = Math.min(ops.length - 1, end + 2);
    const hunk = ops.slice(start, end + 1);
    const aLen = hunk.filter((o) => o.t !== "+").length;
    const bLen = hunk.filter((o) => o.t !== "-").length;
    out.push(`@@ -${hunk[0]!.ai + 1},${aLen} +${hunk[0]!.bi + 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.s}`);
    k = end;
    start = end;
  }
  return out.join("\n");
}

/**
 * What applying `action` would change, for people: a mode change, or a diff of the file's current
 * text (`textOf`, asked only for a diff).
 */
export function describeAction(action: FixAction, textOf: (file: string) => string): string {
  if (action.kind === "chmod")
    return `chmod ${action.path}: 0${action.from.toString(8).padStart(3, "0")} → 0${action.to.toString(8).padStart(3, "0")}`;
  const before = textOf(action.file);
  return lineDiff(before, previewOps(before, action.ops), action.display);
}

export async function applyAction(action: FixAction): Promise<boolean> {
  if (action.kind === "chmod") {
    await fs.chmod(action.path, action.to);
    return true;
  }
  const r = await editConfigFile(action.file, (ed) => applyOps(ed, action.ops));
  return r.changed;
}
