import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * A small real HTTP server for client tests, strict where the OpenAPI subset is strict.
 *
 * Every request is recorded (exact header names included) before anything else. With `secret`
 * set, requests under /v1/ must then pass what a strict implementation of
 * openapi/knowledge-base.openapi.json would demand — the secret (401), `X-API-Version` (400),
 * a JSON content type on bodies (415), known query parameters and valid values, request bodies
 * valid against the schema including `additionalProperties: false` (400) — before the scripted
 * reply for the route is sent. Without `secret` (e.g. as a signed-URL storage origin) nothing is
 * checked. Scripted JSON replies to known operations are checked against the response schema;
 * mismatches are collected in `responseProblems` so a test can prove its fixtures are realistic.
 */

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Header names exactly as sent on the wire, with their values. */
  rawHeaders: Array<[name: string, value: string]>;
  body: Buffer;
  sha256: string;
}

export type StubReply =
  | { status: number; json?: unknown; body?: string | Buffer; headers?: Record<string, string> }
  /** Read the request in full, then drop the connection without answering (a reset after sending). */
  | { destroy: true }
  /** Read the request and never answer (a timeout). */
  | { hang: true };

export type StubResponder = StubReply | ((request: RecordedRequest) => StubReply | Promise<StubReply>);

export interface StrictStubOptions {
  secret?: string;
  apiVersion?: string;
  /** Default 0 (any free port); a test may re-open a port it just closed. */
  port?: number;
}

export interface StrictStubServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly responseProblems: string[];
  /** Replies are used in order; the last one repeats. A later route for the same key replaces it. */
  route(method: string, path: string | RegExp, ...replies: StubResponder[]): void;
  /** Requests matching a method and a path (string = exact path). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOperation>>; components: unknown };
type OpenApiParameter = { name: string; in: string; required?: boolean; schema: Record<string, unknown> };
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type Operation = { template: string; pattern: RegExp; method: string; op: OpenApiOperation };

const doc = JSON.parse(
  readFileSync(new URL('../../openapi/knowledge-base.openapi.json', import.meta.url), 'utf8'),
) as OpenApiDoc;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<object, ValidateFunction>();
const operations: Operation[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
    method: method.toUpperCase(),
    op,
  })),
);

export async function startStrictStubServer(options: StrictStubOptions = {}): Promise<StrictStubServer> {
  const requests: RecordedRequest[] = [];
  const responseProblems: string[] = [];
  const routes: Array<{ method: string; path: string | RegExp; replies: StubResponder[]; used: number }> = [];
  let requestCounter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stub failure: ${String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://stub');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawHeaders: pairs(req.rawHeaders),
      body,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    requests.push(recorded);
    const requestId = `stub-${++requestCounter}`;
    const operation = operations.find((o) => o.method === recorded.method && o.pattern.test(recorded.path));

    if (options.secret !== undefined && recorded.path.startsWith('/v1/')) {
      const refusal = strictCheck(recorded, operation, options, requestId);
      if (refusal) return send(res, refusal, undefined);
    }

    const route = [...routes].reverse().find((r) => r.method === recorded.method && matches(r.path, recorded.path));
    if (!route) {
      return send(res, { status: 404, json: { success: false, error: `stub: nothing scripted for ${recorded.method} ${recorded.path}`, request_id: requestId } }, undefined);
    }
    const responder = route.replies[Math.min(route.used++, route.replies.length - 1)];
    const reply = typeof responder === 'function' ? await responder(recorded) : responder;
    if (!reply) throw new Error('route without replies');
    send(res, reply, operation);
  }

  function send(res: ServerResponse, reply: StubReply, operation: Operation | undefined): void {
    if ('hang' in reply) return;
    if ('destroy' in reply) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | Buffer = reply.body ?? '';
    if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json';
      if (operation) checkResponse(operation, reply.status, reply.json, responseProblems);
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    responseProblems,
    route(method, path, ...replies) {
      if (replies.length === 0) throw new Error('route() needs at least one reply');
      routes.push({ method: method.toUpperCase(), path, replies, used: 0 });
    },
    requestsTo(method, path) {
      return requests.filter((r) => r.method === method.toUpperCase() && matches(path, r.path));
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function strictCheck(request: RecordedRequest, operation: Operation | undefined, options: StrictStubOptions, requestId: string): StubReply | undefined {
  const refuse = (status: number, error: string, code?: string): StubReply => ({
    status,
    json: { success: false, error, ...(code ? { error_code: code } : {}), request_id: requestId },
  });
  // Every operation of the subset accepts the org secret; the list GET declares no security,
  // and sensay-api.md says to treat it like the others.
  if (request.headers['x-organization-secret'] !== options.secret) return refuse(401, 'Unauthorized', 'UNAUTHORIZED');
  if (options.apiVersion !== undefined && request.headers['x-api-version'] !== options.apiVersion) {
    return refuse(400, `X-API-Version must be ${options.apiVersion}`, 'INVALID_API_VERSION');
  }
  if (!operation) return { status: 404, json: { success: false, error: 'Not found', request_id: requestId } };

  const problems: string[] = [];
  const pathValues = operation.pattern.exec(request.path)?.slice(1) ?? [];
  const pathNames = [...operation.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const declared = operation.op.parameters ?? [];
  for (const param of declared) {
    if (param.in === 'path') {
      const value = pathValues[pathNames.indexOf(param.name)];
      checkValue(param, value === undefined ? undefined : decodeURIComponent(value), problems);
    } else if (param.in === 'query') {
      const values = request.query.getAll(param.name);
      if (values.length > 0) checkValue(param, values.join(','), problems);
      else if (param.required) problems.push(`query ${param.name} is required`);
    }
  }
  for (const name of new Set(request.query.keys())) {
    if (!declared.some((p) => p.in === 'query' && p.name === name)) problems.push(`unknown query parameter ${name}`);
  }

  const bodySchema = operation.op.requestBody?.content['application/json']?.schema;
  if (request.body.length > 0 || bodySchema) {
    if (request.body.length > 0 && !/^application\/json(\s*;|$)/i.test(request.headers['content-type'] ?? '')) {
      return refuse(415, 'Content-Type must be application/json', 'UNSUPPORTED_MEDIA_TYPE');
    }
    if (bodySchema && request.body.length > 0) {
      let json: unknown;
      try {
        json = JSON.parse(request.body.toString('utf8'));
      } catch {
        return refuse(400, 'Body is not valid JSON', 'INVALID_JSON');
      }
      const validate = validatorFor(bodySchema);
      if (!validate(json)) problems.push(`body ${describe(validate)}`);
    }
  }
  return problems.length > 0 ? refuse(400, problems.join('; '), 'VALIDATION_ERROR') : undefined;
}

/** Query and path values arrive as strings; shape them the way the parameter's schema expects. */
function checkValue(param: OpenApiParameter, raw: string | undefined, problems: string[]): void {
  if (raw === undefined) {
    if (param.required) problems.push(`${param.in} ${param.name} is required`);
    return;
  }
  const schema = resolve(param.schema);
  let value: unknown = raw;
  if (schema['type'] === 'array') value = raw.split(',');
  else if (schema['type'] === 'integer' || schema['type'] === 'number') value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  const validate = validatorFor(param.schema);
  if (!validate(value)) problems.push(`${param.in} ${param.name} ${describe(validate)}`);
}

