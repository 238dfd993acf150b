// The schemas as TypeScript types: `npm test` type-checks this file, so a schema change that breaks
// library users' code fails here.
import { describe, expect, it } from 'vitest';
import { buildCall, type CreateFirstOrderParams, type MethodParams } from '../../src/index.js';

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
