// The documented API methods against the local state. Params arrive already checked against the
// method's schema. Each handler is synchronous from its existence check to its insert, which is
// what keeps concurrent calls from creating an entity twice.
import { createHash, randomBytes } from 'node:crypto';
import type { Params } from '../api/params.js';
import type { MethodParams } from '../generated/types.js';
import type { CustomerRecord, MockState, OrderRecord, UserRecord } from './state.js';

/** A JSON answer: the body is the value to send; errors are a JSON string, as OneOffice sends them. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface MethodEnv {
  state: MockState;
  /** The server's own URL, for the onboarding links it hands out. */
  baseUrl: string;
}

export type Handler = (params: Params, env: MethodEnv) => Answer;

/** The published wording, which partners' code may match on. */
export const DUPLICATE_EMAIL = 'duplicate key value violates unique constraint "users_email"';

/** The docs' consumer page uses instance 1; a createUser without `instance` lands there. */
const DEFAULT_INSTANCE = 1;
/** What the docs' example user, created with only an e-mail and password, was called. */
const DEFAULT_DISPLAY_NAME = 'New User';

/**
 * One handler per built-in method, typed from the generated method list: a schema added to
 * schemas/ without its handler here fails `tsc` (the mock would otherwise answer "unknown method").
 */
export const methodHandlers: { readonly [M in keyof MethodParams]: Handler } = {
  createCustomer(params, { state, baseUrl }) {
    const remoteId = params['id'] as string;
    if (state.customers.has(remoteId)) return fail(`customer ${JSON.stringify(remoteId)} already exists`);
    const admin = params['admin'] as CustomerRecord['admin'];
    const customer: CustomerRecord = {
      remoteId,
      internalId: randomBytes(8).toString('hex'),
      name: params['name'] as string,
      admin: { ...admin },
      createdAt: unixNow(),
    };
    state.addCustomer(customer);
    return ok(customerView(customer, state.partner, baseUrl));
  },

  createFirstOrder(params, { state }) {
    const id = params['id'] as string;
    const customer = params['customer'] as string;
    if (!state.customers.has(customer)) return fail(`unknown customer ${JSON.stringify(customer)}: create it with createCustomer first`);
    // Huawei-style idempotency: a repeated order id is refused, never a second order.
    if (state.orders.has(id)) return fail(`order ${JSON.stringify(id)} already exists`);
    const order: OrderRecord = {
      id,
      type: 'first',
      customer,
      product: params['product'] as string,
      licenses: params['licenses'] as number,
      duration: params['duration'] as string,
      createdAt: unixNow(),
    };
    state.addOrder(order);
    return ok({ ...order });
  },

  createRenewalOrder(params, { state }) {
    const id = params['id'] as string;
    const parentId = params['parent'] as string;
    const parent = state.orders.get(parentId);
    if (!parent) return fail(`unknown parent order ${JSON.stringify(parentId)}: it must be a first order's id`);
    if (parent.type !== 'first') {
      return fail(`parent order ${JSON.stringify(parentId)} is a renewal: renewals name the first order (${JSON.stringify(parent.parent)}) as parent`);
    }
    if (state.orders.has(id)) return fail(`order ${JSON.stringify(id)} already exists`);
    // No license field is published for renewals, so a renewal carries its first order's terms.
    const order: OrderRecord = {
      id,
      type: 'renewal',
      customer: parent.customer,
      parent: parent.id,
      product: parent.product,
      licenses: parent.licenses,
      duration: parent.duration,
      createdAt: unixNow(),
    };
    state.addOrder(order);
    return ok({ ...order });
  },

  createUser(params, { state }) {
    const email = params['email'] as string;
    if (state.user(email)) return fail(DUPLICATE_EMAIL);
    const password = params['password'] as string | undefined;
    const user = state.addUser({
      instance: (params['instance'] as number | undefined) ?? DEFAULT_INSTANCE,
      email,
      displayName: (params['displayName'] as string | undefined) ?? DEFAULT_DISPLAY_NAME,
      isActive: true,
      passwordHash: password === undefined ? null : hashPassword(password),
      createdAt: unixNow(),
    });
    return ok(userView(user));
  },

  updateUserByEmail(params, { state }) {
    const user = state.user(params['email'] as string);
    if (!user) return unknownUser(params['email'] as string);
    user.isActive = params['isActive'] as boolean;
    state.changedUser(user);
    return ok(true);
  },

  resetPasswordByEmail(params, { state }) {
    const user = state.user(params['email'] as string);
    if (!user) return unknownUser(params['email'] as string);
    user.passwordHash = hashPassword(params['password'] as string);
    state.changedUser(user);
    return ok(true);
  },

  getUserByEmail(params, { state }) {
    const user = state.user(params['email'] as string);
    return user ? ok(userView(user)) : unknownUser(params['email'] as string);
  },
};

/** The newer published createCustomer answer: `partner` and `id` as strings, plus an onboarding URL. */
function customerView(customer: CustomerRecord, partner: string, baseUrl: string) {
  return {
    name: customer.name,
    partner,
    createdAt: customer.createdAt,
    id: customer.internalId,
    isActive: true,
    admin: { email: customer.admin.email },
    remoteId: customer.remoteId,
    url: new URL(`onboarding/${customer.internalId}`, baseUrl).href,
  };
}

/** The documented user object (constant fields as in the docs' example), plus instance and isActive. No password, ever. */
function userView(user: UserRecord) {
  return {
    email: user.email,
    displayName: user.displayName,
    profile: { uid: null, title: null, department: null, location: null, phones: [], grade: null },
    isAdmin: false,
    apps: '{0,0,0}',
    createdAt: user.createdAt,
    settings: '{84,213,10,92}',
    values: { notificationReminder: 3, timezone: null, editorTemplates: null },
    id: user.id,
    ...user.folders,
    instance: user.instance,
    isActive: user.isActive,
  };
}

/** Salted SHA-256: cheap enough for thousands of calls a second, and no password is kept in clear. */
function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `sha256:${salt.toString('hex')}:${createHash('sha256').update(salt).update(password).digest('hex')}`;
}

function unknownUser(email: string): Answer {
  return fail(`no user with e-mail ${JSON.stringify(email)}`);
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

export function fail(message: string, status = 400, headers?: Record<string, string>): Answer {
  return { status, body: message, ...(headers ? { headers } : {}) };
}
