/**
 * Node's built-in modules through process.getBuiltinModule (Node ≥ 20.16), for the launcher's lean
 * paths: a static ESM `import` of node:fs builds its ESM facade, which also loads fs/promises —
 * several ms per process (docs/benchmarks.md "Hot paths at 21,000 profiles").
 */
export const builtin = <T>(id: string): T =>
  (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(id);
