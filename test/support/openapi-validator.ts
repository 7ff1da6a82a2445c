import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates HTTP responses against the project's OpenAPI subset, keyed by
 * (method, path template, status). Built once per spec file; schemas compile lazily.
 *
 * Statuses an operation does not declare are still checked, against the envelope the API uses
 * for them (sensay-api.md §3.3 tells clients to expect 401/429/500 even where undeclared):
 * 404 → ErrorNotFound, 429 → ErrorUsageLimitExceeded, 500 → ErrorInternal, other 4xx/5xx →
 * ErrorWithCode; a 5xx may also be a non-JSON gateway page. Paths outside the spec (the
 * simulator's signed upload URLs) get the same treatment for errors; their 2xx bodies are free.
 */
export interface ResponseToCheck {
  method: string;
  /** A concrete path (`/v1/replicas/…/knowledge-base/7`); a full URL is accepted too. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
}

export type ValidationResult =
  | { ok: true; operation: string | null; declared: boolean }
  | { ok: false; operation: string | null; errors: string[] };

type OpenApiDoc = {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  components: { schemas: Record<string, object> };
};

type Template = { template: string; regex: RegExp; literals: number };

export const DEFAULT_SPEC = fileURLToPath(new URL('../../openapi/knowledge-base.openapi.json', import.meta.url));

export class OpenApiValidator {
  readonly #doc: OpenApiDoc;
  readonly #ajv: Ajv;
  readonly #templates: Template[];
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(specPath: string = DEFAULT_SPEC) {
    this.#doc = JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDoc;
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#templates = Object.keys(this.#doc.paths)
      .map((template) => ({
        template,
        regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      }))
      .sort((a, b) => b.literals - a.literals);
  }

  /** The path template a concrete path belongs to, or null when it is outside the spec. */
  templateOf(path: string): string | null {
    const pathname = path.startsWith('http') ? new URL(path).pathname : (path.split('?')[0] ?? path);
    return this.#templates.find((t) => t.regex.test(pathname))?.template ?? null;
  }

  validate(response: ResponseToCheck): ValidationResult {
    const method = response.method.toLowerCase();
    const template = this.templateOf(response.path);
    const operation = template && this.#doc.paths[template]?.[method] ? `${method.toUpperCase()} ${template}` : null;
    const declaredResponse = operation && template ? this.#doc.paths[template]?.[method]?.responses?.[String(response.status)] : undefined;
    const isJson = /^application\/json\b/i.test(response.contentType ?? '');

    if (declaredResponse) {
      const schema = declaredResponse.content?.['application/json']?.schema;
      if (!schema) return { ok: true, operation, declared: true };
      if (!isJson || response.body === undefined) {
        return { ok: false, operation, errors: [`expected an application/json body, got content-type ${response.contentType ?? '(none)'}`] };
      }
      return this.#check(`${operation} ${response.status}`, schema, response.body, operation, true);
    }
    if (response.status < 400) {
      if (operation) return { ok: false, operation, errors: [`status ${response.status} is not declared for ${operation}`] };
      return { ok: true, operation, declared: false };
    }
    if (!isJson) {
      if (response.status >= 500) return { ok: true, operation, declared: false };
      return { ok: false, operation, errors: [`error ${response.status} without a JSON envelope (content-type ${response.contentType ?? '(none)'})`] };
    }
    const envelope = fallbackEnvelope(response.status);
    return this.#check(`envelope ${envelope}`, { $ref: `#/components/schemas/${envelope}` }, response.body, operation, false);
  }

  /** Throws with every schema error listed; the test fails where the bad response arrived. */
  assertValid(response: ResponseToCheck): void {
    const result = this.validate(response);
    if (!result.ok) {
      const where = `${response.method.toUpperCase()} ${response.path} → ${response.status}`;
      throw new Error(`OpenAPI violation (${result.operation ?? 'outside the spec'}): ${where}\n  ${result.errors.join('\n  ')}\nbody: ${JSON.stringify(response.body)?.slice(0, 2000)}`);
    }
  }

  #check(key: string, schema: object, body: unknown, operation: string | null, declared: boolean): ValidationResult {
    let validate = this.#compiled.get(key);
    if (!validate) {
      // Each schema is compiled with the components beside it so local `#/components/…` refs resolve.
      validate = this.#ajv.compile({ ...schema, components: this.#doc.components });
      this.#compiled.set(key, validate);
    }
    if (validate(body)) return { ok: true, operation, declared };
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return { ok: false, operation, errors };
  }
}

function fallbackEnvelope(status: number): string {
  if (status === 404) return 'ErrorNotFound';
  if (status === 429) return 'ErrorUsageLimitExceeded';
  if (status === 500) return 'ErrorInternal';
  return 'ErrorWithCode';
}

let shared: OpenApiValidator | undefined;
/** One validator per test file; compiling the schemas once keeps the suite fast. */
export function sharedValidator(): OpenApiValidator {
  return (shared ??= new OpenApiValidator());
}
