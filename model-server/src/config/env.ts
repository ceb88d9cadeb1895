/** Reads typed values from an environment map, collecting one message per bad variable. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The trimmed value of `name`, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  requiredString(name: string, what: string): string {
    const value = this.raw(name);
    if (value === undefined) this.problems.push(`${name}: required (${what})`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return Number(value);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: must be true or false (got ${JSON.stringify(this.raw(name))})`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value as T;
  }

  /** A comma-separated list; empty entries are ignored. */
  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }

  check(name: string, ok: boolean, reason: string): void {
    if (!ok) this.problems.push(`${name}: ${reason}`);
  }
}

/** Thrown when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Turns command-line flags into environment overrides: `--model-artifact x` or
 * `--model-artifact=x` becomes MODEL_ARTIFACT=x, so every variable can also be given as a flag.
 */
export function flagsToEnv(argv: readonly string[], known: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError([`${arg}: unexpected argument (flags look like --port 8080)`]);
    const name = match[1].toUpperCase().replaceAll('-', '_');
    if (!known.includes(name)) throw new ConfigError([`--${match[1]}: unknown flag`]);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new ConfigError([`--${match[1]}: needs a value`]);
      i++;
    }
    overrides[name] = value;
  }
  return overrides;
}
