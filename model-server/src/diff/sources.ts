import { loadModel, validateRecords } from '../model/index.js';

/** A side of a differential test: something that predicts prices for records. */
export interface PredictionSource {
  /** The URL or file given on the command line. */
  readonly source: string;
  /** `name version` of the model behind it, when known. */
  describe(): Promise<string | undefined>;
  /** One prediction per record, in order; null where the model left the record out. */
  predict(records: readonly Record<string, unknown>[]): Promise<(number | null)[]>;
}

/** A running model-server, called over HTTP in batches. */
export class HttpSource implements PredictionSource {
  private readonly base: string;

  constructor(
    readonly source: string,
    private readonly batchSize = 100,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = source.replace(/\/+$/, '');
  }

  async describe(): Promise<string | undefined> {
    const response = await fetch(`${this.base}/v1/model`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!response.ok) return undefined;
    const model = (await response.json()) as { name?: string; version?: string };
    return `${model.name} ${model.version}`;
  }

  async predict(records: readonly Record<string, unknown>[]): Promise<(number | null)[]> {
    const predictions: (number | null)[] = [];
    for (let start = 0; start < records.length; start += this.batchSize) {
      const batch = records.slice(start, start + this.batchSize);
      const response = await fetch(`${this.base}/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(
          `${this.source}: records ${start}..${start + batch.length - 1} answered ${response.status}: ${text.slice(0, 500)}`,
        );
      }
      const body = JSON.parse(text) as { predictions: (number | null)[] };
      if (!Array.isArray(body.predictions) || body.predictions.length !== batch.length) {
        throw new Error(`${this.source}: expected ${batch.length} predictions, got ${text.slice(0, 200)}`);
      }
      predictions.push(...body.predictions);
    }
    return predictions;
  }
}

/** A model artifact file, loaded and run in this process. */
export class ArtifactSource implements PredictionSource {
  private model?: Awaited<ReturnType<typeof loadModel>>;

  constructor(readonly source: string) {}

  private async load() {
    this.model ??= await loadModel(this.source);
    return this.model;
  }

  async describe(): Promise<string | undefined> {
    const model = await this.load();
    return `${model.name} ${model.version}`;
  }

  async predict(records: readonly Record<string, unknown>[]): Promise<(number | null)[]> {
    const model = await this.load();
    const validation = validateRecords(records, { naNotAllowed: model.naNotAllowed });
    if (!validation.ok) {
      const [first] = validation.errors;
      throw new Error(`invalid payload record ${first.index}, ${first.field}: ${first.reason}`);
    }
    return model.predict(validation.records).predictions;
  }
}

/** A URL (http:// or https://) is a running server; anything else is an artifact file. */
export function openSource(spec: string, batchSize?: number): PredictionSource {
  return /^https?:\/\//.test(spec) ? new HttpSource(spec, batchSize) : new ArtifactSource(spec);
}
