#!/usr/bin/env python3
"""Differential-test oracle: what botocore really reads from a config file.

Usage:
  botocore_oracle.py FILE...        print one JSON result per file (one per line)
  botocore_oracle.py --serve        read one JSON request per line on stdin, answer one JSON line each (long-lived):
                             "PATH" → raw_config_parse of PATH (below);
                             {"config": PATH, "credentials": PATH} → Session().full_config's profiles,
                             sso_sessions and services (credentials merged over config), in botocore's order;
                             {"provider": {"config", "credentials", "profile"}} → which credential provider
                             botocore's resolver stops at for that profile (see provider() below)

Each result is {"ok": true, "json": "<json.dumps(raw, indent=2)>", "pairs": [[section, [[key, value | [[subkey, subvalue], ...]], ...]], ...],
"profiles": [[name, section], ...], "sso_sessions": [...], "services": [...]} in botocore's order, or
{"ok": false, "error": "<exception class>", "message": "..."} when botocore refuses the file.
"""
import json
import os
import sys

# Keep this folder off the import path: only the real botocore may be imported below.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

from botocore import configloader  # noqa: E402


def pairs(raw):
    out = []
    for section, values in raw.items():
        items = []
        for key, value in values.items():
            if isinstance(value, dict):
                items.append([key, [[k, v] for k, v in value.items()]])
            else:
                items.append([key, value])
        out.append([section, items])
    return out


def parse(path):
    try:
        raw = configloader.raw_config_parse(path)
    except Exception as e:  # noqa: BLE001 - ConfigParseError and anything else botocore raises is a refusal
        return {"ok": False, "error": type(e).__name__, "message": str(e)}
    # build_profile_map only looks at section names; pass each section's own name as its value so the
    # result says which section every profile / sso-session / services name was taken from.
    built = configloader.build_profile_map({section: section for section in raw})
    return {
        "ok": True,
        # What `json.dumps(raw_config_parse(path), indent=2)` prints (for `portico config inspect`).
        "json": json.dumps(raw, indent=2, ensure_ascii=False),
        "pairs": pairs(raw),
        "profiles": [[k, v] for k, v in built["profiles"].items()],
        "sso_sessions": [[k, v] for k, v in built["sso_sessions"].items()],
        "services": [[k, v] for k, v in built["services"].items()],
    }


def full_config(config_path, credentials_path):
    """botocore.session.Session().full_config for the two files: profiles merged as botocore does."""
    import botocore.session

    session = botocore.session.Session()
    session.set_config_variable("config_file", config_path)
    session.set_config_variable("credentials_file", credentials_path)
    try:
        full = session.full_config
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "error": type(e).__name__, "message": str(e)}

    def sections(mapping):
        return [[name, pairs({name: values})[0][1]] for name, values in mapping.items()]

    return {
        "ok": True,
        "profiles": sections(full.get("profiles", {})),
        "sso_sessions": sections(full.get("sso_sessions", {})),
        "services": sections(full.get("services", {})),
    }


def provider(config_path, credentials_path, profile):
    """Which of botocore's own credential providers answers for `profile` (given with --profile, so the
    environment is not read): create_credential_resolver's providers, in order, each asked to load()
    until one returns credentials or raises — what CredentialResolver.load_credentials does. Only the
    profile providers run (env, the EC2/boto/container/IMDS ones would read the environment or the
    network); their load() makes no network call (assume-role, web identity and SSO return deferred
    credentials). Answers {"ok": true, "method": METHOD | None, "error": exception class | None}."""
    import botocore.credentials
    import botocore.session

    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    for k in saved:
        del os.environ[k]
    try:
        session = botocore.session.Session()
        session.set_config_variable("config_file", config_path)
        session.set_config_variable("credentials_file", credentials_path)
        session.set_config_variable("profile", profile)
        resolver = botocore.credentials.create_credential_resolver(session)
        stop = {"ec2-credentials-file", "boto-config", "container-role", "iam-role", "env"}
        for p in resolver.providers:
            if p.METHOD in stop:
                continue
            try:
                creds = p.load()
            except Exception as e:  # noqa: BLE001 - the provider that raised is the one botocore stops at
                return {"ok": True, "method": p.METHOD, "error": type(e).__name__}
            if creds is not None:
                return {"ok": True, "method": p.METHOD, "error": None}
        return {"ok": True, "method": None, "error": None}
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "error": type(e).__name__, "message": str(e)}
    finally:
        os.environ.update(saved)


def answer(request):
    if isinstance(request, dict) and "provider" in request:
        r = request["provider"]
        return provider(r["config"], r["credentials"], r["profile"])
    if isinstance(request, dict):
        return full_config(request["config"], request["credentials"])
    return parse(request)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        for line in sys.stdin:
            request = json.loads(line)
            sys.stdout.write(json.dumps(answer(request), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    for path in sys.argv[1:]:
        print(json.dumps(parse(path), ensure_ascii=False))


if __name__ == "__main__":
    main()
