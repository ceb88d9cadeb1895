import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadTrainingConfig } from './config.js';
import { configNameOf, trainModel } from './train-model.js';

const USAGE = `usage: model-server train --config <file.yml> --out <artifact.json>
Trains the model a YAML config describes and writes a versioned JSON artifact.
  --config, -c   training config (see model-server/config/*.yml)
  --out, -o      where to write the artifact (directories are created)
  --help, -h     this text`;

/** `model-server train`: returns the process exit code (0 ok, 1 training failed, 2 bad usage or config). */
export async function trainMain(argv: string[]): Promise<number> {
  let values: { config?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`model-server train: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.config || !values.out) {
    process.stderr.write(`model-server train: --config and --out are required\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = await loadTrainingConfig(values.config);
    const { artifact, fitSeconds } = await trainModel(config, configNameOf(values.config));
    await writeAtomically(values.out, `${JSON.stringify(artifact)}\n`);
    const m = artifact.metrics;
    process.stdout.write(
      `trained ${artifact.name} ${artifact.version} (${artifact.kind}, config ${artifact.training.config}) in ${fitSeconds.toFixed(3)} s\n` +
        `held-out (${m.testRows} rows): rmse ${m.rmse.toFixed(2)} rmsle ${m.rmsle.toFixed(5)} r2 ${m.r2.toFixed(5)}\n` +
        `wrote ${values.out} (sha256 ${artifact.sha256})\n`,
    );
    return 0;
  } catch (error) {
    const message =
      error instanceof ConfigError ? error.message : `training failed: ${(error as Error).message}`;
    process.stderr.write(`model-server train: ${message}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}

/** Writes through a temporary file and a rename, so readers never see half an artifact. */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}
