// The JSON Schema of `oneoffice test` scenario files, made at build time from the method schemas:
// editors with the YAML language server validate and complete methods and params while a file is
// written (`# yaml-language-server: $schema=...`). Each `call:` value brings its own `params`
// shape. Any value may be a `{{ }}` template instead (filled before the step is sent, then checked
// by oneoffice itself), so every param also takes a string holding one. Keys and shapes follow
// src/scenario/format.ts and expect-spec.ts; oneoffice's own check stays the authority.

const TEMPLATE = { type: 'string', pattern: '\\{\\{[^}]*\\}\\}', description: 'a {{ }} template, filled in before the step is sent' };
const NAME = '^[A-Za-z_][\\w-]*$';
const MATCHER_OPS = {
  equals: { description: 'equal (same JSON type)' },
  matches: { type: 'string', description: 'a regular expression the string matches' },
  exists: { type: 'boolean' },
  type: { enum: ['string', 'number', 'boolean', 'array', 'object', 'null'] },
  lt: { type: ['number', 'string'] },
  le: { type: ['number', 'string'] },
  gt: { type: ['number', 'string'] },
  ge: { type: ['number', 'string'] },
  length: { type: 'number' },
};
const MS = { type: 'number', minimum: 0, description: 'milliseconds' };
/** retry-until's bounds (expect-spec.ts): a pause of at least 10 ms, and neither more than a day. */
const DAY_MS = 86_400_000;
const RETRY_UNTIL = {
  interval: { type: 'number', minimum: 10, maximum: DAY_MS, description: 'milliseconds between attempts (10 to a day)' },
  timeout: { type: 'number', exclusiveMinimum: 0, maximum: DAY_MS, description: 'milliseconds in all (at most a day)' },
};

/** A method's params schema, each value also taking a template; our own keywords (x-*) and ids left out. */
function templated(schema) {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || key === '$id' || key === '$schema') continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, { anyOf: [templated(sub), TEMPLATE] }]));
    else if (key === 'items' || key === 'additionalProperties') out[key] = typeof value === 'object' ? { anyOf: [templated(value), TEMPLATE] } : value;
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') out[key] = value.map(templated);
    else out[key] = value;
  }
  return out;
}

/** `methods`: each built-in method's name and schema (schemas/*.json). */
export function scenarioSchema(methods) {
  const names = Object.keys(methods).sort();
  const definitions = {
    step: {
      type: 'object',
      description: 'One API call, its expectations and captures.',
      additionalProperties: false,
      required: ['call'],
      properties: {
        name: { type: 'string', description: 'shown in output and reports; defaults to the method' },
        call: { enum: names, description: 'the API method' },
        params: { type: 'object', description: "the method's params" },
        expect: { $ref: '#/definitions/expect' },
        capture: {
          type: 'object',
          description: 'variables for later steps: NAME: a JMESPath query on the answer',
          propertyNames: { pattern: NAME },
          additionalProperties: { type: 'string' },
        },
        'retry-until': {
          description: 'repeat the step until its expect holds',
          anyOf: [{ type: 'boolean' }, { type: 'object', additionalProperties: false, properties: RETRY_UNTIL }],
        },
      },
      allOf: names.map((name) => ({
        if: { properties: { call: { const: name } }, required: ['call'] },
        then: { properties: { params: { $ref: `#/definitions/params-${name}` } } },
      })),
    },
    expect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'integer', minimum: 100, maximum: 599, description: 'default: any 2xx' },
        body: { type: 'object', description: 'JMESPath query on the answer: a value (equal) or conditions', additionalProperties: { $ref: '#/definitions/matcher' } },
        error: { $ref: '#/definitions/matcher', description: "on the server's error message" },
        duration: { type: 'object', additionalProperties: false, minProperties: 1, properties: { lt: MS, le: MS, gt: MS, ge: MS } },
        schema: { type: 'boolean', description: "check the answer against the method's response schema (default true)" },
      },
    },
    matcher: {
      description: 'a plain value (equal), or conditions that must all hold: a mapping holds only operators (an object is compared with { equals: {...} }; {} is the empty object)',
      anyOf: [{ type: 'object', additionalProperties: false, minProperties: 1, properties: MATCHER_OPS }, { not: { type: 'object' } }, { type: 'object', maxProperties: 0 }],
    },
    ...Object.fromEntries(names.map((name) => [`params-${name}`, templated(methods[name])])),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://oneoffice.local/schemas/scenario.json',
    title: 'oneoffice test scenario',
    description: 'A scenario file of `oneoffice test`: steps of API calls with expectations on their answers.',
    type: 'object',
    additionalProperties: false,
    required: ['steps'],
    properties: {
      name: { type: 'string', description: 'defaults to the file name' },
      vars: { type: 'object', description: '{{ name }} in any string; run.id and env.NAME are built in', propertyNames: { pattern: NAME } },
      steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
    },
    definitions,
  };
}
