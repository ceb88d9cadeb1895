import { randomUUID } from 'node:crypto';
import type { PredictionRow } from '../../src/store/types.js';

/** `count` prediction rows whose inputs carry a sequence number `Id` from `start`. */
export function makeRows(
  start: number,
  count: number,
  variant = 'master',
  requestId: string = randomUUID(),
): PredictionRow[] {
  const createdAt = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    record_id: randomUUID(),
    request_id: requestId,
    model_name: 'house-price',
    model_version: '1.2.3',
    variant,
    inputs: { Id: start + i, GrLivArea: 1000 + i, Neighborhood: 'NAmes' },
    outputs: { prediction: 100_000 + start + i },
    created_at: createdAt,
  }));
}
