// The answers' validators are compiled at build time (scripts/build.mjs) so `oneoffice test` never
// loads ajv; they must give the verdicts ajv gives at run time, formats (uri, email) included.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { builtinResponses, builtinResponseValidators } from '../../src/generated/responses.js';
import { builtinSchemas } from '../../src/generated/builtin.js';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** Answers of every shape a server might send: right, wrong types, missing fields, bad formats. */
const SAMPLES: unknown[] = [
  null,
  true,
  false,
  'text',
  [],
  {},
  { id: 1 },
  { id: 'x' },
  { id: 1, email: 'a@example.com' },
  { id: 1, email: 'not an e-mail' },
  { id: 1, email: 'a@example.com', isActive: true },
  { id: 1, email: 'a@example.com', isActive: 'yes' },
  { id: 1, remoteId: 'C-1', name: 'ACME', url: 'https://acme.example.com/', partner: null },
  { id: 1, remoteId: 'C-1', name: 'ACME', url: 'not a uri', partner: null },
  { id: 1, remoteId: 'C-1', name: 'ACME', url: 'https://acme.example.com/', partner: 7 },
];

describe('precompiled response validators', () => {
  it('exist for every built-in method that documents its answer', () => {
    expect(Object.keys(builtinResponseValidators).sort()).toEqual(Object.keys(builtinResponses).sort());
    expect(Object.keys(builtinResponses).sort()).toEqual(Object.keys(builtinSchemas).sort());
  });

  it.each(Object.keys(builtinResponses))("%s: agree with ajv compiling the schema at run time, on valid and invalid answers", async (method) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const atRunTime = ajv.compile(builtinResponses[method] as object);
    const precompiled = await (builtinResponseValidators[method] as () => Promise<(data: unknown) => boolean>)();
    const samples = [...SAMPLES, ...examplesOf(builtinResponses[method])];
    const verdicts = samples.map((sample) => ({ sample, valid: precompiled(sample) }));
    expect(verdicts).toEqual(samples.map((sample) => ({ sample, valid: atRunTime(sample) })));
    // At least one sample passes and one fails, so the comparison means something.
    expect(new Set(verdicts.map(({ valid }) => valid))).toEqual(new Set([true, false]));
  });
});

type Schema = { const?: unknown; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; format?: string; enum?: unknown[]; required?: string[] };

/** A valid answer built from the schema, then each property removed, given a wrong type, or (strings) a bad format. */
function examplesOf(schema: unknown): unknown[] {
  const valid = sampleOf(schema as Schema);
  const variants: unknown[] = [valid];
  if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) return variants;
  for (const key of Object.keys(valid)) {
    const { [key]: _removed, ...without } = valid as Record<string, unknown>;
    variants.push(without, { ...valid, [key]: { wrong: true } }, { ...valid, [key]: 'not a uri or an e-mail' });
  }
  return variants;
}

function sampleOf(schema: Schema): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sampleOf(value)]));
    case 'array':
      return schema.items ? [sampleOf(schema.items)] : [];
    case 'string':
      return schema.format === 'uri' ? 'https://acme.example.com/welcome' : schema.format === 'email' ? 'a@example.com' : 'text';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'anything';
  }
}
