/**
 * The model-server program: one binary, several modes.
 *   serve   — a model over HTTP (master or candidate)
 *   router  — shadow/canary traffic in front of master and candidate
 *   train   — builds a model artifact from a config
 *   diff    — differential test of two servers or artifacts
 *   assess  — drift report of stored predictions against the training profile
 */
const USAGE = `usage: model-server <mode> [options]
modes:
  serve    serve a model artifact over HTTP (configured by environment variables)
  router   route traffic between master and candidate (shadow/canary)
  train    train a model: train --config <file.yml> --out <artifact.json>
  diff     compare predictions of two servers or artifacts
  assess   drift report of stored predictions against the training profile
run 'model-server <mode> --help' for the options of a mode`;

type ModeMain = (argv: string[]) => Promise<number>;

// Each mode is loaded only when asked for, so `train` does not pull in fastify and the like.
const modes: Record<string, () => Promise<ModeMain>> = {
  serve: async () => (await import('./serve/cli.js')).serveMain,
  router: async () => (await import('./router/cli.js')).routerMain,
  train: async () => (await import('./train/cli.js')).trainMain,
  diff: async () => (await import('./diff/cli.js')).diffMain,
  assess: async () => (await import('./assess/cli.js')).assessMain,
};

async function main(argv: string[]): Promise<number> {
  const [mode, ...rest] = argv;
  if (!mode || mode === '--help' || mode === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return mode ? 0 : 2;
  }
  const load = modes[mode];
  if (!load) {
    process.stderr.write(`model-server: unknown mode '${mode}' (one of: ${Object.keys(modes).join(', ')})\n`);
    return 2;
  }
  return (await load())(rest);
}

process.exitCode = await main(process.argv.slice(2));
