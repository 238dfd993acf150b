// The CLI against `oneoffice mock` running as a real process: the docs' examples in lifecycle
// order, then every documented error. The tests in this file share one server and run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMockProcesses, runCliAgainst, startMockProcess, type MockProcess } from '../helpers/mock-process.js';
import { NO_POSIX_SIGNALS } from '../helpers/platform.js';

const TOKEN = 'mock-cli-test-token-0123456789';
const DUPLICATE = 'duplicate key value violates unique constraint "users_email"';
const USER_KEYS = [
  'email', 'displayName', 'profile', 'isAdmin', 'apps', 'createdAt', 'settings', 'values', 'id', 'mainCalendar',
  'inbox', 'spam', 'sent', 'trashEmail', 'drafts', 'rootFiles', 'trashFiles', 'instance', 'isActive',
];

let mock: MockProcess;
const cli = (...args: string[]) => runCliAgainst(mock, args);
const params = (value: unknown) => ['--params', JSON.stringify(value)];
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  mock = await startMockProcess(['--port', '0', '--token', TOKEN]);
});
afterAll(killMockProcesses);

describe('the docs examples, in lifecycle order', () => {
  it('createCustomer answers the documented object (newer version: string ids, onboarding url)', async () => {
    const result = await cli('createCustomer', ...params({ id: 'ABC', name: 'ABC Company', admin: { email: 'test3@example.com', phone: '111111111', displayName: 'Isa Aswath' } }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const customer = JSON.parse(result.stdout);
    expect(Object.keys(customer)).toEqual(['name', 'partner', 'createdAt', 'id', 'isActive', 'admin', 'remoteId', 'url']);
    expect(customer).toMatchObject({ name: 'ABC Company', isActive: true, admin: { email: 'test3@example.com' }, remoteId: 'ABC' });
    expect(customer.partner).toMatch(/^\w+$/);
    expect(customer.id).toMatch(/^\w+$/);
    expect(customer.url).toBe(`${mock.url}onboarding/${customer.id}`);
    expect(Math.abs(customer.createdAt - nowSeconds())).toBeLessThan(60);
  });

  it('createFirstOrder stores the first order and answers it', async () => {
    const result = await cli('createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly');
    expect(result.code).toBe(0);
    const order = JSON.parse(result.stdout);
    expect(order).toEqual({ id: 'ORD1', type: 'first', customer: 'ABC', product: 'oo-lite', licenses: 20, duration: 'monthly', createdAt: expect.any(Number) });
  });

  it('createRenewalOrder renews the first order, keeping its terms', async () => {
    const result = await cli('createRenewalOrder', '--parent', 'ORD1', '--id', 'ORD2');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      id: 'ORD2', type: 'renewal', customer: 'ABC', parent: 'ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly', createdAt: expect.any(Number),
    });
  });

  it("createUser with the seed's example answers the documented user object", async () => {
    const result = await cli('call', 'createUser', ...params({ email: 'test1@oneoffice.bh' }));
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout);
    expect(Object.keys(user)).toEqual(USER_KEYS);
    expect(user).toMatchObject({
      email: 'test1@oneoffice.bh',
      displayName: 'New User',
      profile: { uid: null, title: null, department: null, location: null, phones: [], grade: null },
      isAdmin: false,
      apps: '{0,0,0}',
      settings: '{84,213,10,92}',
      values: { notificationReminder: 3, timezone: null, editorTemplates: null },
      id: 1,
      instance: 1,
      isActive: true,
    });
  });

  it("createUser with the docs' re-create example (email and password) never echoes the password", async () => {
    const result = await cli('call', 'createUser', ...params({ email: 'none2@test.oneoffice.ca', password: 'hunter2-secret' }));
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('hunter2-secret');
    expect(JSON.parse(result.stdout)).toMatchObject({ email: 'none2@test.oneoffice.ca', id: 2 });
  });

  it('createUser with every parameter (consumer page: instance 1)', async () => {
    const result = await cli('createUser', '--email', 'consumer@oneoffice.bh', '--instance', '7', '--display-name', 'Con Sumer', '--password', 'pa55-secret');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('pa55-secret');
    const user = JSON.parse(result.stdout);
    expect(user).toMatchObject({ email: 'consumer@oneoffice.bh', displayName: 'Con Sumer', instance: 7, id: 3 });
    // Each user's folders are its own objects.
    expect(user.inbox).not.toBe(JSON.parse((await cli('getUserByEmail', '--email', 'test1@oneoffice.bh')).stdout).inbox);
  });

  it('updateUserByEmail disables the user and answers true', async () => {
    const result = await cli('updateUserByEmail', '--email', 'test1@oneoffice.bh', '--is-active', 'false');
    expect(result).toMatchObject({ code: 0, stdout: 'true', stderr: '' });
  });

  it('getUserByEmail answers the user, with isActive reflecting the update', async () => {
    const result = await cli('getUserByEmail', '--email', 'test1@oneoffice.bh');
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout);
    expect(Object.keys(user)).toEqual(USER_KEYS);
    expect(user).toMatchObject({ email: 'test1@oneoffice.bh', id: 1, isActive: false });
  });

  it('resetPasswordByEmail answers true', async () => {
    const result = await cli('resetPasswordByEmail', '--email', 'test1@oneoffice.bh', '--password', 'onemoretime');
    expect(result).toMatchObject({ code: 0, stdout: 'true', stderr: 'oneoffice: warning: a secret given with --password is visible to other local users (ps); prefer --params @file or --params - (stdin)\n' });
    expect(JSON.parse((await cli('getUserByEmail', '--email', 'test1@oneoffice.bh')).stdout)).not.toHaveProperty('password');
  });
});

