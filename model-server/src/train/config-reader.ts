/** One problem found in a configuration: which field and why. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** A configuration that cannot be used; the message lists every problem with its field. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/** Reads typed fields from a parsed YAML mapping and collects problems instead of throwing. */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly data: Record<string, unknown>) {}

  problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  has(field: string): boolean {
    return this.data[field] !== undefined && this.data[field] !== null;
  }

  private raw(field: string): unknown {
    this.seen.add(field);
    return this.data[field];
  }

  string(field: string, fallback?: string, pattern?: RegExp): string {
    const value = this.raw(field) ?? fallback;
    if (typeof value !== 'string' || value === '') {
      this.problem(
        field,
        value === undefined ? 'is required (a string)' : `expected a string, got ${show(value)}`,
      );
      return '';
    }
    if (pattern && !pattern.test(value)) this.problem(field, `${show(value)} does not match ${pattern}`);
    return value;
  }

  /** A string that may be left out (empty when it is). */
  optionalString(field: string): string {
    if (this.has(field)) return this.string(field);
    this.seen.add(field);
    return '';
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback?: T): T {
    const value = this.raw(field) ?? fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(field, `${show(value)} is not in the allowed set [${allowed.join(', ')}]`);
    return allowed[0];
  }

  /** A list of strings; a single string is read as a one-element list (as in the course's config). */
  list(field: string, fallback?: string[]): string[] {
    const value = this.raw(field) ?? fallback;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
    this.problem(
      field,
      value === undefined ? 'is required (a list of names)' : `expected a list of names, got ${show(value)}`,
    );
    return [];
  }

  number(
    field: string,
    fallback: number | undefined,
    range: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean },
  ): number {
    const value = this.raw(field) ?? fallback;
    const kind = range.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
      this.problem(
        field,
        value === undefined ? `is required (${kind})` : `expected ${kind}, got ${show(value)}`,
      );
      return fallback ?? 0;
    }
    const tooLow = range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min);
    if (tooLow || (range.max !== undefined && value > range.max)) {
      const low = range.min === undefined ? '' : `${range.minExclusive ? '>' : '>='} ${range.min}`;
      const high = range.max === undefined ? '' : `<= ${range.max}`;
      this.problem(field, `${value} is out of range (must be ${[low, high].filter(Boolean).join(' and ')})`);
    }
    return value;
  }

  mapping(field: string, fallback: Record<string, unknown>): Record<string, unknown> {
    const value = this.raw(field) ?? fallback;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    this.problem(field, `expected a mapping, got ${show(value)}`);
    return fallback;
  }

  /** Reports every key that no read asked for (a typo would otherwise be silently ignored). */
  rejectUnknown(extraAllowed: readonly string[] = []): void {
    for (const key of Object.keys(this.data)) {
      if (!this.seen.has(key) && !extraAllowed.includes(key)) {
        const allowed = [...this.seen, ...extraAllowed].sort().join(', ');
        this.problem(key, `unknown field (allowed: ${allowed})`);
      }
    }
  }
}
