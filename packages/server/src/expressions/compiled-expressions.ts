import {
  type CompiledCondition,
  type CompiledTemplate,
  compileCondition,
  compileTemplate,
  type TemplateMode,
} from "@conflux/core";

/**
 * Compiled forms by their source text, so a hot app's condition and templates are parsed once, not at
 * every step. A compiled form is pure (evaluating it changes nothing), so one serves every step, app
 * version and operator with that text. A source that does not compile throws each time and is not kept.
 */
export class CompiledBySource<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;

  constructor(
    private readonly compile: (source: string) => T,
    /** Source characters kept: a tree takes a multiple of its text, and one template may be 64 Ki characters. */
    private readonly maxChars: number,
  ) {}

  get(source: string): T {
    const known = this.entries.get(source);
    if (known !== undefined) return known;
    const compiled = this.compile(source);
    if (this.chars + source.length > this.maxChars) {
      this.entries.clear();
      this.chars = 0;
    }
    this.entries.set(source, compiled);
    this.chars += source.length;
    return compiled;
  }
}

const maxChars = 1_000_000;
const conditions = new CompiledBySource(compileCondition, maxChars);
const textTemplates = new CompiledBySource((source) => compileTemplate(source, "text"), maxChars);
const jsonTemplates = new CompiledBySource((source) => compileTemplate(source, "json"), maxChars);

export function compileConditionOnce(source: string): CompiledCondition {
  return conditions.get(source);
}

export function compileTemplateOnce(source: string, mode: TemplateMode): CompiledTemplate {
  return (mode === "json" ? jsonTemplates : textTemplates).get(source);
}
