/**
 * The Dockerfiles, read rather than built (no container engine here): multi-stage, production
 * dependencies only, a non-root distroless runtime, entry points that exist after `npm run build`,
 * a build context that holds what they copy, and names and tags that match the chart and examples.
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { CHART, MANIFESTS, ROOT, parseObjects } from './helpers.js';

interface Stage {
  from: string;
  lines: string[];
}

/** Instructions of a Dockerfile grouped by stage (continuation lines joined, comments dropped). */
function stagesOf(file: string): Stage[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\\\n\s*/g, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    if (/^FROM /i.test(line)) stages.push({ from: line.split(/\s+/)[1], lines: [] });
    else stages[stages.length - 1]?.lines.push(line);
  }
  return stages;
}

/** Paths the .dockerignore lets into the build context (it excludes everything, then re-includes). */
function contextIncludes(): string[] {
  const lines = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== '**') throw new Error('.dockerignore: expected to start by excluding everything (**)');
  return lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
}

const chart = parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string };
const values = parse(fs.readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as {
  image: { repository: string };
};
const build = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
  compilerOptions: { outDir?: string; rootDir?: string };
};
const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
  compilerOptions: { outDir: string; rootDir: string };
};

for (const [file, image, entry] of [
  ['Dockerfile.operator', 'modelrollout/operator', 'operator/src/main.ts'],
  ['Dockerfile.model-server', 'modelrollout/model-server', 'model-server/src/main.ts'],
] as const) {
  test(`${file}: multi-stage, production dependencies only, non-root distroless runtime`, (t) => {
    const stages = stagesOf(file);
    t.is(stages.length, 2);
    const [builder, runtime] = stages;
    t.regex(builder.from, /^node:(22|24)-bookworm-slim$/);
    const run = builder.lines.filter((l) => l.startsWith('RUN ')).join(' ');
    for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) t.true(run.includes(step), step);
    t.true(run.indexOf('npm run build') < run.indexOf('npm prune --omit=dev'));
    t.regex(runtime.from, /^gcr\.io\/distroless\/nodejs(22|24)-debian12:nonroot$/);
    t.true(runtime.lines.includes('USER 65532:65532'));
    for (const copy of runtime.lines.filter((l) => l.startsWith('COPY ')))
      t.regex(copy, /^COPY --from=build /, copy);
    t.true(runtime.lines.some((l) => l.includes('/app/node_modules ./node_modules')));
    t.false(
      runtime.lines.some((l) => /^RUN /.test(l)),
      'nothing runs in the runtime stage (it has no shell)',
    );
  });

  test(`${file}: the entry point is what npm run build compiles, and the context holds every copied path`, (t) => {
    const [builder, runtime] = stagesOf(file);
    const outDir = build.compilerOptions.outDir ?? base.compilerOptions.outDir;
    const rootDir = build.compilerOptions.rootDir ?? base.compilerOptions.rootDir;
    t.is(rootDir, '.');
    const compiled = `/app/${outDir}/${entry.replace(/\.ts$/, '.js')}`;
    t.true(fs.existsSync(path.join(ROOT, entry)));
    const entrypoint = JSON.parse(
      runtime.lines.find((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length),
    ) as string[];
    t.deepEqual(entrypoint, ['/nodejs/bin/node', compiled]);

    const included = contextIncludes();
    for (const copy of builder.lines.filter((l) => l.startsWith('COPY '))) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        t.true(fs.existsSync(path.join(ROOT, source)), `${copy}: ${source} does not exist`);
        t.true(
          included.some((inc) => source === inc || source.startsWith(`${inc}/`)),
          `${copy}: ${source} is excluded by .dockerignore`,
        );
      }
    }
  });

  test(`${file}: built as ${image}:${chart.appVersion}, the name the chart and examples use`, (t) => {
    const header = fs.readFileSync(path.join(ROOT, file), 'utf8');
    t.true(header.includes(`docker build -f ${file} -t ${image}:${chart.appVersion} .`));
  });
}

test('the chart deploys the operator image; the examples run the model-server image with its shipped artifacts', (t) => {
  t.is(values.image.repository, 'modelrollout/operator');
  const trainer = fs.readFileSync(path.join(ROOT, 'scripts/train-models.sh'), 'utf8');
  const trained = /for name in ([^;]+);/.exec(trainer)![1].trim().split(/\s+/);
  t.true(trained.length > 0);
  const examples = fs.readdirSync(path.join(MANIFESTS, 'examples')).filter((f) => f.endsWith('.yaml'));
  for (const file of examples) {
    const [object] = parseObjects(fs.readFileSync(path.join(MANIFESTS, 'examples', file), 'utf8'));
    const model = (object.spec as { model: { image: string; artifact: { uri: string } } }).model;
    t.is(model.image, `modelrollout/model-server:${chart.appVersion}`, file);
    const match = /^\/app\/model-server\/artifacts\/(.+)\.json$/.exec(model.artifact.uri);
    t.truthy(match, `${file}: artifact ${model.artifact.uri} is not one the image ships`);
    t.true(trained.includes(match![1]), `${file}: scripts/train-models.sh does not train ${match![1]}`);
  }
});
