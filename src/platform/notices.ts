/**
 * A notice for people, said once per command run on stderr: `portico: note: …`. Used when portico
 * carries on despite the environment (a cache it could not write). stdout stays data only.
 */
export function noticeOnce(stderr: { write(chunk: string): unknown }): (message: string) => void {
  let said = false;
  return (message) => {
    if (said) return;
    said = true;
    stderr.write(`portico: note: ${message}\n`);
  };
}
