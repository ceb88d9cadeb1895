/** JSON Schemas of the serve routes; they validate, drive serialisation and make the OpenAPI document. */

const recordError = {
  type: 'object',
  required: ['index', 'field', 'reason'],
  properties: {
    index: {
      type: ['integer', 'null'],
      description: 'Record index in the request array; null for the body itself.',
    },
    field: { type: 'string', description: 'Field name as the client spelled it.' },
    reason: { type: 'string' },
  },
} as const;

/** Body of every 4xx/5xx answer. */
export const errorResponse = {
  type: 'object',
  required: ['error', 'details'],
  properties: {
    error: { type: 'string' },
    details: { type: 'array', items: recordError },
  },
} as const;

/** Schema of `POST /v1/predictions` for a given record schema and request size cap. */
export function predictionsRouteSchema(recordSchema: object, maxRecords: number) {
  return {
    summary: 'Predict house sale prices',
    description:
      'Takes an array of house records (Kaggle/Ames schema; `1stFlrSF` and `FirstFlrSF` spellings both accepted) ' +
      'and answers one prediction per record, in order. Records the model must leave out get `null` and an entry ' +
      'in `errors`; a record that breaks the schema makes the whole request fail with 400.',
    body: { type: 'array', minItems: 1, maxItems: maxRecords, items: recordSchema },
    response: {
      200: {
        type: 'object',
        required: ['predictions', 'version', 'errors'],
        properties: {
          predictions: { type: 'array', items: { type: ['number', 'null'] } },
          version: { type: 'string' },
          errors: { type: 'array', items: recordError },
        },
      },
      400: errorResponse,
      413: errorResponse,
      415: errorResponse,
    },
  };
}

const trainingMetrics = {
  type: 'object',
  properties: {
    rmse: { type: 'number' },
    rmsle: { type: 'number' },
    r2: { type: 'number' },
    trainRows: { type: 'integer' },
    testRows: { type: 'integer' },
  },
} as const;

export const modelRouteSchema = {
  summary: 'Describe the model this server runs',
  response: {
    200: {
      type: 'object',
      required: ['name', 'version', 'kind', 'variant', 'features', 'metrics'],
      properties: {
        name: { type: 'string' },
        version: { type: 'string' },
        kind: { type: 'string' },
        description: { type: 'string' },
        sha256: { type: 'string', description: 'Digest the artifact carries over its content.' },
        variant: { type: 'string' },
        features: { type: 'array', items: { type: 'string' } },
        metrics: trainingMetrics,
      },
    },
  },
} as const;

export const healthRouteSchema = {
  summary: 'Liveness: the process answers',
  response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
} as const;

export const readyRouteSchema = {
  summary: 'Readiness: model loaded, prediction store reachable when required, not shutting down',
  response: {
    200: { type: 'object', properties: { status: { type: 'string' } } },
    503: {
      type: 'object',
      properties: { status: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } },
    },
  },
} as const;

export const metricsRouteSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  produces: ['text/plain'],
} as const;
