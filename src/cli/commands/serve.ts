/**
 * `portico serve --profile P [--port N] [--host 127.0.0.1]`: a container-credentials endpoint for
 * containers and long-running tools (src/serve/server.ts). stdout: the two lines a client needs;
 * stderr: the `docker run` form and a request log without secrets. Runs until Ctrl-C / SIGTERM.
 */
import type { Command } from "commander";
import { usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, warn } from "../output";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description(
      "serve the profile's role credentials to containers and tools (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
    )
    .requiredOption("--profile <name>", "the profile whose credentials to serve")
    .option("--port <port>", "port (0: a free one)", "0")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .addHelpText(
      "after",
      "\nExample:\n  eval \"$(portico serve --profile dev --port 0 | sed 's/^/export /')\"   # in another shell: the two lines\n  portico serve --profile dev > /tmp/creds.env &\n",
    )
    .action(async (flags: { profile: string; port: string; host: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw usageError(`--port must be 0-65535, got "${flags.port}"`);
      const { startCredentialServer, newToken } = await import("../../serve/server");
      const { resolveCredentials } = await import("../../credentials/resolve");
      const deps = { env: ctx.env, now: ctx.now };
      // Fail early (signed out, unknown profile) before anything listens.
      await resolveCredentials(deps, { profile: flags.profile });
      const token = newToken();
      const server = await startCredentialServer({
        host: flags.host,
        port,
        token,
        getCredentials: async () => (await resolveCredentials(deps, { profile: flags.profile })).credentials,
        log: (line) => info(ctx, `${ctx.now().toISOString()} ${line}`),
      });
      if (!/^(127\.|::1$|localhost$)/.test(flags.host))
        warn(
          ctx,
          `listening on ${flags.host}, not loopback: anyone who can reach it and has the token gets the credentials`,
        );
      ctx.stdout.write(
        `AWS_CONTAINER_CREDENTIALS_FULL_URI=${server.url}\nAWS_CONTAINER_AUTHORIZATION_TOKEN=${token}\n`,
      );
      info(
        ctx,
        `Serving ${flags.profile}. For a container (the SDKs accept plain http only on loopback, hence host networking):\n  docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI=${server.url} -e AWS_CONTAINER_AUTHORIZATION_TOKEN IMAGE\n(with AWS_CONTAINER_AUTHORIZATION_TOKEN exported in the shell that runs docker; Ctrl-C stops serving)`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          server.close().then(resolve, resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
