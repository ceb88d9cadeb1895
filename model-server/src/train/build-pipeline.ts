import { CategoricalImputer } from '../model/preprocess/categorical-imputer.js';
import { DropFeatures } from '../model/preprocess/drop-features.js';
import { LogTransform } from '../model/preprocess/log-transform.js';
import { MostFrequentImputer } from '../model/preprocess/most-frequent-imputer.js';
import { OrdinalEncoder } from '../model/preprocess/ordinal-encoder.js';
import { Pipeline } from '../model/preprocess/pipeline.js';
import { RareLabelEncoder } from '../model/preprocess/rare-label-encoder.js';
import { TemporalVariable } from '../model/preprocess/temporal-variable.js';
import type { Transformer } from '../model/preprocess/transformer.js';
import type { TrainingConfig } from './config-types.js';

/**
 * The course's pipeline for a config, in the course's order: most-frequent imputer (numerical
 * variables), `missing` imputer (categorical), temporal variables, log transform (if any),
 * rare-label grouping, ordinal encoding, dropped features. Steps with no variables are left out.
 */
export function buildPipeline(config: TrainingConfig): Pipeline {
  const steps: Transformer[] = [];
  if (config.numericalVars.length > 0) steps.push(new MostFrequentImputer(config.numericalVars));
  if (config.categoricalVars.length > 0) steps.push(new CategoricalImputer(config.categoricalVars));
  if (config.temporalVars.length > 0)
    steps.push(new TemporalVariable(config.temporalVars, config.temporalReference));
  if (config.logTransformVars.length > 0) steps.push(new LogTransform(config.logTransformVars));
  if (config.categoricalVars.length > 0) {
    steps.push(
      new RareLabelEncoder(config.categoricalVars, config.rareLabelTol, config.rareLabelNCategories),
    );
    steps.push(new OrdinalEncoder(config.categoricalVars, config.ordinalEncoding));
  }
  if (config.dropFeatures.length > 0) steps.push(new DropFeatures(config.dropFeatures));
  return new Pipeline(steps);
}
