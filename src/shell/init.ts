/**
 * `portico shell-init SHELL [--name pc]`: the shell integration, as text (pure). It defines
 * - the switch function (`pc` by default): `pc PROFILE [--export] [--keep-region]`, `pc` (the picker,
 *   `portico pick`), `pc -` (the previous profile), `pc --unset`; each runs `portico use … --print-env`
 *   and evaluates what it prints (src/shell/plan.ts);
 * - a prompt hook that, in `--export` mode, re-exports shortly before the credentials expire — a pure
 *   shell comparison of PORTICO_REFRESH_AT with the shell's own clock, so no process starts when
 *   nothing is due — and sets PORTICO_PROMPT;
 * - `portico_prompt`: the profile and the time left (`dev 42m`), computed in the shell (bash
 *   $EPOCHSECONDS, zsh zsh/datetime, fish /proc/uptime + PORTICO_BOOT, PowerShell .NET), coloured under
 *   10 minutes unless NO_COLOR is set. docs/switching.md shows how to put it in each prompt.
 */
import { usageError } from "../errors";
import type { Shell } from "./quote";

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function checkFunctionName(name: string): string {
  if (!NAME_RE.test(name) || name === "portico")
    throw usageError(
      `--name must be a plain function name (letters, digits, _ and -), got ${JSON.stringify(name)}`,
      "portico shell-init bash --name pc",
    );
  return name;
}

/** bash and zsh share all but the clock, the hook registration and the prompt's colour markers. */
function posix(shell: "bash" | "zsh", fn: string): string {
  const clock =
    shell === "bash"
      ? `__portico_now() {
  if [ -n "\${EPOCHSECONDS-}" ]; then __portico_t=$EPOCHSECONDS
  else printf -v __portico_t '%(%s)T' -1 2>/dev/null || __portico_t=$(date +%s)
  fi
}`
      : `zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
__portico_now() {
  if [ -n "\${EPOCHSECONDS-}" ]; then __portico_t=$EPOCHSECONDS; else __portico_t=$(date +%s); fi
}`;
  // bash: readline's \\001…\\002 mark the colour codes as zero-width; zsh: %F{…}…%f.
  const [warnOn, expOn, off] =
    shell === "bash"
      ? ["$'\\001\\033[33m\\002'", "$'\\001\\033[31m\\002'", "$'\\001\\033[0m\\002'"]
      : ["%F{yellow}", "%F{red}", "%f"];
  const hookInstall =
    shell === "bash"
      ? `case ";\${PROMPT_COMMAND-};" in
  *";__portico_hook;"*) ;;
  *) PROMPT_COMMAND="__portico_hook\${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac`
      : `autoload -Uz add-zsh-hook && add-zsh-hook precmd __portico_hook`;
  return `# portico shell integration for ${shell} (portico shell-init ${shell}); docs/switching.md
${fn}() {
  local __portico_out
  case "\${1-}" in
    "")
      local __portico_pick
      __portico_pick=$(command portico pick) || return
      [ -n "$__portico_pick" ] || return 1
      set -- -- "$__portico_pick" ;;
    -)
      if [ -z "\${PORTICO_PREVIOUS-}" ]; then echo "${fn}: no previous profile" >&2; return 1; fi
      shift
      set -- "$@" -- "$PORTICO_PREVIOUS" ;;
  esac
  __portico_out=$(command portico use --print-env --shell ${shell} "$@") || return
  eval "$__portico_out"
  __portico_prompt_set
  return 0
}
${clock}
__portico_is_int() { case "\${1-}" in ''|*[!0-9]*) return 1 ;; esac; return 0; }
__portico_prompt_set() {
  local __portico_t __portico_left __portico_text
  if [ -z "\${PORTICO_PROFILE-}" ]; then PORTICO_PROMPT=""; return 0; fi
  __portico_text=\${PORTICO_PROMPT_NAME-$PORTICO_PROFILE}
  if __portico_is_int "\${PORTICO_EXPIRES-}"; then
    __portico_now
    __portico_left=$(( (PORTICO_EXPIRES - __portico_t) / 60 ))
    if [ "$__portico_left" -le 0 ]; then __portico_text="$__portico_text expired"
    elif [ "$__portico_left" -ge 60 ]; then __portico_text="$__portico_text $(( __portico_left / 60 ))h$(( __portico_left % 60 ))m"
    else __portico_text="$__portico_text \${__portico_left}m"
    fi
    if [ -z "\${NO_COLOR-}" ] && [ "$__portico_left" -lt 10 ]; then
      if [ "$__portico_left" -le 0 ]; then __portico_text=${expOn}"$__portico_text"${off}
      else __portico_text=${warnOn}"$__portico_text"${off}
      fi
    fi
  fi
  PORTICO_PROMPT=$__portico_text
}
portico_prompt() { __portico_prompt_set; printf '%s' "$PORTICO_PROMPT"; }
__portico_hook() {
  local __portico_t __portico_out
  if [ "\${PORTICO_MODE-}" = export ] && __portico_is_int "\${PORTICO_REFRESH_AT-}"; then
    __portico_now
    if [ "$__portico_t" -ge "$PORTICO_REFRESH_AT" ]; then
      if __portico_out=$(command portico --non-interactive use --print-env --shell ${shell} --export -- "$PORTICO_PROFILE"); then
        eval "$__portico_out"
      else
        PORTICO_REFRESH_AT=$(( __portico_t + 60 ))
      fi
    fi
  fi
  __portico_prompt_set
}
${hookInstall}
`;
}

