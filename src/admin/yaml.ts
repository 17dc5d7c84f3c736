/**
 * YAML plan files (docs/admin.md "Plan files"): the `yaml` package (YAML 1.2), imported statically
 * here so the bundler wires its CommonJS exports, and this module loaded only by `admin plan|apply`
 * for a YAML file (plan.ts). Errors and node positions come from the package's own parser.
 */
import { isMap, isNode, LineCounter, parseDocument } from "yaml";

export interface YamlPosition {
  line: number;
  col: number;
}

export type YamlRead =
  | { ok: false; at: YamlPosition | undefined; message: string }
  | { ok: true; raw: unknown; locate: (top: string, index?: number) => YamlPosition | undefined };

export function readYaml(text: string): YamlRead {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const [pos] = err.linePos ?? [lines.linePos(err.pos[0])];
    return {
      ok: false,
      at: pos ? { line: pos.line, col: pos.col } : undefined,
      message: err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""),
    };
  }
  const raw = doc.toJS({ maxAliasCount: 100 });
  const at = (node: unknown): YamlPosition | undefined => {
    const range = isNode(node) ? node.range : undefined;
    if (!range) return undefined;
    const p = lines.linePos(range[0]);
    return { line: p.line, col: p.col };
  };
  const locate = (top: string, index?: number): YamlPosition | undefined => {
    if (index !== undefined) return at(doc.getIn([top, index], true));
    if (!isMap(doc.contents)) return undefined;
    return at(doc.contents.items.find((pair) => isNode(pair.key) && String(pair.key.toJSON()) === top)?.key);
  };
  return { ok: true, raw, locate };
}
