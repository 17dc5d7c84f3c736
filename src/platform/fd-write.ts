/**
 * Output of the lean paths straight to fd 1 or 2 (src/cli/start.ts's bundles): process.stdout and
 * process.stderr are never built, since each getter loads Node's stream modules (several ms), and
 * whether fd 2 is a terminal is found without node:tty where one fstat can tell. The one place for the
 * rule; the full CLI writes through the streams.
 */
import { builtin } from "./builtin";

const fs = (): typeof import("node:fs") => builtin<typeof import("node:fs")>("node:fs");

/**
 * A writer to fd 1 or 2 with fs.writeSync. A reader that goes away (`portico doctor | head`) is not
 * an error (as in src/cli/bin.ts); anything else (a non-blocking pipe that is full: EAGAIN) hands the
 * rest to the stream, which waits and reports as process.stdout would have, and every later write of
 * this writer goes through it too (bytes may be pending in it: no reordering).
 */
export function fdWriter(fd: 1 | 2): { write(chunk: string): boolean } {
  let stream: NodeJS.WriteStream | undefined;
  return {
    write(chunk: string) {
      const bytes = Buffer.from(chunk, "utf8");
      let done = 0;
      if (!stream)
        try {
          while (done < bytes.length) done += fs().writeSync(fd, bytes, done);
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(process.exitCode ?? 0);
          stream = fd === 1 ? process.stdout : process.stderr;
          stream.on("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
            throw err;
          });
        }
      stream.write(bytes.subarray(done));
      return true;
    },
  };
}

/** All of `text` to fd 1 or 2 (one write of a fresh `fdWriter`). */
export function writeAll(fd: 1 | 2, text: string): void {
  fdWriter(fd).write(text);
}

/**
 * Whether fd is a terminal (what process.stderr.isTTY says): only a character device can be one, so
 * a pipe, a file or /dev/null is answered by one fstat, and node:tty (which loads net and streams) is
 * asked only for another character device.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    const st = fs().fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // Linux's memory devices (/dev/null, /dev/zero: major 1) are never terminals.
    if (process.platform === "linux" && ((st.rdev >> 8) & 0xfff) === 1) return false;
  } catch {
    return false;
  }
  return builtin<typeof import("node:tty")>("node:tty").isatty(fd);
}
