/**
 * A cached client registration the service no longer knows (deleted server-side; in practice: the
 * emulator restarted without --data) must not be reported as a wrong sso_region: the device flow
 * registers again, once, and signs in. Two real emulators over HTTP, one HOME.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { login } from "../../src/sso/login";
import { tempHome, withEmulator } from "../helpers/emulator";
import { count, depsFor, sessionFor } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

describe("device-code login with a stale cached registration", () => {
  it("registers again and signs in instead of blaming sso_region", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (first) => {
      const deps = depsFor(home, first);
      const r = await login({ ...deps, print: () => {} }, sessionFor(first), { flow: "device" });
      expect(r.registrationReused).toBe(false);
    });
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (second) => {
      const deps = depsFor(home, second);
      const r = await login({ ...deps, print: () => {} }, sessionFor(second), { flow: "device" });
      expect(r.registrationReused).toBe(false);
      expect(count(second, "StartDeviceAuthorization", 401)).toBe(1);
      expect(count(second, "RegisterClient")).toBe(1);
      // The new registration is cached and used next time.
      const again = await login({ ...deps, print: () => {} }, sessionFor(second), { flow: "device" });
      expect(again.registrationReused).toBe(true);
      expect(count(second, "RegisterClient")).toBe(1);
    });
  });

  it("a wrong start URL is still reported as such after the one retry", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (first) => {
      await login({ ...depsFor(home, first), print: () => {} }, sessionFor(first), { flow: "device" });
    });
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (second) => {
      const session = sessionFor(second, "my-sso", { startUrl: "https://d-9999999999.awsapps.com/start" });
      const e = await login({ ...depsFor(home, second), print: () => {} }, session, { flow: "device" }).catch(
        (x) => x,
      );
      expect(e.code).toBe("sso_region_or_url_wrong");
      expect(e.exitCode).toBe(3);
    });
  });
});
