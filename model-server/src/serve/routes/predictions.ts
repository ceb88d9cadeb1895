import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServeMetrics } from '../../metrics/serve-metrics.js';
import type { Model } from '../../model/types.js';
import type { PredictionRow, PredictionSink } from '../../store/types.js';
import { recordsFromBody, type ValidateRecords } from '../body-validator.js';
import { noteRequest } from '../request-log.js';
import { predictionsRouteSchema } from '../schemas.js';

/** What the predictions route needs. */
export interface PredictionRouteDeps {
  model: Model;
  variant: string;
  sink: PredictionSink;
  metrics: ServeMetrics;
  validateRecords: ValidateRecords;
  recordSchema: object;
  maxRecords: number;
}

/**
 * `POST /v1/predictions`: validates the records, predicts, counts the predictions, hands one row
 * per record to the prediction store (never waiting for it) and answers
 * `{predictions, version, errors}`.
 */
export function registerPredictionRoute(app: FastifyInstance, deps: PredictionRouteDeps): void {
  const { model, variant, sink, metrics } = deps;
  app.post(
    '/v1/predictions',
    {
      schema: predictionsRouteSchema(deps.recordSchema, deps.maxRecords),
      // A schema failure is not final: the model's validator decides and explains (see recordsFromBody).
      attachValidation: true,
    },
    async (request, reply) => {
      const valid = request.validationError === undefined;
      const records = recordsFromBody(request.body, valid, deps.validateRecords, deps.maxRecords);
      const { predictions, errors } = model.predict(records);
      metrics.observePredictions(predictions);
      metrics.observeInputs(records);
      const reasons = new Map(errors.map((error) => [error.index, `${error.field}: ${error.reason}`]));
      const createdAt = new Date().toISOString();
      const rows: PredictionRow[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const prediction = predictions[i] ?? null;
        rows[i] = {
          record_id: randomUUID(),
          request_id: request.id,
          model_name: model.name,
          model_version: model.version,
          variant,
          inputs: records[i],
          outputs: prediction === null ? { prediction, error: reasons.get(i) ?? 'left out' } : { prediction },
          created_at: createdAt,
        };
      }
      sink.enqueue(rows);
      noteRequest(request, { records: records.length, inputs: records, outputs: predictions });
      void reply.header('x-request-id', request.id);
      return { predictions, version: model.version, errors };
    },
  );
}
