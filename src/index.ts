/** The portico library: its public surface (re-exports only). */
export { ExitCode, isPorticoError, PorticoError } from "./errors";
export { writeFileAtomic } from "./platform/files";
export { withFileLock } from "./platform/lock";
