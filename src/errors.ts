/**
 * One error model for the whole project (docs/errors.md).
 * Every failure a user can meet is a PorticoError with a stable `code` from the `errorCodes` table
 * below (the compiler checks it), an `exitCode` from the ExitCode table, a one-line `message` and a
 * `hint` naming the next command. Only the CLI entry point exits.
 */

export const ExitCode = {
  ok: 0,
  /** Internal error, or "findings" for lint-like commands. */
  internal: 1,
  usage: 2,
  config: 3,
  signInRequired: 4,
  accessDenied: 5,
  service: 6,
  timeout: 7,
  /** The machine refuses: read-only or full file system, permissions, a file where a folder should be. */
  environment: 8,
  /** `exec`: the command does not exist (the shell's 127). */
  commandNotFound: 127,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const E = ExitCode;

/**
 * Every error code portico defines, with its usual exit code. Adding a code is one line here (keep
 * the lines sorted) and one row in docs/errors.md; test/cli/error-codes.test.ts checks that the two
 * list exactly the same codes. Codes are fixed words: never build one from server input.
 */
export const errorCodes = {
  access_denied: E.accessDenied,
  account_not_available: E.accessDenied,
  address_in_use: E.service,
  admin_access_denied: E.accessDenied,
  admin_ambiguous: E.usage,
  admin_apply_stopped: E.service,
  admin_conflict: E.config,
  admin_external_identity_source: E.config,
  admin_invalid: E.usage,
  admin_no_instance: E.config,
  admin_not_found: E.config,
  admin_plan_invalid: E.usage,
  admin_provisioning_failed: E.service,
  admin_provisioning_timeout: E.timeout,
  answer_required: E.signInRequired,
  assume_role_cycle: E.config,
  assume_role_invalid: E.config,
  authorization_expired: E.timeout,
  callback_port_in_use: E.usage,
  cancelled: E.cancelled,
  command_not_found: E.commandNotFound,
  config_changed_concurrently: E.timeout,
  config_edit_unsafe: E.internal,
  config_key_rejected: E.usage,
  config_key_unset: E.internal,
  config_name_rejected: E.usage,
  config_not_found: E.config,
  config_parse: E.config,
  config_section_exists: E.config,
  config_section_missing: E.config,
  config_unreadable: E.config,
  config_value_rejected: E.usage,
  console_destination_refused: E.usage,
  console_federation_failed: E.accessDenied,
  console_needs_session_credentials: E.config,
  console_partition_unsupported: E.config,
  credential_process_failed: E.service,
  credential_process_invalid: E.config,
  credential_process_loop: E.config,
  credential_source_unsupported: E.config,
  credentials_rejected: E.accessDenied,
  credentials_section_exists: E.config,
  credentials_value_rejected: E.config,
  credentials_write_check_failed: E.config,
  doctor_problems: E.internal,
  duration_out_of_range: E.usage,
  emulator_data_file: E.config,
  emulator_seed: E.config,
  exec_failed: E.internal,
  file_not_regular: E.config,
  file_too_large: E.config,
  fs_full: E.environment,
  fs_not_a_directory: E.environment,
  fs_permission_denied: E.environment,
  fs_read_only: E.environment,
  home_missing: E.environment,
  internal: E.internal,
  lint_findings: E.internal,
  listen_failed: E.service,
  lock_timeout: E.timeout,
  login_timeout: E.timeout,
  no_accounts: E.accessDenied,
  no_credentials: E.config,
  no_profile_selected: E.config,
  no_roles: E.accessDenied,
  not_sso_profile: E.config,
  oidc_authorization_pending: E.service,
  oidc_bad_response: E.service,
  oidc_error: E.service,
  oidc_invalid_client: E.service,
  oidc_invalid_client_metadata: E.service,
  oidc_invalid_grant: E.service,
  oidc_invalid_redirect_uri: E.service,
  oidc_invalid_request: E.service,
  oidc_invalid_scope: E.service,
  oidc_slow_down: E.service,
  oidc_unauthorized_client: E.service,
  oidc_unsupported_grant_type: E.service,
  pick_choice_required: E.signInRequired,
  pick_no_profiles: E.config,
  profile_not_found: E.config,
  request_invalid: E.config,
  role_not_available: E.accessDenied,
  serve_listen_failed: E.usage,
  serve_port_in_use: E.usage,
  service_error: E.service,
  service_throttled: E.service,
  service_timeout: E.timeout,
  service_unreachable: E.service,
  setup_preset_invalid: E.config,
  setup_preset_unreadable: E.config,
  shell_rc_block_broken: E.config,
  shell_rc_unknown: E.config,
  sign_in_required: E.signInRequired,
  sso_account_id_invalid: E.config,
  sso_config_inconsistent: E.config,
  sso_config_missing: E.config,
  sso_region_or_url_wrong: E.config,
  sso_session_not_found: E.config,
  start_url_not_https: E.config,
  start_url_unresolved: E.config,
  state_mismatch: E.accessDenied,
  symlink_dangling: E.config,
  symlink_loop: E.config,
  sync_block_duplicated: E.config,
  sync_block_edited: E.config,
  sync_block_unterminated: E.config,
  untrusted_url: E.service,
  usage: E.usage,
  web_identity_invalid: E.config,
  web_identity_token_unreadable: E.config,
} as const satisfies Record<string, ExitCodeValue>;

export type ErrorCode = keyof typeof errorCodes;

export const isErrorCode = (s: string): s is ErrorCode => Object.hasOwn(errorCodes, s);

export interface PorticoErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Only where the situation changes the exit code (default: the code's row in `errorCodes`). */
  exitCode?: ExitCodeValue;
  /** Structured details for --json output (never secrets). */
  details?: Record<string, unknown>;
}

export class PorticoError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PorticoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PorticoError";
    this.code = code;
    this.exitCode = options.exitCode ?? errorCodes[code];
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      exitCode: this.exitCode,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isPorticoError = (e: unknown): e is PorticoError => e instanceof PorticoError;

/** Usage error: bad flags or arguments (exit 2). */
export const usageError = (message: string, hint?: string): PorticoError =>
  new PorticoError("usage", message, { exitCode: ExitCode.usage, hint });

/** Config error: a file or profile that cannot be used as it is (exit 3). */
export const configError = (
  code: ErrorCode,
  message: string,
  options: PorticoErrorOptions = {},
): PorticoError => new PorticoError(code, message, { exitCode: ExitCode.config, ...options });
