/**
 * STS GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity (awsQuery, XML; docs/reference.md §5). The caller is the
 * temporary credential named by the SigV4 `Credential=` access key (signatures are not verified; the
 * session token must match the one issued with the key). Identity Center sessions look like
 * arn:aws:sts::<acct>:assumed-role/AWSReservedSSO_<PS>_<16 hex>/<user>.
 */
import { randomUUID } from "node:crypto";
import { type ApiRequest, type ApiResponse, header, type ServiceContext, xmlEscape } from "./http";
import { roleId } from "./ids";
import type { IssuedCredentials } from "./store";

const SERVICE = "sts";
const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** The `Credential=<AKID>/<date>/<region>/<service>/aws4_request` scope of a SigV4 Authorization header. */
export function parseSigV4(authorization: string | undefined): SigV4Scope | undefined {
  if (!authorization?.startsWith("AWS4-HMAC-SHA256 ")) return undefined;
  const m = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(authorization);
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

function xml(op: string, status: number, body: string): ApiResponse {
  return { status, headers: { "content-type": "text/xml" }, body, service: SERVICE, operation: op };
}

export function stsError(
  op: string,
  status: number,
  code: string,
  message: string,
  type = "Sender",
): ApiResponse {
  return xml(
    op,
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** The form parameters of an awsQuery request (body, plus the query string for GET-style callers). */
export function stsParams(req: ApiRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) params.set(k, v);
  return params;
}

function arnOf(c: IssuedCredentials): { arn: string; userId: string } {
  return {
    arn: `arn:aws:sts::${c.accountId}:assumed-role/${c.iamRoleName}/${c.sessionName}`,
    userId: `${roleId(c.accountId, c.iamRoleName)}:${c.sessionName}`,
  };
}

/** The AssumedRoleUser and Credentials elements both assume operations answer with. */
function assumedRoleXml(
  assumed: { arn: string; userId: string },
  issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number },
): string {
  return `    <AssumedRoleUser>
      <Arn>${xmlEscape(assumed.arn)}</Arn>
      <AssumedRoleId>${xmlEscape(assumed.userId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xmlEscape(issued.sessionToken)}</SessionToken>
      <Expiration>${new Date(issued.expiration).toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>
    </Credentials>`;
}

/** An Identity Center role ARN the user holds: `arn:aws:iam::<acct>:role/[path/]AWSReservedSSO_<PS>_<16 hex>`. */
function grantedRole(
  store: ServiceContext["store"],
  userId: string,
  roleArn: string,
): { accountId: string; iamRoleName: string; roleName: string } | undefined {
  const m =
    /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?(AWSReservedSSO_([\w+=,.@-]+)_([0-9a-f]{16}))$/.exec(
      roleArn,
    );
  const ps = m ? store.permissionSetByName(m[3]!) : undefined;
  if (!m || !ps || store.iamRoleName(ps) !== m[2] || !store.rolesForUser(userId, m[1]!).includes(ps.name))
    return undefined;
  return { accountId: m[1]!, iamRoleName: m[2]!, roleName: ps.name };
}

/** RoleSessionName and DurationSeconds as STS validates them; an ApiResponse is the error to send. */
function sessionParams(
  op: string,
  params: URLSearchParams,
  maxSeconds: number,
  tooLong: string,
): { sessionName: string; duration: number } | ApiResponse {
  const sessionName = params.get("RoleSessionName");
  if (!sessionName)
    return stsError(
      op,
      400,
      "ValidationError",
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
    return stsError(
      op,
      400,
      "ValidationError",
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  const durationRaw = params.get("DurationSeconds");
  let duration = 3600;
  if (durationRaw !== null) {
    if (!/^\d{1,6}$/.test(durationRaw) || Number(durationRaw) < 900 || Number(durationRaw) > 43200)
      return stsError(op, 400, "ValidationError", "DurationSeconds must be an integer from 900 to 43200");
    duration = Number(durationRaw);
  }
  if (duration > maxSeconds) return stsError(op, 400, "ValidationError", tooLong);
  return { sessionName, duration };
}

/**
 * AssumeRoleWithWebIdentity (unsigned, docs/reference.md §5): the emulator's identity provider is its own
 * OIDC — the web identity token is an access token it issued (docs/emulator.md). The caller may assume
 * the Identity Center roles its user holds, like AssumeRole.
 */
function assumeRoleWithWebIdentity(ctx: ServiceContext, params: URLSearchParams): ApiResponse {
  const op = "AssumeRoleWithWebIdentity";
  const store = ctx.store;
  const roleArn = params.get("RoleArn");
  const token = params.get("WebIdentityToken");
  if (!roleArn)
    return stsError(
      op,
      400,
      "ValidationError",
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  if (!token)
    return stsError(
      op,
      400,
      "ValidationError",
      "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
    );
  const sp = sessionParams(
    op,
    params,
    43200,
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
  );
  if ("status" in sp) return sp;
  const session = store.sessionForAccessToken(token.trim());
  if (!session)
    return stsError(
      op,
      400,
      "InvalidIdentityToken",
      "The web identity token that was passed could not be validated by AWS.",
    );
  const role = grantedRole(store, session.userId, roleArn);
  if (!role)
    return stsError(op, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  const issued = store.mintCredentials({
    userId: session.userId,
    accountId: role.accountId,
    roleName: role.roleName,
    iamRoleName: role.iamRoleName,
    sessionName: sp.sessionName,
    kind: "assume-role",
    ttlSeconds: sp.duration,
  });
  const assumed = arnOf(store.credentialRecord(issued.accessKeyId)!);
  return xml(
    op,
    200,
    `<AssumeRoleWithWebIdentityResponse xmlns="${NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xmlEscape(session.userId)}</SubjectFromWebIdentityToken>
    <Audience>portico-emulator</Audience>
${assumedRoleXml(assumed, issued)}
    <Provider>portico-emulator</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`,
  );
}

export function handleSts(ctx: ServiceContext, req: ApiRequest, params: URLSearchParams): ApiResponse {
  const op = params.get("Action") ?? "";
  const store = ctx.store;
  if (op === "AssumeRoleWithWebIdentity") {
    const version = params.get("Version");
    if (version !== null && version !== "2011-06-15")
      return stsError(
        op,
        400,
        "InvalidAction",
        `Could not find operation ${op} for version ${version.slice(0, 32)}`,
      );
    return assumeRoleWithWebIdentity(ctx, params);
  }
  if (op !== "GetCallerIdentity" && op !== "AssumeRole")
    return stsError(
      op || "Unknown",
      400,
      "InvalidAction",
      `Could not find operation ${op.slice(0, 64)} for version 2011-06-15`,
    );
  const version = params.get("Version");
  if (version !== null && version !== "2011-06-15")
    return stsError(
      op,
      400,
      "InvalidAction",
      `Could not find operation ${op} for version ${version.slice(0, 32)}`,
    );
  const scope = parseSigV4(header(req.headers, "authorization"));
  if (!scope)
    return stsError(op, 403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  const cred = store.credentialRecord(scope.accessKeyId);
  const token = header(req.headers, "x-amz-security-token");
  if (!cred || token === undefined || !store.verifySessionToken(cred, token))
    return stsError(
      op,
      403,
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
  if (cred.expiration <= store.now())
    return stsError(op, 400, "ExpiredToken", "The security token included in the request is expired");
  const caller = arnOf(cred);
  const requestId = randomUUID();

  if (op === "GetCallerIdentity") {
    return xml(
      op,
      200,
      `<GetCallerIdentityResponse xmlns="${NS}">
  <GetCallerIdentityResult>
    <Arn>${xmlEscape(caller.arn)}</Arn>
    <UserId>${xmlEscape(caller.userId)}</UserId>
    <Account>${cred.accountId}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`,
    );
  }

  // AssumeRole: role chaining into an Identity Center role the same user holds (docs/emulator.md).
  const roleArn = params.get("RoleArn");
  if (!roleArn)
    return stsError(
      op,
      400,
      "ValidationError",
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  // Role chaining (credentials from a role assuming another role) is limited to one hour.
  const sp = sessionParams(
    op,
    params,
    3600,
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
  );
  if ("status" in sp) return sp;
  const { sessionName, duration } = sp;
  const role = grantedRole(store, cred.userId, roleArn);
  if (!role)
    return stsError(
      op,
      403,
      "AccessDenied",
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn.slice(0, 2048)}`,
    );
  const issued = store.mintCredentials({
    userId: cred.userId,
    accountId: role.accountId,
    roleName: role.roleName,
    iamRoleName: role.iamRoleName,
    sessionName,
    kind: "assume-role",
    ttlSeconds: duration,
  });
  const assumed = arnOf(store.credentialRecord(issued.accessKeyId)!);
  return xml(
    op,
    200,
    `<AssumeRoleResponse xmlns="${NS}">
  <AssumeRoleResult>
${assumedRoleXml(assumed, issued)}
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`,
  );
}
