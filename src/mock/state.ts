// The local server's data: customers, orders and users as plain records that go to the state
// file as they are. Everything is in Maps and every change is synchronous, so a handler's
// check-then-insert can never interleave with another request's (Node runs one at a time).
import { randomBytes } from 'node:crypto';

export interface CustomerRecord {
  /** The partner's own id (createCustomer's `id`), answered as `remoteId`. */
  remoteId: string;
  /** OneOffice's internal key, answered as `id`. */
  internalId: string;
  name: string;
  admin: { email: string; phone?: string; displayName?: string };
  createdAt: number;
}

/** Stored in the key order it is answered in. */
export interface OrderRecord {
  id: string;
  type: 'first' | 'renewal';
  customer: string;
  /** Renewals only: the first order renewed. */
  parent?: string;
  product: string;
  licenses: number;
  duration: string;
  createdAt: number;
}

/** The ids of the mailboxes, calendar and file roots OneOffice creates with each user. */
export interface UserFolders {
  mainCalendar: number;
  inbox: number;
  spam: number;
  sent: number;
  trashEmail: number;
  drafts: number;
  rootFiles: number;
  trashFiles: number;
}

export interface UserRecord {
  id: number;
  instance: number;
  email: string;
  displayName: string;
  isActive: boolean;
  /** A salted hash, never the password: the state file must not hold one either. */
  passwordHash: string | null;
  createdAt: number;
  folders: UserFolders;
}

/** One change, as the state log records it; applying it twice is the same as once. */
export type StateChange =
  | { customer: CustomerRecord }
  | { order: OrderRecord }
  | { user: UserRecord; nextUserId: number; nextObjectId: number };

export interface StateSnapshot {
  version: 1;
  partner: string;
  nextUserId: number;
  nextObjectId: number;
  customers: CustomerRecord[];
  orders: OrderRecord[];
  users: UserRecord[];
}

const FOLDER_NAMES: Array<keyof UserFolders> = ['mainCalendar', 'inbox', 'spam', 'sent', 'trashEmail', 'drafts', 'rootFiles', 'trashFiles'];

export class MockState {
  readonly customers = new Map<string, CustomerRecord>();
  readonly orders = new Map<string, OrderRecord>();
  /** Keyed by the lower-cased e-mail: the same address in another case is the same user. */
  readonly users = new Map<string, UserRecord>();
  /** This partner's id, answered by createCustomer; kept in the state so it survives a restart. */
  readonly partner: string;
  private nextUserId: number;
  private nextObjectId: number;
  /** Called after every change (the state log listens). */
  onChange: (change: StateChange) => void = () => {};

  constructor(snapshot?: StateSnapshot) {
    this.partner = snapshot?.partner ?? randomBytes(6).toString('hex');
    this.nextUserId = snapshot?.nextUserId ?? 1;
    this.nextObjectId = snapshot?.nextObjectId ?? 1;
    for (const customer of snapshot?.customers ?? []) this.customers.set(customer.remoteId, customer);
    for (const order of snapshot?.orders ?? []) this.orders.set(order.id, order);
    for (const user of snapshot?.users ?? []) this.users.set(emailKey(user.email), user);
  }

  user(email: string): UserRecord | undefined {
    return this.users.get(emailKey(email));
  }

  addCustomer(customer: CustomerRecord): void {
    this.customers.set(customer.remoteId, customer);
    this.onChange({ customer });
  }

  addOrder(order: OrderRecord): void {
    this.orders.set(order.id, order);
    this.onChange({ order });
  }

  /** Gives the user its id and folder ids, then stores it. */
  addUser(fields: Omit<UserRecord, 'id' | 'folders'>): UserRecord {
    const folders = {} as UserFolders;
    for (const name of FOLDER_NAMES) folders[name] = this.nextObjectId++;
    const user: UserRecord = { ...fields, id: this.nextUserId++, folders };
    this.users.set(emailKey(user.email), user);
    this.onChange({ user, nextUserId: this.nextUserId, nextObjectId: this.nextObjectId });
    return user;
  }

  /** Records an in-place change to a user. */
  changedUser(user: UserRecord): void {
    this.onChange({ user, nextUserId: this.nextUserId, nextObjectId: this.nextObjectId });
  }

  /** Replays a change from the state log (at start). */
  apply(change: StateChange): void {
    if ('customer' in change) this.customers.set(change.customer.remoteId, change.customer);
    else if ('order' in change) this.orders.set(change.order.id, change.order);
    else {
      this.users.set(emailKey(change.user.email), change.user);
      this.nextUserId = Math.max(this.nextUserId, change.nextUserId);
      this.nextObjectId = Math.max(this.nextObjectId, change.nextObjectId);
    }
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      partner: this.partner,
      nextUserId: this.nextUserId,
      nextObjectId: this.nextObjectId,
      customers: [...this.customers.values()],
      orders: [...this.orders.values()],
      users: [...this.users.values()],
    };
  }
}

function emailKey(email: string): string {
  return email.toLowerCase();
}

/** Checks the shape of a parsed state file; the message says what is wrong. */
export function checkSnapshot(data: unknown): { snapshot: StateSnapshot } | { problem: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { problem: 'must hold a JSON object' };
  const record = data as Record<string, unknown>;
  if (record['version'] !== 1) return { problem: `unsupported version ${JSON.stringify(record['version'])} (expected 1)` };
  if (typeof record['partner'] !== 'string') return { problem: '"partner" must be a string' };
  for (const key of ['nextUserId', 'nextObjectId']) {
    if (!Number.isInteger(record[key])) return { problem: `"${key}" must be an integer` };
  }
  const keyFields = { customers: 'remoteId', orders: 'id', users: 'email' } as const;
  for (const [list, field] of Object.entries(keyFields)) {
    const items = record[list];
    if (!Array.isArray(items) || !items.every((item) => typeof (item as Record<string, unknown> | null)?.[field] === 'string')) {
      return { problem: `"${list}" must be an array of records with a string "${field}"` };
    }
  }
  return { snapshot: data as StateSnapshot };
}
