/**
 * A QR code of a sign-in URL for the terminal, for signing in from a phone when `login` runs over SSH
 * or without a display. The symbol comes from the `qr` package (loaded lazily, only when a code is
 * shown, by src/cli/commands/login.ts); this module draws it with Unicode half blocks, two module rows per text line, with a
 * 4-module quiet zone. With colour allowed it is drawn black on white (right polarity on any terminal
 * theme); without, light modules are blocks (right on the usual dark terminal background).
 */

/** Text lines for a module matrix (true = dark). Pure. */
export function renderHalfBlocks(modules: boolean[][], color: boolean): string {
  const quiet = 4;
  const n = modules.length;
  const size = n + quiet * 2;
  const dark = (r: number, c: number): boolean => {
    const rr = r - quiet;
    const cc = c - quiet;
    return rr >= 0 && rr < n && cc >= 0 && cc < n ? Boolean(modules[rr]![cc]) : false;
  };
  const lines: string[] = [];
  for (let r = 0; r < size; r += 2) {
    let line = "";
    for (let c = 0; c < size; c++) {
      // With colour: draw dark modules (black on white). Without: draw light modules.
      const top = color ? dark(r, c) : !dark(r, c);
      const bottom = r + 1 < size ? (color ? dark(r + 1, c) : !dark(r + 1, c)) : !color;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(color ? `\x1b[30;47m${line}\x1b[0m` : line);
  }
  return `${lines.join("\n")}\n`;
}

type Encode = (text: string, output: "raw", opts: { ecc: "low"; border: number }) => boolean[][];

/** The symbol's modules without any border (the encoder's smallest border, 1, cut off). */
export function qrModules(encode: Encode, text: string): boolean[][] {
  return encode(text, "raw", { ecc: "low", border: 1 })
    .slice(1, -1)
    .map((row) => row.slice(1, -1));
}

/** Whether to show a QR code: a TTY, not turned off, and no browser here (SSH or no display). */
export function wantQr(o: { tty: boolean; noQr: boolean; browserAllowed: boolean }): boolean {
  return o.tty && !o.noQr && !o.browserAllowed;
}

/** The SSH port-forward line for a PKCE callback port on this machine. */
export function sshForwardLine(port: number, host: string, user?: string): string {
  return `ssh -L ${port}:127.0.0.1:${port} ${user ? `${user}@` : ""}${host}`;
}
