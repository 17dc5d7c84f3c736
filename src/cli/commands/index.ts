/**
 * Every command module, in help order. Each exports `register(program, ctx)`, which only declares
 * the command (cheap); heavy modules are imported inside the action so start-up stays lean.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { register as accounts } from "./accounts";
import { register as admin } from "./admin";
import { register as completion } from "./completion";
import { register as config } from "./config";
import { register as configure } from "./configure";
import { register as consoleCmd } from "./console";
import { register as credentialProcess } from "./credential-process";
import { register as credentials } from "./credentials";
import { register as doctor } from "./doctor";
import { register as emulator } from "./emulator";
import { register as exec } from "./exec";
import { register as login } from "./login";
import { register as logout } from "./logout";
import { register as pick } from "./pick";
import { register as profiles } from "./profiles";
import { register as serve } from "./serve";
import { register as setup } from "./setup";
import { register as shellInit } from "./shell-init";
import { register as status } from "./status";
import { register as sync } from "./sync";
import { register as use } from "./use";
import { register as whoami } from "./whoami";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commandModules: RegisterCommand[] = [
  setup,
  configure,
  login,
  logout,
  accounts,
  sync,
  pick,
  whoami,
  status,
  consoleCmd,
  serve,
  completion,
  credentials,
  credentialProcess,
  exec,
  profiles,
  use,
  shellInit,
  config,
  doctor,
  admin,
  emulator,
];
