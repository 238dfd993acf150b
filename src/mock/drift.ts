// Drift: where an answer of the real API differs from our reading of its docs. A success must be
// JSON matching the method's response schema ("x-response"); an error must be a JSON string, as
// the docs say. Each difference is one line naming the method, the field, what the schema says
// and what came; the answer itself is never changed.
import type { Registry } from '../api/schema/registry.js';
import { answerProblems, loadResponseSchema, type ResponseSchema } from '../api/schema/responses.js';

/** The differences of one answer from the docs; empty when it is as documented. `mask`: the secrets masked in the values they quote. */
export type DriftCheck = (method: string, status: number, body: string, mask?: (text: string) => string) => string[];

/** Loads every method's response validator up front, so no answer waits on a load. */
export async function loadDriftCheck(registry: Registry, methods: readonly string[]): Promise<DriftCheck> {
  const schemas = new Map<string, ResponseSchema>();
  for (const name of methods) {
    const method = registry.get(name);
    const schema = method ? await loadResponseSchema(method) : undefined;
    if (schema) schemas.set(name, schema);
  }
  return (method, status, body, mask) => answerProblems(schemas.get(method), status, body, mask);
}
