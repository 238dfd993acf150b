// Help, the method list, and user schema directories that add or override methods: main() in this
// process against a recording server. What only the build makes (the pre-rendered --help, the
// version) is test/e2e/schemas-help.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: 'help-token-0123456789' }));

const BUILTIN_LIST = [
  "createCustomer        Create a customer (an organization) before its first order. No e-mails are sent, so testing is safe.",
  "createFirstOrder      Place a customer's first order (Huawei's createInstance); its id becomes the parent of later renewals.",
  "createRenewalOrder    Renew a first order (Huawei's renewInstance); each renewal has its own id.",
  'createUser            Create a user in an instance (consumer integrations).',
  'getUserByEmail        Read a user by e-mail address.',
  "resetPasswordByEmail  Change a user's password; answers true.",
  'updateUserByEmail     Disable or re-activate a user; answers true.',
];

describe('help', () => {
  it('methods lists every documented method with its summary', async () => {
    expect(await runMain(['methods'], rec.env)).toEqual({ code: 0, stdout: `${BUILTIN_LIST.join('\n')}\n`, stderr: '' });
  });

  it('--help lists the methods, commands and exit codes', async () => {
    const result = await runMain(['--help'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const name of ['createCustomer', 'createFirstOrder', 'createRenewalOrder', 'createUser', 'updateUserByEmail', 'resetPasswordByEmail', 'getUserByEmail', 'call', 'methods', 'config']) {
      expect(result.stdout).toContain(`  ${name}`);
    }
    expect(result.stdout).toMatch(/\n {2}4 +the server answered 4xx\n/);
    expect(result.stdout).toMatch(/\n {2}7 +timed out\n/);
    expect(result.stdout).toMatch(/\n {2}149 +stopped by Ctrl-Break/);
  });


  it('<method> --help shows every parameter and a full example command', async () => {
    const result = await runMain(['createFirstOrder', '--help'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        '  --product <string>  (required)',
        '      The product ordered.',
        '      one of: oo-lite, oo-std, oo-ent, erp-std, erp-admin, erp-lim',
        '      example: --product oo-lite',
        '  --licenses <integer>  (required)',
        '      Number of licenses.',
        '      limits: >= 1',
        '      example: --licenses 20',
      ].join('\n'),
    );
    // Wrapped to 80 columns (not a terminal), the command goes on four columns in.
    expect(result.stdout).toContain('Example:\n  oneoffice createFirstOrder --customer ABC --id ORD1 --product oo-lite\n      --licenses 20 --duration monthly\n');
    expect((await runMain(['help', 'createFirstOrder'], rec.env)).stdout).toBe(result.stdout);
    expect(rec.server.received).toHaveLength(0);
  });

  it('shows formats, booleans and secrets', async () => {
    const user = await runMain(['createUser', '--help'], rec.env);
    expect(user.stdout).toContain('  --email <string>  (required)\n      The user\'s e-mail address; unique.\n      format: email\n      example: --email test1@oneoffice.bh\n');
    expect(user.stdout).toContain('  --password <string>\n      The user\'s initial password.\n      secret: masked whenever a request is printed\n');
    const update = await runMain(['updateUserByEmail', '--help'], rec.env);
    expect(update.stdout).toContain('      --is-active alone means true; --is-active false or --no-is-active sends\n      false (also yes/no, on/off, 1/0)\n');
  });

  it('no command prints help on stderr and exits 2', async () => {
    const result = await runMain([], rec.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: oneoffice');
  });

});

describe('user schemas', () => {
  function schemaDir(files: Record<string, unknown>): string {
    const dir = tempDir('schemas');
    for (const [name, schema] of Object.entries(files)) writeFileSync(join(dir, name), typeof schema === 'string' ? schema : JSON.stringify(schema));
    return dir;
  }
  const listOrders = {
    description: 'List a customer\'s orders.',
    type: 'object',
    additionalProperties: false,
    required: ['customer'],
    properties: {
      customer: { type: 'string', description: 'The customer id.', examples: ['ABC'] },
      pageSize: { type: 'integer', minimum: 1, description: 'Orders per page.', examples: [50] },
    },
    examples: [{ customer: 'ABC', pageSize: 50 }],
  };

  it('a new schema file becomes a command with help and validation', async () => {
    const dir = schemaDir({ 'listOrders.json': listOrders });
    for (const how of [['--schemas', dir], []]) {
      const withEnv = how.length ? rec.env : { ...rec.env, ONEOFFICE_SCHEMAS: dir };
      const methods = await runMain(['methods', ...how], withEnv);
      expect(methods.stdout).toContain(`listOrders            List a customer's orders.  [${join(dir, 'listOrders.json')}]\n`);
      const help = await runMain(['listOrders', '--help', ...how], withEnv);
      expect(help.stdout).toContain('  --page-size <integer>\n      Orders per page.\n      limits: >= 1\n      example: --page-size 50\n');
      expect(help.stdout).toContain('oneoffice listOrders --customer ABC --page-size 50\n');
      expect(await runMain(['listOrders', '--page-size', '0', ...how], withEnv)).toEqual({
        code: 2,
        stdout: '',
        stderr: 'oneoffice: missing required --customer\noneoffice: --page-size: must be >= 1 (got 0)\n',
      });
      expect((await runMain(['listOrders', '--customer', 'ABC', '--page-size', '50', ...how], withEnv)).code).toBe(0);
    }
    expect(rec.server.received.map((r) => r.body)).toEqual(Array(2).fill('{"method":"listOrders","params":{"customer":"ABC","pageSize":50}}'));
  });

  it('the config file can name the schema directory', async () => {
    const dir = schemaDir({ 'listOrders.json': listOrders });
    await runMain(['config', 'set', 'schemas', dir], rec.env);
    expect((await runMain(['listOrders', '--customer', 'ABC'], rec.env)).code).toBe(0);
  });

  it('a schema file overrides a built-in method', async () => {
    const createUser = { description: 'Create a user (stricter).', type: 'object', additionalProperties: false, required: ['email', 'displayName'], properties: { email: { type: 'string', format: 'email' }, displayName: { type: 'string' } } };
    const dir = schemaDir({ 'createUser.json': createUser });
    expect(await runMain(['createUser', '--email', 'a@b.co', '--schemas', dir], rec.env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: missing required --display-name\n' });
    expect(rec.server.received).toHaveLength(0);
  });

  it('a broken schema file is a configuration error naming the file', async () => {
    const dir = schemaDir({ 'listOrders.json': '{"type": "object",' });
    const result = await runMain(['methods', '--schemas', dir], rec.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: schema ${join(dir, 'listOrders.json')}: .+\\n$`));
    const invalid = schemaDir({ 'listOrders.json': { type: 'object', properties: { a: { type: 'strin' } } } });
    const call = await runMain(['listOrders', '--a', 'x', '--schemas', invalid], rec.env);
    expect(call.code).toBe(3);
    expect(call.stderr).toMatch(new RegExp(`^oneoffice: schema ${join(invalid, 'listOrders.json')}: .+\\n$`));
  });

  it('a missing schema directory is a configuration error', async () => {
    expect(await runMain(['methods', '--schemas', '/nonexistent/schemas'], rec.env)).toEqual({ code: 3, stdout: '', stderr: 'oneoffice: cannot read schema directory /nonexistent/schemas: ENOENT\n' });
  });
});
