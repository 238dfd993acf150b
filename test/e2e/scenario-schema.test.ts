// The JSON Schema of scenario files (`oneoffice test --print-schema`, shipped as
// dist/scenario.schema.json), read by a JSON Schema validator that is not our build's compiled
// code (ajv at run time, draft-07 as the YAML language server reads it): the examples are valid,
// files with a misspelled param, a wrong type, an unknown step key or method are not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

let validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let printed: string;

beforeAll(async () => {
  const result = await runCli(['test', '--print-schema']);
  expect(result.code).toBe(0);
  printed = result.stdout;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  validate = ajv.compile(JSON.parse(printed));
});

/** The validator's errors for a scenario file's text: where and what, or [] when it is valid. */
function errors(yaml: string): Array<{ at: string; message: string }> {
  if (validate(load(yaml))) return [];
  return (validate.errors ?? []).map((error) => ({ at: error.instancePath, message: `${error.message ?? ''}${error.params['additionalProperty'] ? ` ${String(error.params['additionalProperty'])}` : ''}` }));
}

const STEP = (extra: string) => `steps:\n  - call: createUser\n    params: { email: "u-{{ run.id }}@example.com"${extra} }\n`;

describe('the JSON Schema of scenario files', () => {
  it('is printed by oneoffice test --print-schema and shipped as dist/scenario.schema.json', () => {
    expect(printed).toBe(readFileSync(join(ROOT, 'dist', 'scenario.schema.json'), 'utf8'));
    const schema = JSON.parse(printed);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.definitions.step.properties.call.enum).toContain('createUser');
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files).toContain('dist');
  });

  it('finds every file of examples/smoke valid', () => {
    const dir = join(ROOT, 'examples', 'smoke');
    const files = readdirSync(dir).filter((file) => /\.ya?ml$/.test(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect({ file, errors: errors(readFileSync(join(dir, file), 'utf8')) }).toEqual({ file, errors: [] });
  });

  it('takes a {{ }} template for a param of any type', () => {
    expect(errors(STEP(', instance: "{{ inst }}"'))).toEqual([]);
    expect(errors(STEP(', instance: 3'))).toEqual([]);
  });

  it('finds a misspelled param invalid, in the params of the method called', () => {
    expect(errors(STEP(', displayNme: Ada'))).toContainEqual({ at: '/steps/0/params', message: 'must NOT have additional properties displayNme' });
  });

  it('finds a param of the wrong type invalid', () => {
    expect(errors(STEP(', instance: many'))).toContainEqual({ at: '/steps/0/params/instance', message: 'must be integer' });
  });

  it('finds an unknown step key, an unknown method and a wrong expect invalid', () => {
    expect(errors(`${STEP('')}    expects: { status: 200 }\n`)).toContainEqual({ at: '/steps/0', message: 'must NOT have additional properties expects' });
    expect(errors('steps:\n  - call: creatUser\n')).toContainEqual({ at: '/steps/0/call', message: 'must be equal to one of the allowed values' });
    expect(errors(`${STEP('')}    expect: { status: 700, duration: { lt: soon } }\n`)).toEqual(
      expect.arrayContaining([{ at: '/steps/0/expect/status', message: 'must be <= 599' }, { at: '/steps/0/expect/duration/lt', message: 'must be number' }]),
    );
  });

  it('finds a misspelled matcher and a retry-until beyond its bounds invalid, as oneoffice test refuses them', () => {
    expect(errors(`${STEP('')}    expect: { body: { isActive: { equal: true } } }\n`)).toContainEqual({ at: '/steps/0/expect/body/isActive', message: 'must NOT have additional properties equal' });
    expect(errors(`${STEP('')}    expect: { body: { isActive: { equals: true }, profile: {} } }\n`)).toEqual([]);
    expect(errors(`${STEP('')}    retry-until: { interval: 0, timeout: 1e15 }\n`)).toEqual(
      expect.arrayContaining([{ at: '/steps/0/retry-until/interval', message: 'must be >= 10' }, { at: '/steps/0/retry-until/timeout', message: 'must be <= 86400000' }]),
    );
  });
});
