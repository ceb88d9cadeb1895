/**
 * operator/src/api/types.ts must describe exactly what the CRD's schema allows: same property
 * names, same required/optional split, same scalar types and enums, arrays and maps alike. The
 * types are read with the TypeScript compiler and walked side by side with the CRD's OpenAPI
 * schema, so a field added to one and not the other fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import ts from 'typescript';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const CRD_FILE = path.join(root, 'crds/modelrollout.io_modeldeployments.yaml');
const TYPES_FILE = path.join(root, 'operator/src/api/types.ts');

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

function loadCrdSchema(): Schema {
  const crd = YAML.parse(fs.readFileSync(CRD_FILE, 'utf8'));
  return crd.spec.versions[0].schema.openAPIV3Schema as Schema;
}

let loaded: { checker: ts.TypeChecker; type: ts.Type } | undefined;

/** The ModelDeployment type of types.ts, compiled once per test file. */
function loadType(name: string): { checker: ts.TypeChecker; type: ts.Type } {
  if (loaded) return loaded;
  const program = ts.createProgram([TYPES_FILE], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(TYPES_FILE)!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).find((s) => s.name === name)!;
  loaded = { checker, type: checker.getDeclaredTypeOfSymbol(symbol) };
  return loaded;
}

/** Always set by the API server on objects read from it, so required in the type though not in the schema. */
const SERVER_SET = new Set([
  'ModelDeployment.apiVersion',
  'ModelDeployment.kind',
  'ModelDeployment.metadata',
]);

/** Walks schema and type together, collecting every mismatch as `path: problem`. */
class Comparer {
  readonly problems: string[] = [];
  constructor(private readonly checker: ts.TypeChecker) {}

  private parts(type: ts.Type): ts.Type[] {
    return type.isUnion() ? type.types : [type];
  }

  private without(type: ts.Type, flags: ts.TypeFlags): ts.Type[] {
    return this.parts(type).filter((t) => !(t.flags & flags));
  }

  private show(type: ts.Type): string {
    return this.checker.typeToString(type);
  }

  compare(schema: Schema, type: ts.Type, at: string): void {
    const hasNull = this.parts(type).some((t) => t.flags & ts.TypeFlags.Null);
    if (!!schema.nullable !== hasNull)
      this.problems.push(`${at}: nullable ${!!schema.nullable} but type ${this.show(type)}`);
    const parts = this.without(type, ts.TypeFlags.Null | ts.TypeFlags.Undefined);
    if (schema['x-kubernetes-int-or-string']) return this.expectFlags(parts, ['number', 'string'], at);
    switch (schema.type) {
      case 'string':
        return schema.enum
          ? this.expectEnum(parts, schema.enum, at)
          : this.expectFlags(parts, ['string'], at);
      case 'integer':
      case 'number':
        return this.expectFlags(parts, ['number'], at);
      case 'boolean':
        return this.expectFlags(parts, ['boolean'], at);
      case 'array':
        return this.compareArray(schema, parts, at);
      case 'object':
        return this.compareObject(schema, parts, at);
      default:
        this.problems.push(`${at}: schema type ${schema.type} not handled`);
    }
  }

  private expectFlags(parts: ts.Type[], kinds: string[], at: string): void {
    const seen = new Set(
      parts.map((t) =>
        t.flags & ts.TypeFlags.StringLike
          ? 'string'
          : t.flags & ts.TypeFlags.NumberLike
            ? 'number'
            : t.flags & ts.TypeFlags.BooleanLike
              ? 'boolean'
              : this.show(t),
      ),
    );
    const want = new Set(kinds);
    if (seen.size !== want.size || [...seen].some((k) => !want.has(k))) {
      this.problems.push(`${at}: schema wants ${kinds.join('|')}, type is ${[...seen].join('|')}`);
    }
  }

  private expectEnum(parts: ts.Type[], values: unknown[], at: string): void {
    const literals = parts.map((t) => (t.isStringLiteral() ? t.value : `<${this.show(t)}>`)).sort();
    const wanted = values.map(String).sort();
    if (JSON.stringify(literals) !== JSON.stringify(wanted)) {
      this.problems.push(`${at}: enum ${wanted.join('|')} but type ${literals.join('|')}`);
    }
  }

  private compareArray(schema: Schema, parts: ts.Type[], at: string): void {
    const array = parts.length === 1 && this.checker.isArrayType(parts[0]) ? parts[0] : undefined;
    if (!array)
      return void this.problems.push(
        `${at}: schema wants an array, type is ${parts.map((p) => this.show(p)).join('|')}`,
      );
    this.compare(schema.items!, this.checker.getTypeArguments(array as ts.TypeReference)[0], `${at}[]`);
  }

  private compareObject(schema: Schema, parts: ts.Type[], at: string): void {
    if (parts.length !== 1) return void this.problems.push(`${at}: schema wants one object type`);
    const type = parts[0];
    if (!schema.properties) {
      const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        if (!index) return void this.problems.push(`${at}: schema is a map, type has no string index`);
        return this.compare(schema.additionalProperties, index.type, `${at}{}`);
      }
      // Free-form (metadata, preserve-unknown-fields): any object type will do.
      return;
    }
    const required = new Set(schema.required ?? []);
    const props = new Map(this.checker.getPropertiesOfType(type).map((p) => [p.name, p]));
    for (const name of Object.keys(schema.properties)) {
      const prop = props.get(name);
      if (!prop) {
        this.problems.push(`${at}.${name}: in the CRD, missing from the type`);
        continue;
      }
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      if (optional === required.has(name) && !SERVER_SET.has(`${at}.${name}`)) {
        this.problems.push(
          `${at}.${name}: ${required.has(name) ? 'required' : 'optional'} in the CRD, not in the type`,
        );
      }
      const decl = prop.valueDeclaration ?? prop.declarations![0];
      this.compare(
        schema.properties[name],
        this.checker.getTypeOfSymbolAtLocation(prop, decl),
        `${at}.${name}`,
      );
    }
    for (const name of props.keys()) {
      if (!(name in schema.properties))
        this.problems.push(`${at}.${name}: in the type, missing from the CRD`);
    }
  }
}

test('ModelDeployment type and CRD schema describe the same object', (t) => {
  const { checker, type } = loadType('ModelDeployment');
  const comparer = new Comparer(checker);
  comparer.compare(loadCrdSchema(), type, 'ModelDeployment');
  t.deepEqual(comparer.problems, []);
});

test('the comparison notices drift (a field the type lacks, a wrong enum, a wrong optionality)', (t) => {
  const { checker, type } = loadType('ModelDeployment');
  const schema = loadCrdSchema();
  const spec = schema.properties!.spec;
  spec.properties!.extraField = { type: 'string' };
  spec.properties!.strategy.properties!.promotion.enum = ['Automatic', 'Manual', 'Never'];
  spec.required = [...(spec.required ?? []), 'paused'];
  schema.properties!.status.properties!.canaryWeight = { type: 'string' };
  const comparer = new Comparer(checker);
  comparer.compare(schema, type, 'ModelDeployment');
  t.deepEqual(comparer.problems.sort(), [
    'ModelDeployment.spec.extraField: in the CRD, missing from the type',
    'ModelDeployment.spec.paused: required in the CRD, not in the type',
    'ModelDeployment.spec.strategy.promotion: enum Automatic|Manual|Never but type Automatic|Manual',
    'ModelDeployment.status.canaryWeight: schema wants string, type is number',
  ]);
});
