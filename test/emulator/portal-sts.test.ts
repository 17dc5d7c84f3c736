/**
 * The access portal (client-sso) and STS (client-sts) over real HTTP: paging, role credentials,
 * 401/403/429, Logout, and identities taken from the SigV4 access key.
 */
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccountRoles,
  paginateListAccounts,
} from "@aws-sdk/client-sso";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { withEmulator } from "../helpers/emulator";
import { deviceSignIn, portalClient, sdkError, stsClient } from "./clients";

describe("portal", () => {
  it("pages ListAccounts and ListAccountRoles with max_result/next_token; no nextToken on the last page", async () => {
    await withEmulator({ accounts: 45, rolesPerAccount: 25, autoApprove: "alice" }, async (emu) => {
      const { accessToken } = await deviceSignIn(emu);
      const sso = portalClient(emu);
      const first = await sso.send(new ListAccountsCommand({ accessToken, maxResults: 10 }));
      expect(first.accountList).toHaveLength(10);
      expect(first.nextToken).toBeTruthy();
      const ids: string[] = [];
      for await (const page of paginateListAccounts({ client: sso, pageSize: 7 }, { accessToken }))
        ids.push(...(page.accountList ?? []).map((a) => a.accountId!));
      expect(ids).toHaveLength(45);
      expect(new Set(ids).size).toBe(45);
      const defaultPage = await sso.send(new ListAccountsCommand({ accessToken }));
      expect(defaultPage.accountList).toHaveLength(20);
      const last = await sso.send(new ListAccountsCommand({ accessToken, maxResults: 100 }));
      expect(last.accountList).toHaveLength(45);
      expect(last.nextToken).toBeUndefined();

      const roles: string[] = [];
      for await (const page of paginateListAccountRoles(
        { client: sso, pageSize: 10 },
        { accessToken, accountId: ids[3]! },
      ))
        roles.push(...(page.roleList ?? []).map((r) => `${r.accountId}/${r.roleName}`));
      expect(roles).toHaveLength(25);
      expect(roles[0]).toBe(`${ids[3]}/Role01`);
    });
  });

  it("answers bad paging input with 400 InvalidRequestException", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const { accessToken } = await deviceSignIn(emu);
      const sso = portalClient(emu);
      const e1 = await sdkError(sso.send(new ListAccountsCommand({ accessToken, nextToken: "garbage!" })));
      expect(e1.name).toBe("InvalidRequestException");
      expect(e1.$metadata.httpStatusCode).toBe(400);
      const e2 = await sdkError(sso.send(new ListAccountsCommand({ accessToken, maxResults: 101 })));
      expect(e2.name).toBe("InvalidRequestException");
      const raw = await fetch(`${emu.url}/assignment/roles`, {
        headers: { "x-amz-sso_bearer_token": accessToken },
      });
      expect(raw.status).toBe(400);
    });
  });

  it("gives credentials for an assigned role (epoch-ms expiration) and 403 No access otherwise", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob" }, async (emu) => {
      const { accessToken } = await deviceSignIn(emu);
      const sso = portalClient(emu);
      const accounts = await sso.send(new ListAccountsCommand({ accessToken }));
      expect(accounts.accountList!.map((a) => a.accountName)).toEqual([
        "acme-production",
        "acme-staging",
        "acme-sandbox",
      ]);
      const roles = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: "444444444444" }));
      expect(roles.roleList!.map((r) => r.roleName)).toEqual(["PowerUserAccess", "ViewOnlyAccess"]);
      const before = Date.now();
      const c = await sso.send(
        new GetRoleCredentialsCommand({ accessToken, accountId: "444444444444", roleName: "ViewOnlyAccess" }),
      );
      expect(c.roleCredentials!.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(c.roleCredentials!.expiration).toBeGreaterThan(before + 3590_000);
      expect(c.roleCredentials!.expiration).toBeLessThan(before + 3610_000);
      const e = await sdkError(
        sso.send(
          new GetRoleCredentialsCommand({
            accessToken,
            accountId: "111111111111",
            roleName: "AdministratorAccess",
          }),
        ),
      );
      expect(e.$metadata.httpStatusCode).toBe(403);
      expect(e.name).toBe("ForbiddenException");
      expect(e["message"]).toBe("No access");
      // An account without assignments lists no roles.
      const none = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: "111111111111" }));
      expect(none.roleList).toEqual([]);
    });
  });

  it("401 for unknown, expired and logged-out tokens, and for the wrong region", async () => {
    let clock = Date.now();
    await withEmulator(
      { seed: "demo", autoApprove: "alice", now: () => clock, lifetimes: { accessToken: 1200 } },
      async (emu) => {
        const sso = portalClient(emu);
        const unknown = await sdkError(sso.send(new ListAccountsCommand({ accessToken: "aoa-nope" })));
        expect(unknown.name).toBe("UnauthorizedException");
        expect(unknown.$metadata.httpStatusCode).toBe(401);
        expect(unknown["message"]).toBe("Session token not found or invalid");
        const missing = await fetch(`${emu.url}/assignment/accounts`);
        expect(missing.status).toBe(401);

        const a = await deviceSignIn(emu);
        const wrongRegion = await fetch(`${emu.url}/region/us-east-1/assignment/accounts`, {
          headers: { "x-amz-sso_bearer_token": a.accessToken },
        });
        expect(wrongRegion.status).toBe(401);
        await sso.send(new LogoutCommand({ accessToken: a.accessToken }));
        expect((await sdkError(sso.send(new ListAccountsCommand({ accessToken: a.accessToken })))).name).toBe(
          "UnauthorizedException",
        );

        const b = await deviceSignIn(emu);
        expect(
          (await sso.send(new ListAccountsCommand({ accessToken: b.accessToken }))).accountList,
        ).toHaveLength(4);
        clock += 1201_000;
        expect((await sdkError(sso.send(new ListAccountsCommand({ accessToken: b.accessToken })))).name).toBe(
          "UnauthorizedException",
        );
      },
    );
  });

  it("throttles each token's portal calls collectively with 429 TooManyRequestsException (--portal-tps)", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice", portalTps: 1 }, async (emu) => {
      const { accessToken } = await deviceSignIn(emu);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${emu.url}/assignment/accounts`, {
          headers: { "x-amz-sso_bearer_token": accessToken },
        });
        statuses.push(r.status);
        if (r.status === 429) expect(r.headers.get("x-amzn-errortype")).toMatch(/^TooManyRequestsException/);
      }
      expect(statuses[0]).toBe(200);
      expect(statuses.slice(1)).toContain(429);
      const e = await sdkError(portalClient(emu).send(new ListAccountsCommand({ accessToken })));
      expect(e.name).toBe("TooManyRequestsException");
      // The portal operations share the token's one bucket, as the service's collective budget does…
      const roles = await fetch(`${emu.url}/assignment/roles?account_id=111111111111`, {
        headers: { "x-amz-sso_bearer_token": accessToken },
      });
      expect(roles.status).toBe(429);
      // …while another token (another caller) has its own.
      const other = await deviceSignIn(emu);
      const theirs = await fetch(`${emu.url}/assignment/roles?account_id=111111111111`, {
        headers: { "x-amz-sso_bearer_token": other.accessToken },
      });
      expect(theirs.status).toBe(200);
    });
  });
});

describe("STS", () => {
  async function roleCreds(emu: Parameters<typeof portalClient>[0], accountId: string, roleName: string) {
    const { accessToken } = await deviceSignIn(emu);
    const c = await portalClient(emu).send(
      new GetRoleCredentialsCommand({ accessToken, accountId, roleName }),
    );
    return {
      accessKeyId: c.roleCredentials!.accessKeyId!,
      secretAccessKey: c.roleCredentials!.secretAccessKey!,
      sessionToken: c.roleCredentials!.sessionToken!,
    };
  }

  it("GetCallerIdentity names the assumed Identity Center role and the user", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const creds = await roleCreds(emu, "222222222222", "ViewOnlyAccess");
      const id = await stsClient(emu, creds).send(new GetCallerIdentityCommand({}));
      const ps = emu.store.permissionSetByName("ViewOnlyAccess")!;
      expect(id.Account).toBe("222222222222");
      expect(id.Arn).toBe(
        `arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_ViewOnlyAccess_${ps.roleSuffix}/alice`,
      );
      expect(ps.roleSuffix).toMatch(/^[0-9a-f]{16}$/);
      expect(id.UserId).toMatch(/^AROA[A-Z0-9]{17}:alice$/);
    });
  });

  it("refuses unknown keys (InvalidClientTokenId), a wrong session token, and expired credentials (ExpiredToken)", async () => {
    let clock = Date.now();
    await withEmulator({ seed: "demo", autoApprove: "alice", now: () => clock }, async (emu) => {
      const e1 = await sdkError(
        stsClient(emu, { accessKeyId: "ASIANOTISSUED0000000", secretAccessKey: "x", sessionToken: "y" }).send(
          new GetCallerIdentityCommand({}),
        ),
      );
      expect(e1.name).toBe("InvalidClientTokenId");
      expect(e1.$metadata.httpStatusCode).toBe(403);
      const creds = await roleCreds(emu, "111111111111", "AdministratorAccess");
      const e2 = await sdkError(
        stsClient(emu, { ...creds, sessionToken: "forged" }).send(new GetCallerIdentityCommand({})),
      );
      expect(e2.name).toBe("InvalidClientTokenId");
      clock += 3601_000;
      const e3 = await sdkError(stsClient(emu, creds).send(new GetCallerIdentityCommand({})));
      expect(e3.name).toBe("ExpiredToken");
      expect(e3.$metadata.httpStatusCode).toBe(400);
    });
  });

  it("AssumeRole chains into another Identity Center role the user holds; others are AccessDenied", async () => {
    await withEmulator({ seed: "demo", autoApprove: "bob" }, async (emu) => {
      const creds = await roleCreds(emu, "444444444444", "ViewOnlyAccess");
      const sts = stsClient(emu, creds);
      const pu = emu.store.permissionSetByName("PowerUserAccess")!;
      const target = `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-north-1/AWSReservedSSO_PowerUserAccess_${pu.roleSuffix}`;
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: target, RoleSessionName: "chained" }));
      expect(out.AssumedRoleUser!.Arn).toBe(
        `arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_PowerUserAccess_${pu.roleSuffix}/chained`,
      );
      expect(out.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
      const chained = await stsClient(emu, {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      }).send(new GetCallerIdentityCommand({}));
      expect(chained.Account).toBe("333333333333");

      const admin = emu.store.permissionSetByName("AdministratorAccess")!;
      const denied = await sdkError(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::111111111111:role/AWSReservedSSO_AdministratorAccess_${admin.roleSuffix}`,
            RoleSessionName: "nope",
          }),
        ),
      );
      expect(denied.name).toBe("AccessDenied");
      expect(denied.$metadata.httpStatusCode).toBe(403);
      const tooLong = await sdkError(
        sts.send(new AssumeRoleCommand({ RoleArn: target, RoleSessionName: "x1", DurationSeconds: 7200 })),
      );
      expect(tooLong.name).toBe("ValidationError");
    });
  });

  it("answers unsigned requests and unknown actions with awsQuery XML errors", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const r1 = await fetch(`${emu.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
      });
      expect(r1.status).toBe(403);
      expect(await r1.text()).toContain("<Code>MissingAuthenticationToken</Code>");
      const r2 = await fetch(`${emu.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=DecodeAuthorizationMessage&Version=2011-06-15",
      });
      expect(r2.status).toBe(400);
      expect(await r2.text()).toContain("<Code>InvalidAction</Code>");
    });
  });
});