function fish(fn: string): string {
  return `# portico shell integration for fish (portico shell-init fish); docs/switching.md
function ${fn} --description 'switch the AWS profile of this shell (portico use)'
    set -l args $argv
    if test (count $args) -eq 0
        set -l picked (command portico pick)
        set -l rc $status
        test $rc -eq 0; or return $rc
        test -n "$picked"; or return 1
        set args -- $picked
    else if test "$args[1]" = -
        if not set -q PORTICO_PREVIOUS
            echo '${fn}: no previous profile' >&2
            return 1
        end
        set args $args[2..-1] -- $PORTICO_PREVIOUS
    end
    set -l out (command portico use --print-env --shell fish $args)
    set -l rc $status
    test $rc -eq 0; or return $rc
    string join \\n -- $out | source
    return 0
end
# Seconds since the epoch without a process: PORTICO_BOOT (set at switch time) + /proc/uptime.
function __portico_now
    if string match -qr '^[0-9]+$' -- "$PORTICO_BOOT"; and test -r /proc/uptime
        read -l up rest </proc/uptime
        math --scale=0 "$PORTICO_BOOT + $up"
    else
        date +%s
    end
end
function portico_prompt --description 'the portico profile and time left, for fish_prompt'
    set -q PORTICO_PROFILE; or return 0
    set -l name $PORTICO_PROFILE
    set -q PORTICO_PROMPT_NAME; and set name $PORTICO_PROMPT_NAME
    if not string match -qr '^[0-9]+$' -- "$PORTICO_EXPIRES"
        printf '%s' $name
        return 0
    end
    set -l left (math --scale=0 "($PORTICO_EXPIRES - "(__portico_now)") / 60")
    set -l text "$name $left"m
    if test $left -le 0
        set text "$name expired"
    else if test $left -ge 60
        set text "$name "(math --scale=0 "$left / 60")h(math "$left % 60")m
    end
    if test -z "$NO_COLOR"; and test $left -lt 10
        if test $left -le 0
            set_color red
        else
            set_color yellow
        end
        printf '%s' $text
        set_color normal
    else
        printf '%s' $text
    end
end
function __portico_hook --on-event fish_prompt
    test "$PORTICO_MODE" = export; or return 0
    string match -qr '^[0-9]+$' -- "$PORTICO_REFRESH_AT"; or return 0
    set -l now (__portico_now)
    test $now -ge $PORTICO_REFRESH_AT; or return 0
    set -l out (command portico --non-interactive use --print-env --shell fish --export -- $PORTICO_PROFILE)
    if test $status -eq 0
        string join \\n -- $out | source
    else
        set -gx PORTICO_REFRESH_AT (math $now + 60)
    end
end
`;
}

function pwsh(fn: string): string {
  return `# portico shell integration for PowerShell (portico shell-init pwsh); docs/switching.md
function global:${fn} {
    $a = @($args)
    if ($a.Count -eq 0) {
        $picked = & portico pick
        if ($LASTEXITCODE -ne 0 -or -not $picked) { return }
        $a = @('--', "$picked")
    } elseif ($a[0] -eq '-') {
        if (-not $env:PORTICO_PREVIOUS) { [Console]::Error.WriteLine('${fn}: no previous profile'); return }
        $a = @($a | Select-Object -Skip 1) + @('--', $env:PORTICO_PREVIOUS)
    }
    $out = & portico use --print-env --shell pwsh @a
    if ($LASTEXITCODE -ne 0) { return }
    Invoke-Expression (($out | Out-String))
}
function global:__portico_now { [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() }
function global:portico_prompt {
    if (-not $env:PORTICO_PROFILE) { return '' }
    $name = if ($env:PORTICO_PROMPT_NAME) { $env:PORTICO_PROMPT_NAME } else { $env:PORTICO_PROFILE }
    if ($env:PORTICO_EXPIRES -notmatch '^[0-9]+$') { return $name }
    $left = [Math]::Floor(([long]$env:PORTICO_EXPIRES - (__portico_now)) / 60)
    $text = if ($left -le 0) { "$name expired" } elseif ($left -ge 60) { "$name $([Math]::Floor($left / 60))h$($left % 60)m" } else { "$name $($left)m" }
    if (-not $env:NO_COLOR -and $left -lt 10) {
        $code = if ($left -le 0) { 31 } else { 33 }
        return "$([char]27)[$($code)m$text$([char]27)[0m"
    }
    return $text
}
function global:__portico_hook {
    if ($env:PORTICO_MODE -ne 'export' -or $env:PORTICO_REFRESH_AT -notmatch '^[0-9]+$') { return }
    $now = __portico_now
    if ($now -lt [long]$env:PORTICO_REFRESH_AT) { return }
    $out = & portico --non-interactive use --print-env --shell pwsh --export -- $env:PORTICO_PROFILE
    if ($LASTEXITCODE -eq 0) { Invoke-Expression (($out | Out-String)) }
    else { $env:PORTICO_REFRESH_AT = [string]($now + 60) }
}
if (-not (Test-Path Function:\\__portico_original_prompt)) {
    Copy-Item Function:\\prompt Function:\\global:__portico_original_prompt
    function global:prompt { __portico_hook; __portico_original_prompt }
}
`;
}

/** The integration script for `shell`, defining the function `fn`. */
export function shellInit(shell: Shell, fn = "pc"): string {
  checkFunctionName(fn);
  switch (shell) {
    case "bash":
    case "zsh":
      return posix(shell, fn);
    case "fish":
      return fish(fn);
    case "pwsh":
      return pwsh(fn);
  }
}
