/**
 * Admin API failures the emulator does not produce (it authorises every signed caller and always has
 * one instance): a local awsJson1_1 endpoint on 127.0.0.1 answering as AWS documents (docs/reference.md
 * §7: `__type` + `Message`), reached by the real SDK clients through the real CLI.
 */
import { promises as fs } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/support";
import { tempHome } from "../helpers/emulator";

type Answer = (target: string) => { status: number; body: unknown };
let answer: Answer = () => ({ status: 200, body: {} });
let server: Server;
let url: string;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const a = answer(String(req.headers["x-amz-target"] ?? ""));
      res.writeHead(a.status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = await tempHome();
  await fs.mkdir(path.join(home.home, ".aws"), { mode: 0o700 });
  await fs.writeFile(
    path.join(home.home, ".aws/credentials"),
    "[mgmt]\naws_access_key_id = AKIAADMINEXAMPLE0001\naws_secret_access_key = x\nregion = eu-west-1\n",
    { mode: 0o600 },
  );
  env = { HOME: home.home, PATH: process.env["PATH"], AWS_ENDPOINT_URL: url, AWS_MAX_ATTEMPTS: "1" };
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await home.cleanup();
});

const instance = {
  Instances: [
    {
      InstanceArn: "arn:aws:sso:::instance/ssoins-1111111111111111",
      IdentityStoreId: "d-1111111111",
      Status: "ACTIVE",
    },
  ],
};

describe("admin errors", () => {
  it("AccessDenied names the missing permission (exit 5)", async () => {
    answer = (t) =>
      t.endsWith("ListInstances")
        ? { status: 200, body: instance }
        : {
            status: 400,
            body: {
              __type: "AccessDeniedException",
              Message: "User is not authorized to perform this action",
            },
          };
    const r = await runCli(["admin", "users", "create", "jane", "--profile", "mgmt"], env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /^portico: Access denied calling CreateUser: the credentials lack identitystore:CreateUser/m,
    );
    expect(r.stderr).toMatch(/^hint: Use a profile whose role allows identitystore:CreateUser/m);
    answer = () => ({
      status: 400,
      body: { __type: "com.amazonaws.swbexternalservice#AccessDeniedException", Message: "denied" },
    });
    const r2 = await runCli(["admin", "permission-sets", "list", "--profile", "mgmt"], env);
    expect(r2.code).toBe(5);
    expect(r2.stderr).toContain("the credentials lack sso:ListInstances");
  });

  it("no Identity Center instance in the region (exit 3)", async () => {
    answer = () => ({ status: 200, body: { Instances: [] } });
    const r = await runCli(["admin", "users", "list", "--profile", "mgmt"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^portico: No IAM Identity Center instance in eu-west-1/m);
  });

  it("an external identity source: users cannot be created here (exit 3)", async () => {
    answer = (t) =>
      t.endsWith("ListInstances")
        ? { status: 200, body: instance }
        : {
            status: 400,
            body: {
              __type: "ValidationException",
              Message: "Users and groups are managed by an external identity source",
            },
          };
    const r = await runCli(["admin", "users", "create", "jane", "--profile", "mgmt"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/external identity source/);
    expect(r.stderr).toMatch(/^hint: Create users and groups in your identity provider/m);
  });
});
