/** The house-price model: loading artifacts, validating requests, predicting. */
export type { Model, PredictionBatch, RecordError, TrainingMetrics } from './types.js';
export type { ModelArtifact } from './artifact.js';
export { ARTIFACT_FORMAT_VERSION } from './artifact.js';
export type { TrainingProfile, FeatureProfile, NumericalProfile, CategoricalProfile } from './profile.js';
export { histogramBin } from './profile.js';
export { ArtifactError, loadModel, modelFromArtifact, modelFromArtifactText } from './load.js';
export {
  validateRecords,
  type HouseRecord,
  type ValidationResult,
  type ValidateOptions,
} from './validate-records.js';
export {
  houseRecordJsonSchema,
  houseRecordJsonSchemaFor,
  houseRecordsJsonSchema,
} from './house-record-json-schema.js';
export { HOUSE_FIELDS, KAGGLE_SPELLINGS, COURSE_NA_NOT_ALLOWED } from './record-fields.js';
