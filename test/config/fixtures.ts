/**
 * Config-file fixtures: one per botocore reading rule (docs/reference.md §1.2) and per SDK-JS divergence
 * (§1.3). The differential suite checks each against the real botocore; the round-trip suite checks that
 * each survives an unedited parse/serialize byte for byte.
 */
export const fixtures: Record<string, string> = {
  empty: "",
  "only newline": "\n",
  "only comments": "# a\n; b\n   # c\n",
  "modern sso": `[profile dev]
sso_session = my-sso
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-west-2
output = json
[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`,
  "legacy sso": `[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly
region = eu-west-1
`,
  "colon delimiter": "[default]\nregion: us-west-2\noutput :json\n",
  "first delimiter wins": "[default]\nendpoint_url = http://x:8080\nweird: a=b\n",
  "upper-case keys": "[default]\nRegion = us-east-1\nOUTPUT = json\n",
  "upper and lower duplicate": "[default]\nRegion = a\nregion = b\n",
  "inline comments kept": "[default]\nregion = us-east-1 # comment\noutput = json ; c\nx=y#z\n",
  "quotes kept, percent literal": '[default]\nregion = "us-east-1"\nfoo = 100%\nbar = %(x)s\n',
  continuation: "[default]\nkey = first\n  second\n\tthird\nother = 1\n",
  "blank line inside value": "[default]\nkey = first\n\n  after blank\nother = 1\n",
  "comment inside value": "[default]\nkey = first\n# comment\n  after comment\n",
  "nested sub-section":
    "[profile dev]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\nregion = eu-west-1\n",
  "nested with blank and comment":
    "[services dev]\ns3 =\n\n  endpoint_url = http://localhost:4566\n  # c\n  Foo = Bar = baz\n",
  "nested colon refused": "[profile dev]\ns3 =\n  addressing_style: path\n",
  "nested line without equals refused": "[profile dev]\ns3 =\n  addressing_style\n",
  "empty value": "[default]\nregion =\noutput = json\n",
  "empty value then blank lines": "[default]\nregion =\n\n\nx = 1\n",
  "header leading whitespace": "  [default]\nregion = a\n",
  "header inside value is continuation": "[a]\nk = v\n  [b]\n",
  "header trailing text": "[default] # comment\nregion = a\n[profile x]]\nk = v\n",
  "spaces in header": "[ default ]\nregion = a\n[profile   dev]\nk = v\n",
  "quoted profile names": "[profile \"my dev\"]\nk = 1\n[profile 'q']\nk = 2\n",
  "three words ignored": "[profile a b]\nk = 1\n[profiledev]\nk = 2\n",
  "profiles prefix": "[profiles foo]\nk = 1\n[sso-sessionx y]\nk = 2\n[servicesz w]\nk = 3\n",
  "unclosed quote ignored": '[profile "dev]\nk = 1\n',
  "case-sensitive section names":
    "[Default]\nk = 1\n[PROFILE x]\nk = 2\n[profile X]\nk = 3\n[profile x]\nk = 4\n",
  "default twice, later wins": "[profile default]\nregion = a\n[default]\nregion = b\n",
  "default twice, profile later": "[default]\nregion = b\n[profile default]\nregion = a\n",
  "DEFAULT inheritance":
    "[DEFAULT]\nregion = eu-west-1\nout = x\n[profile a]\nregion = us-east-1\n[profile b]\nk = v\n",
  "DEFAULT twice": "[DEFAULT]\na = 1\n[profile x]\nk = v\n[DEFAULT]\nb = 2\n",
  "DEFAULT duplicate key": "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n",
  "duplicate section": "[default]\na = 1\n[default]\nb = 2\n",
  "duplicate key": "[default]\na = 1\na = 2\n",
  "key before section": "region = us-east-1\n[default]\n",
  "line without delimiter": "[default]\nregion\n",
  "value without key": "[default]\n= value\n",
  BOM: "\uFEFF[default]\nregion = a\n",
  CRLF: "[default]\r\nregion = a\r\n\r\n[profile b]\r\nk = v\r\n",
  "lone CR": "[default]\rregion = a\r",
  "no final newline": "[default]\nregion = a",
  "tabs and trailing spaces": "[default]  \n\tregion\t=\tus-east-1   \n  output = json \t\n",
  unicode: "[profile café]\nnote = naïve ☃ 𝄞\nkey = 日本語\n",
  "unicode whitespace": "[default]\nk = \u00a0x\u00a0\nj = a\u3000\n",
  "vertical tab and form feed in value": "[default]\nk = a\u000bb\nj = c\u000cd\n",
  "nested with odd line separators": "[profile a]\ns3 =\n  x = 1\u001cy = 2\n",
  "indented options": "[a]\n  x = 1\n y = 2\n   z\n",
  "continuation at equal indent is new key": "[a]\n  x = 1\n  y = 2\n",
  "credentials style":
    "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n[profile dev]\naws_access_key_id = AKIA2\n",
  "section only": "[default]\n",
  "empty brackets": "[]\n",
  "brackets in value": "[a]\nk = [x]\n",
  "services section":
    "[services my-svc]\ns3 =\n    endpoint_url = http://127.0.0.1:9000\nsts =\n    endpoint_url = http://127.0.0.1:9001\n[profile dev]\nservices = my-svc\n",
  "proto names": "[profile __proto__]\nk = v\n[profile constructor]\nk = w\n",
  "unicode keys lower-cased": "[default]\nİstanbul = 1\nẞ = 2\nΑΣ = 3\n\u212A = 4\nÉTÉ = 5\n",
  "header with only spaces inside": "[ ]\nk = v\n",
  "DEFAULT nested inherited": "[DEFAULT]\ns3 =\n  addressing_style = path\n[profile a]\nk = v\n",
  "DEFAULT nested error inherited": "[DEFAULT]\ns3 =\n  addressing_style\n[profile a]\nk = v\n",
  "DEFAULT nested error without sections": "[DEFAULT]\ns3 =\n  addressing_style\n",
  "continuation after error line": "[a]\nk = 1\nbad\n  cont\n",
  "many keys": `[default]\n${Array.from({ length: 20 }, (_, i) => `k${i} = ${i}`).join("\n")}\n`,
  "many keys, duplicate at the end": `[default]\n${Array.from({ length: 20 }, (_, i) => `k${i} = ${i}`).join("\n")}\nK3 = x\n`,
  "DEFAULT twice, many keys, duplicate across": `[DEFAULT]\n${Array.from({ length: 18 }, (_, i) => `k${i} = ${i}`).join("\n")}\n[a]\nx = 1\n[DEFAULT]\nk17 = y\n`,
  "integer-like keys": "[profile 1]\n2 = b\n1 = a\n[10]\nx = y\n",
};