describe('the documented errors', () => {
  it('a duplicate createUser: exit 4, the documented message as the body and on stderr', async () => {
    const result = await cli('createUser', '--email', 'test1@oneoffice.bh');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify(DUPLICATE));
    expect(result.stderr).toBe(`oneoffice: server answered 400 Bad Request: ${DUPLICATE}\n`);
  });

  it('e-mail addresses are unique regardless of case', async () => {
    const result = await cli('createUser', '--email', 'TEST1@OneOffice.bh');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify(DUPLICATE));
  });

  it('a wrong token: 401, exit 4', async () => {
    const result = await runCliAgainst(mock, ['getUserByEmail', '--email', 'test1@oneoffice.bh'], 'not-the-token');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('"invalid API key"');
    expect(result.stderr).toBe('oneoffice: server answered 401 Unauthorized: invalid API key\n');
  });

  it('the same customer id twice', async () => {
    const result = await cli('createCustomer', '--id', 'ABC', '--name', 'Other', '--admin.email', 'other@example.com');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('customer "ABC" already exists'));
  });

  it('a first order for an unknown customer', async () => {
    const result = await cli('createFirstOrder', '--customer', 'NOPE', '--id', 'ORD9', '--product', 'oo-std', '--licenses', '5', '--duration', 'yearly');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('unknown customer "NOPE": create it with createCustomer first'));
  });

  it('the same order id twice is refused, for first and renewal orders alike', async () => {
    const first = await cli('createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-ent', '--licenses', '99', '--duration', 'yearly');
    expect(first.code).toBe(4);
    expect(first.stdout).toBe(JSON.stringify('order "ORD1" already exists'));
    const renewal = await cli('createRenewalOrder', '--parent', 'ORD1', '--id', 'ORD2');
    expect(renewal.code).toBe(4);
    expect(renewal.stdout).toBe(JSON.stringify('order "ORD2" already exists'));
    const renewalWithFirstId = await cli('createRenewalOrder', '--parent', 'ORD1', '--id', 'ORD1');
    expect(renewalWithFirstId.code).toBe(4);
  });

  it('a renewal of an unknown parent order', async () => {
    const result = await cli('createRenewalOrder', '--parent', 'MISSING', '--id', 'ORD3');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('unknown parent order "MISSING": it must be a first order\'s id'));
    expect(result.stderr).toContain('server answered 400 Bad Request: unknown parent order "MISSING"');
  });

  it('a renewal whose parent is itself a renewal', async () => {
    const result = await cli('createRenewalOrder', '--parent', 'ORD2', '--id', 'ORD3');
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('parent order "ORD2" is a renewal: renewals name the first order ("ORD1") as parent'));
  });

  it.each([
    ['getUserByEmail', []],
    ['updateUserByEmail', ['--is-active', 'true']],
    ['resetPasswordByEmail', ['--password', 'whatever-secret']],
  ])('%s with an unknown e-mail', async (method, extra) => {
    const result = await cli(method, '--email', 'nobody@oneoffice.bh', ...extra);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('no user with e-mail "nobody@oneoffice.bh"'));
  });

  it('params the schema rejects get 400 with the same messages the client gives, secrets hidden', async () => {
    const result = await cli('call', 'createUser', '--no-validate', ...params({ email: 'not-an-email', password: 987654321, nickname: 'x' }));
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toBe('unknown parameter "nickname"; "email": must be an e-mail address (got "not-an-email"); "password": must be a string (got "****")');
    expect(result.stdout + result.stderr).not.toContain('987654321');
  });

  it('an unknown method (sent on purpose with --no-validate: the client refuses a near miss)', async () => {
    const result = await cli('call', 'createUsr', '--no-validate', ...params({ email: 'a@b.cd' }));
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(JSON.stringify('unknown method "createUsr" (did you mean "createUser"?)'));
  });
});

describe('the call log', () => {
  it.skipIf(NO_POSIX_SIGNALS)('has one line per call (method, status, time) and never the token or a password; SIGTERM exits 0', async () => {
    expect(await mock.stop('SIGTERM')).toBe(0);
    const lines = mock.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe(`oneoffice mock: serving ${mock.url}; Ctrl-C stops it`);
    expect(lines.at(-1)).toBe('oneoffice mock: stopped');
    const calls = lines.slice(1, -1);
    for (const line of calls) expect(line).toMatch(/^(\w+|-) \d{3} \d+\.\dms(: .+)?$/);
    expect(calls.filter((line) => line.startsWith('createUser 200 '))).toHaveLength(3);
    expect(calls.filter((line) => /^getUserByEmail 401 \S+ms: invalid API key$/.test(line))).toHaveLength(1);
    expect(calls.some((line) => line.startsWith('createUser 400 ') && line.endsWith(`: ${DUPLICATE}`))).toBe(true);
    const log = mock.stderr();
    for (const secret of [TOKEN, 'hunter2-secret', 'pa55-secret', 'onemoretime', 'whatever-secret', '987654321']) expect(log).not.toContain(secret);
  });
});
