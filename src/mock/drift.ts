// Drift: where an answer of the real API differs from our reading of its docs. A success must be
// JSON matching the method's response schema ("x-response"); an error must be a JSON string, as
// the docs say. Each difference is one line naming the method, the field, what the schema says
// and what came; the answer itself is never changed.
import { readJson } from '../api/json.js';
import { describeErrors } from '../api/schema/messages.js';
import type { Registry } from '../api/schema/registry.js';
import { loadResponseSchema, type ResponseSchema } from '../api/schema/responses.js';

/** The differences of one answer from the docs; empty when it is as documented. */
export type DriftCheck = (method: string, status: number, body: string) => string[];

/** Loads every method's response validator up front, so no answer waits on a load. */
export async function loadDriftCheck(registry: Registry, methods: readonly string[]): Promise<DriftCheck> {
  const schemas = new Map<string, ResponseSchema>();
  for (const name of methods) {
    const method = registry.get(name);
    const schema = method ? await loadResponseSchema(method) : undefined;
    if (schema) schemas.set(name, schema);
  }
  return (method, status, body) => answerDrift(schemas.get(method), status, body);
}

export function answerDrift(response: ResponseSchema | undefined, status: number, body: string): string[] {
  const read = body === '' ? undefined : readJson(body);
  if (status < 200 || status >= 300) {
    if (read?.ok && typeof read.value === 'string') return [];
    return [`an error answer must be a JSON string (got ${read === undefined ? 'an empty body' : read.ok ? kindOf(read.value) : 'a body that is not JSON'})`];
  }
  if (read === undefined) return ['the answer is empty (the docs give JSON)'];
  if (!read.ok) return ['the answer is not JSON'];
  if (!response || response.validate(read.value)) return [];
  const lines = describeErrors(response.validate.errors ?? [], response.schema, read.value, (path) => `body.${path.join('.')}`);
  // describeErrors calls the whole value "params".
  return lines.map((line) => line.replace(/^params:/, 'body:'));
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
