/** HTML text that is already safe, produced by the `markup` template or `raw`. */
export class Markup {
  constructor(readonly text: string) {}
  /** Refuses to be joined as a plain string, which would lose the escaping guarantee silently. */
  toString(): string {
    throw new Error('Markup joined as a string: interpolate it in a markup template instead');
  }
}

export type Part = Markup | string | number | boolean | null | undefined | Part[];

/** Marks trusted constant text (the style sheet) as markup. Never for data. */
export const raw = (text: string) => new Markup(text);

/** A template whose interpolated values are escaped unless they already are markup. */
export function markup(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0];
  values.forEach((value, i) => {
    out += renderPart(value) + strings[i + 1];
  });
  return new Markup(out);
}

function renderPart(part: Part): string {
  if (part instanceof Markup) return part.text;
  if (Array.isArray(part)) return part.map(renderPart).join('');
  if (part === null || part === undefined || part === false || part === true) return '';
  return escapeHtml(String(part));
}

/** Text escaped for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
