/**
 * Every command module, in help order. Each exports `register(program, ctx)`, which only declares
 * the command (cheap); heavy modules are imported inside the action so start-up stays lean.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const commandModules: RegisterCommand[] = [];
