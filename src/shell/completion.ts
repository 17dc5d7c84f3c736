/**
 * `portico completion bash|zsh|fish|pwsh`: completion scripts generated from the commander program
 * (commands, sub-commands, flags — so they never drift from the CLI), with profile and sso-session
 * names read at completion time from the config by `portico completion --list profiles|sso-sessions`
 * (files only, no network). Pure: a command tree in, script text out.
 */
import { quote, type Shell } from "./quote";

export interface CommandSpec {
  name: string;
  flags: string[];
  subcommands: CommandSpec[];
  /** The first positional argument is a profile name (`use`). */
  profileArg?: boolean;
}

/** The tree from a commander program (structural type: no commander import here). */
export function commandTree(program: {
  commands: readonly {
    name(): string;
    options: readonly { long?: string | undefined }[];
    commands: readonly unknown[];
  }[];
}): CommandSpec[] {
  type Cmd = (typeof program.commands)[number];
  const walk = (c: Cmd): CommandSpec => ({
    name: c.name(),
    flags: [...c.options.map((o) => o.long).filter((l): l is string => Boolean(l)), "--help"],
    subcommands: (c.commands as Cmd[]).map(walk),
    ...(c.name() === "use" ? { profileArg: true } : {}),
  });
  return program.commands.map(walk).filter((c) => c.name !== "help");
}

const words = (xs: string[]) => xs.join(" ");

function bash(tree: CommandSpec[], shell: "bash"): string {
  const cases = tree
    .map((c) => {
      const subs = c.subcommands.map((s) => s.name);
      const subCases = c.subcommands
        .map((s) => `        ${s.name}) flags=${quote(shell, words(s.flags))} ;;`)
        .join("\n");
      return `    ${c.name})
      ${
        subs.length > 0
          ? `if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W ${quote(shell, words(subs))} -- "$cur")); return 0; fi
      case "\${COMP_WORDS[2]}" in
${subCases}
        *) flags=${quote(shell, words(c.flags))} ;;
      esac`
          : `flags=${quote(shell, words(c.flags))}`
      }${
        c.profileArg
          ? `
      if [[ "$cur" != -* ]]; then COMPREPLY=($(compgen -W "$(command portico completion --list profiles 2>/dev/null)" -- "$cur")); return 0; fi`
          : ""
      } ;;`;
    })
    .join("\n");
  return `# portico completion for bash: eval "$(portico completion bash)"  (docs/switching.md)
_portico_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flags=""
  COMPREPLY=()
  case "$prev" in
    --profile) COMPREPLY=($(compgen -W "$(command portico completion --list profiles 2>/dev/null)" -- "$cur")); return 0 ;;
    --sso-session) COMPREPLY=($(compgen -W "$(command portico completion --list sso-sessions 2>/dev/null)" -- "$cur")); return 0 ;;
    --shell) COMPREPLY=($(compgen -W 'bash zsh fish pwsh' -- "$cur")); return 0 ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(shell, words(tree.map((c) => c.name)))} -- "$cur"))
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
}
complete -F _portico_complete portico
`;
}

function zsh(tree: CommandSpec[]): string {
  const q = (s: string) => quote("zsh", s);
  const cases = tree
    .map((c) => {
      const subs = c.subcommands.map((s) => s.name);
      if (subs.length > 0) {
        const subCases = c.subcommands
          .map((s) => `        ${s.name}) compadd -- ${s.flags.map(q).join(" ")} ;;`)
          .join("\n");
        return `    ${c.name})
      if (( CURRENT == 3 )); then compadd -- ${subs.map(q).join(" ")}; return; fi
      case \${words[3]} in
${subCases}
        *) compadd -- ${c.flags.map(q).join(" ")} ;;
      esac ;;`;
      }
      return `    ${c.name})${
        c.profileArg
          ? `
      [[ \${words[CURRENT]} != -* ]] && compadd -- \${(f)"$(command portico completion --list profiles 2>/dev/null)"}`
          : ""
      }
      compadd -- ${c.flags.map(q).join(" ")} ;;`;
    })
    .join("\n");
  return `#compdef portico
# portico completion for zsh: eval "$(portico completion zsh)" after compinit  (docs/switching.md)
_portico() {
  case \${words[CURRENT-1]} in
    --profile) compadd -- \${(f)"$(command portico completion --list profiles 2>/dev/null)"}; return ;;
    --sso-session) compadd -- \${(f)"$(command portico completion --list sso-sessions 2>/dev/null)"}; return ;;
    --shell) compadd -- bash zsh fish pwsh; return ;;
  esac
  if (( CURRENT == 2 )); then compadd -- ${tree.map((c) => q(c.name)).join(" ")}; return; fi
  case \${words[2]} in
${cases}
  esac
}
if (( $+functions[compdef] )); then compdef _portico portico; fi
`;
}

function fish(tree: CommandSpec[]): string {
  const q = (s: string) => quote("fish", s);
  const lines = [
    "# portico completion for fish: portico completion fish | source  (docs/switching.md)",
    "complete -c portico -f",
    `complete -c portico -n __fish_use_subcommand -a ${q(words(tree.map((c) => c.name)))}`,
    `complete -c portico -l profile -x -a '(command portico completion --list profiles 2>/dev/null)'`,
    `complete -c portico -l sso-session -x -a '(command portico completion --list sso-sessions 2>/dev/null)'`,
  ];
  for (const c of tree) {
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    for (const f of c.flags)
      if (f !== "--profile" && f !== "--sso-session")
        lines.push(`complete -c portico -n ${q(cond)} -l ${f.slice(2)}`);
    if (c.subcommands.length > 0)
      lines.push(`complete -c portico -n ${q(cond)} -a ${q(words(c.subcommands.map((s) => s.name)))}`);
    if (c.profileArg)
      lines.push(
        `complete -c portico -n ${q(cond)} -a '(command portico completion --list profiles 2>/dev/null)'`,
      );
  }
  return `${lines.join("\n")}\n`;
}

function pwsh(tree: CommandSpec[]): string {
  const q = (s: string) => quote("pwsh", s);
  const table = tree
    .map(
      (c) => `    ${q(c.name)} = @(${[...c.flags, ...c.subcommands.map((s) => s.name)].map(q).join(", ")})`,
    )
    .join("\n");
  return `# portico completion for PowerShell: portico completion pwsh | Out-String | Invoke-Expression  (docs/switching.md)
$__porticoCompletion = @{
${table}
}
Register-ArgumentCompleter -Native -CommandName portico -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $w = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $prev = if ($wordToComplete) { $w[-2] } else { $w[-1] }
    $candidates = if ($prev -eq '--profile' -or ($w.Count -ge 2 -and $w[1] -eq 'use' -and $wordToComplete -notlike '-*' -and $w.Count -le 3)) {
        @(& portico completion --list profiles 2>$null)
    } elseif ($prev -eq '--sso-session') {
        @(& portico completion --list sso-sessions 2>$null)
    } elseif ($w.Count -le 1 -or ($w.Count -eq 2 -and $wordToComplete)) {
        @($__porticoCompletion.Keys)
    } else {
        @($__porticoCompletion[$w[1]])
    }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
}

export function completionScript(shell: Shell, tree: CommandSpec[]): string {
  switch (shell) {
    case "bash":
      return bash(tree, "bash");
    case "zsh":
      return zsh(tree);
    case "fish":
      return fish(tree);
    case "pwsh":
      return pwsh(tree);
  }
}
