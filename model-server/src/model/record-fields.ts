/** The type of one field of a house record, as the course's `HouseDataInputSchema` declared it. */
export type FieldType = 'integer' | 'number' | 'string';

/** One field of a house record: its type and whether null is a valid value. */
export interface FieldSpec {
  readonly type: FieldType;
  /** `allow_none=True` in the course's schema: null means "not there" (no alley, no garage...). */
  readonly nullable: boolean;
}

const integers = (names: string[]): [string, FieldSpec][] =>
  names.map((n) => [n, { type: 'integer', nullable: false }]);
const numbers = (nullable: boolean, names: string[]): [string, FieldSpec][] =>
  names.map((n) => [n, { type: 'number', nullable }]);
const strings = (nullable: boolean, names: string[]): [string, FieldSpec][] =>
  names.map((n) => [n, { type: 'string', nullable }]);

/** Every field of a house record (Kaggle/Ames schema) in the course's spelling, with its type. */
export const HOUSE_FIELDS: ReadonlyMap<string, FieldSpec> = new Map([
  ...integers([
    'BedroomAbvGr',
    'EnclosedPorch',
    'Fireplaces',
    'FullBath',
    'GrLivArea',
    'HalfBath',
    'Id',
    'KitchenAbvGr',
    'LotArea',
    'LowQualFinSF',
    'MSSubClass',
    'MiscVal',
    'MoSold',
    'OpenPorchSF',
    'OverallCond',
    'OverallQual',
    'PoolArea',
    'ScreenPorch',
    'TotRmsAbvGrd',
    'WoodDeckSF',
    'YearBuilt',
    'YearRemodAdd',
    'YrSold',
    'FirstFlrSF',
    'SecondFlrSF',
    'ThreeSsnPortch',
  ]),
  ...numbers(true, [
    'BsmtFinSF1',
    'BsmtFinSF2',
    'BsmtFullBath',
    'BsmtHalfBath',
    'GarageYrBlt',
    'LotFrontage',
    'MasVnrArea',
  ]),
  ...numbers(false, ['BsmtUnfSF', 'GarageArea', 'GarageCars', 'TotalBsmtSF']),
  ...strings(true, [
    'Alley',
    'BsmtCond',
    'BsmtExposure',
    'BsmtFinType1',
    'BsmtFinType2',
    'BsmtQual',
    'Electrical',
    'Exterior1st',
    'Exterior2nd',
    'Fence',
    'FireplaceQu',
    'Functional',
    'GarageCond',
    'GarageFinish',
    'GarageQual',
    'GarageType',
    'KitchenQual',
    'MSZoning',
    'MasVnrType',
    'MiscFeature',
    'PoolQC',
    'SaleType',
    'Utilities',
  ]),
  ...strings(false, [
    'BldgType',
    'CentralAir',
    'Condition1',
    'Condition2',
    'ExterCond',
    'ExterQual',
    'Foundation',
    'Heating',
    'HeatingQC',
    'HouseStyle',
    'LandContour',
    'LandSlope',
    'LotConfig',
    'LotShape',
    'Neighborhood',
    'PavedDrive',
    'RoofMatl',
    'RoofStyle',
    'SaleCondition',
    'Street',
  ]),
]);

/** The Kaggle spelling of the fields the course renamed (names must not start with a digit). */
export const KAGGLE_SPELLINGS: Readonly<Record<string, string>> = {
  FirstFlrSF: '1stFlrSF',
  SecondFlrSF: '2ndFlrSF',
  ThreeSsnPortch: '3SsnPorch',
};

/** Kaggle spelling -> course spelling (the course's `variables_to_rename`). */
export const COURSE_RENAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(KAGGLE_SPELLINGS).map(([course, kaggle]) => [kaggle, course]),
);

/**
 * Fields where the course's gradient-boosting model allowed no missing value
 * (`numerical_na_not_allowed`): a record missing one is left out of the prediction.
 */
export const COURSE_NA_NOT_ALLOWED: readonly string[] = [
  'LotArea',
  'OverallQual',
  'YearRemodAdd',
  'BsmtFinSF1',
  'TotalBsmtSF',
  'FirstFlrSF',
  'SecondFlrSF',
  'GrLivArea',
  'GarageCars',
  'YrSold',
];
