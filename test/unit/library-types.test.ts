// The library as a TypeScript user sees it: imported from the built package ('oneoffice'), whose
// declarations come from the schemas. `npm test` type-checks this file, so a schema or client change
// that breaks users' code fails here; each @ts-expect-error must stay an error, or tsc fails too.
import { describe, expect, it } from 'vitest';
import { buildCall, createClient, HttpError, type Client, type CreateFirstOrderParams, type CreateUserResult, type MethodParams } from 'oneoffice';

describe('generated params types', () => {
  it('accept the documented examples and reject typos at compile time', () => {
    const order: CreateFirstOrderParams = { customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 20, duration: 'monthly' };
    // @ts-expect-error: "licences" is not a field, and the product must be a documented one.
    const typo: CreateFirstOrderParams = { customer: 'ABC', id: 'ORD1', product: 'oo-x', licences: 20, duration: 'monthly' };
    const user: MethodParams['createUser'] = { email: 'test1@oneoffice.bh' };
    const call = buildCall({ url: new URL('https://a.test/'), token: 't', apiMethod: 'createFirstOrder', params: order });
    expect(JSON.parse(call.body)).toEqual({ method: 'createFirstOrder', params: order });
    expect([typo.customer, user.email]).toEqual(['ABC', 'test1@oneoffice.bh']);
  });
});

/** Never called: it only has to type-check (and its @ts-expect-error lines must be errors). */
async function clientUsage(oo: Client): Promise<void> {
  const user: CreateUserResult = await oo.createUser({ email: 'a@b.c', displayName: 'A' });
  const email: string = user.email;
  const active: boolean | undefined = user.isActive;
  const disabled: true = await oo.updateUserByEmail({ email, isActive: false });
  const customer = await oo.createCustomer({ id: 'ABC', name: 'ABC Company', admin: { email: 'admin@abc.example' } });
  const remoteId: string = customer.remoteId;
  const anything: unknown = await oo.call('newMethod', { any: 'params' });
  const someName: string = 'createUser';
  const open: unknown = await oo.call(someName, { whatever: 1 });
  // A built-in method through call() gets its types too.
  const viaCall: CreateUserResult = await oo.call('createUser', { email: 'a@b.c' });
  // @ts-expect-error: call() checks a known method's params: "emial" is no param of createUser.
  await oo.call('createUser', { emial: 'x' });
  // Fields the response schema requires are not optional.
  const id: number = user.id;
  const order = await oo.createFirstOrder({ customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 1, duration: 'monthly' });
  const orderId: string = order.id;
  // @ts-expect-error: "licences" is no field of an order (the result types are closed).
  void order.licences;
  // @ts-expect-error: a misspelled result field is a compile error, not `unknown`.
  void user.emial;
  // @ts-expect-error: a misspelled parameter is a compile error.
  await oo.createUser({ emial: 'a@b.c' });
  // @ts-expect-error: a parameter of the wrong type is a compile error.
  await oo.createUser({ email: 'a@b.c', instance: 'one' });
  // @ts-expect-error: a required parameter cannot be left out.
  await oo.createFirstOrder({ customer: 'ABC', id: 'ORD1', product: 'oo-lite', duration: 'monthly' });
  // @ts-expect-error: an enum takes only its documented values.
  await oo.createFirstOrder({ customer: 'ABC', id: 'ORD1', product: 'oo-lite', licenses: 1, duration: 'weekly' });
  // @ts-expect-error: the result is typed: a user has no "orders".
  void user.orders.length;
  // @ts-expect-error: there is no such method on the client (use call()).
  await oo.listOrders({ customer: 'ABC' });
  void [active, disabled, remoteId, anything, open, viaCall, id, orderId];
}

describe('the typed client', () => {
  it('has one method per built-in schema, and HttpError is exported as a class', () => {
    const oo = createClient({ url: 'https://api.example/', token: 'token-for-types-0123456789', env: {} });
    expect(Object.keys(oo).filter((key) => typeof (oo as unknown as Record<string, unknown>)[key] === 'function').sort()).toEqual(
      ['call', 'close', 'createCustomer', 'createFirstOrder', 'createRenewalOrder', 'createUser', 'getUserByEmail', 'resetPasswordByEmail', 'updateUserByEmail'],
    );
    expect(typeof HttpError).toBe('function');
    expect(typeof clientUsage).toBe('function');
  });
});
