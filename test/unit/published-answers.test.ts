// The answers the API's docs publish, copied as they are, against our response schemas (`x-response`,
// what `oneoffice test`, the mock's drift and doctor check answers with): each must pass, and each
// field the docs show in every published answer of a method is required, so an answer without it
// is reported.
import { describe, expect, it } from 'vitest';
import { builtinResponseValidators } from '../../src/generated/responses.js';

const USER = {
  email: 'none2@test.oneoffice.ca', displayName: 'New User',
  profile: { uid: null, title: null, department: null, location: null, phones: [], grade: null },
  isAdmin: false, apps: '{0,0,0}', createdAt: 1683471262, settings: '{84,213,10,92}',
  values: { notificationReminder: 3, timezone: null, editorTemplates: null },
  id: 2, mainCalendar: 2, inbox: 7, spam: 8, sent: 9, trashEmail: 10, drafts: 12, rootFiles: 3, trashFiles: 4,
};

/** Every answer the docs print, per method (createCustomer has two published versions). */
const PUBLISHED: Record<string, unknown[]> = {
  createCustomer: [
    { name: 'ABC Company', partner: 0, createdAt: 1684313717, id: 1, isActive: true, admin: { email: 'test3@example.com' }, remoteId: 'ABC' },
    { name: 'ABC Company', partner: 'kjljglsdfj1', createdAt: 1684313717, id: 'agdsdfa1dafg1', isActive: true, admin: { email: 'test3@example.com' }, remoteId: 'ABC', url: 'https://server.com/onboardingurl' },
  ],
  createUser: [USER],
  updateUserByEmail: [true],
  resetPasswordByEmail: [true],
};

/**
 * Objects whose content the docs show once, as an example's values, and never list as fields:
 * their fields are not required.
 */
const EXAMPLE_CONTENT = new Set(['profile', 'values']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The paths present in every one of `answers`, nested objects included. */
function alwaysShown(answers: readonly unknown[], prefix: string[] = []): string[][] {
  const [first] = answers;
  if (!isObject(first) || !answers.every(isObject)) return [];
  return Object.keys(first)
    .filter((key) => answers.every((answer) => key in (answer as Json)))
    .flatMap((key) => {
      const path = [...prefix, key];
      const inner = EXAMPLE_CONTENT.has(key) ? [] : alwaysShown(answers.map((answer) => (answer as Json)[key]), path);
      return [path, ...inner];
    });
}

function without(value: unknown, path: readonly string[]): unknown {
  const [key, ...rest] = path;
  if (!isObject(value) || key === undefined) return value;
  if (rest.length === 0) {
    const { [key]: _removed, ...others } = value;
    return others;
  }
  return { ...value, [key]: without(value[key], rest) };
}

const validatorOf = async (method: string) => (await (builtinResponseValidators[method] as () => Promise<(data: unknown) => boolean>)());

describe('the answers the docs publish', () => {
  it.each(Object.keys(PUBLISHED))('%s: each published answer passes the response schema', async (method) => {
    const validate = await validatorOf(method);
    for (const answer of PUBLISHED[method] as unknown[]) expect({ answer, valid: validate(answer) }).toEqual({ answer, valid: true });
  });

  it('getUserByEmail: the docs’ user object, with the instance and isActive its page lists, passes the response schema', async () => {
    expect((await validatorOf('getUserByEmail'))({ ...USER, instance: 1, isActive: true })).toBe(true);
  });

  it.each(Object.keys(PUBLISHED).filter((method) => isObject(PUBLISHED[method]?.[0])))('%s: an answer without a field the docs always show fails the response schema', async (method) => {
    const validate = await validatorOf(method);
    const answers = PUBLISHED[method] as unknown[];
    const paths = alwaysShown(answers);
    expect(paths.length).toBeGreaterThan(0);
    const accepted = paths.filter((path) => answers.some((answer) => validate(without(answer, path)))).map((path) => path.join('.'));
    expect(accepted).toEqual([]);
  });
});