function checkResponse(operation: Operation, status: number, json: unknown, problems: string[]): void {
  const schema = operation.op.responses?.[String(status)]?.content?.['application/json']?.schema;
  if (!schema) return;
  const validate = validatorFor(schema);
  if (!validate(json)) problems.push(`${operation.method} ${operation.template} ${status}: ${describe(validate)}`);
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}${extra ? `: ${extra}` : ''}`;
    })
    .join(', ');
}

/** The schema that decides a parameter's type, through `$ref` and `allOf: [{$ref}, {nullable}]`. */
function resolve(schema: Record<string, unknown>): Record<string, unknown> {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas[name] ?? schema;
  }
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) {
    for (const member of allOf as Array<Record<string, unknown>>) {
      const resolved = resolve(member);
      if (resolved['type'] !== undefined) return resolved;
    }
  }
  return schema;
}

/** OpenAPI 3.0 `nullable` → JSON Schema: `type: [T, "null"]`; a bare `{ nullable: true }` adds nothing. */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (key !== 'nullable') out[key] = toJsonSchema(inner);
  const source = value as Record<string, unknown>;
  if (source['nullable'] === true && typeof source['type'] === 'string') {
    out['type'] = [source['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
  }
  return out;
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // Local $refs point at #/components/…: carry the components along so they resolve.
    validate = ajv.compile(toJsonSchema({ ...schema, components: doc.components }) as Record<string, unknown>);
    validators.set(schema, validate);
  }
  return validate;
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
