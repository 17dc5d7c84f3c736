/**
 * A unified diff of two texts (for `portico sync --dry-run`), pure. A sync changes one block, so the
 * common head and tail are cut first; the middle is diffed with Myers' O(ND) algorithm, and when it
 * differs in more than `maxEdits` lines, shown as one replacement hunk (still a correct diff).
 */

type Op = { kind: " " | "-" | "+"; text: string };

function splitText(t: string): string[] {
  if (t === "") return [];
  const lines = t.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function myers(a: string[], b: string[], maxEdits: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const off = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const nv = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      nv[off + k] = x;
      if (x >= n && y >= m) {
        trace.push(nv);
        return backtrack(trace, a, b, off, d);
      }
    }
    v = nv;
  }
  return undefined;
}

function backtrack(trace: Int32Array[], a: string[], b: string[], off: number, dEnd: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: " ", text: a[--x]! }) && y--;
    if (x === prevX) ops.push({ kind: "+", text: b[--y]! });
    else ops.push({ kind: "-", text: a[--x]! });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: " ", text: a[--x]! });
    y--;
  }
  return ops.reverse();
}

/** `diff -u` output of `before` → `after` ("" when equal). */
export function unifiedDiff(
  before: string,
  after: string,
  file: string,
  context = 3,
  maxEdits = 4000,
): string {
  if (before === after) return "";
  const a = splitText(before);
  const b = splitText(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const mid = myers(am, bm, maxEdits) ?? [
    ...am.map((text) => ({ kind: "-" as const, text })),
    ...bm.map((text) => ({ kind: "+" as const, text })),
  ];
  const ops: Op[] = [
    ...a.slice(Math.max(0, head - context), head).map((text) => ({ kind: " " as const, text })),
    ...mid,
    ...a
      .slice(a.length - tail, Math.min(a.length, a.length - tail + context))
      .map((text) => ({ kind: " " as const, text })),
  ];
  const startA = Math.max(0, head - context);
  // Group ops into hunks separated by > 2×context unchanged lines.
  const out: string[] = [`--- ${file}`, `+++ ${file}`];
  let i = 0;
  let la = startA;
  let lb = startA;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === " ") {
      i++;
      la++;
      lb++;
    }
    if (i >= ops.length) break;
    let s = i;
    let back = 0;
    while (s > 0 && back < context && ops[s - 1]!.kind === " ") {
      s--;
      back++;
    }
    let e = i;
    let run = 0;
    while (e < ops.length) {
      if (ops[e]!.kind === " ") {
        run++;
        if (run > 2 * context) break;
      } else run = 0;
      e++;
    }
    const end = Math.min(ops.length, e - Math.max(0, run - context));
    const hunk = ops.slice(s, end);
    const oldStart = la - back;
    const newStart = lb - back;
    const oldLen = hunk.filter((o) => o.kind !== "+").length;
    const newLen = hunk.filter((o) => o.kind !== "-").length;
    out.push(
      `@@ -${oldLen === 0 ? oldStart : oldStart + 1},${oldLen} +${newLen === 0 ? newStart : newStart + 1},${newLen} @@`,
    );
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    for (let j = i; j < end; j++) {
      if (ops[j]!.kind !== "+") la++;
      if (ops[j]!.kind !== "-") lb++;
    }
    i = end;
  }
  return `${out.join("\n")}\n`;
}
