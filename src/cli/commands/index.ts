/**
 * Every command module, in help order. Each exports `register(program, ctx)`, which only declares
 * the command (cheap); heavy modules are imported inside the action so start-up stays lean.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { register as accounts } from "./accounts";
import { register as admin } from "./admin";
import { register as config } from "./config";
import { register as configure } from "./configure";
import { register as credentialProcess } from "./credential-process";
import { register as credentials } from "./credentials";
import { register as doctor } from "./doctor";
import { register as emulator } from "./emulator";
import { register as exec } from "./exec";
import { register as login } from "./login";
import { register as logout } from "./logout";
import { register as profiles } from "./profiles";
import { register as whoami } from "./whoami";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commandModules: RegisterCommand[] = [
  configure,
  login,
  logout,
  accounts,
  whoami,
  credentials,
  credentialProcess,
  exec,
  profiles,
  config,
  doctor,
  admin,
  emulator,
];
