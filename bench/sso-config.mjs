// The generated config of bench/doctor.bench.mjs, and of the tests that read the same shape
// (test/doctor/chunks.test.ts, test/doctor/cache.test.ts): `sessions` sso-sessions s0…, then
// `profiles` SSO profiles p0… (sso_session = s(i mod sessions), a 12-digit account each, ReadOnly,
// eu-west-1), one blank line after each section.
export function ssoConfigText({ profiles, sessions = 10 }) {
  const lines = [];
  for (let s = 0; s < sessions; s++)
    lines.push(
      `[sso-session s${s}]`,
      `sso_start_url = https://d-${String(s).padStart(10, "0")}.awsapps.com/start`,
      "sso_region = eu-north-1",
      "sso_registration_scopes = sso:account:access",
      "",
    );
  for (let i = 0; i < profiles; i++)
    lines.push(
      `[profile p${i}]`,
      `sso_session = s${i % sessions}`,
      `sso_account_id = ${String(100000000000 + i)}`,
      "sso_role_name = ReadOnly",
      "region = eu-west-1",
      "",
    );
  return lines.join("\n");
}
