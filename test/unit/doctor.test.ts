// The doctor's verdicts from facts, and its gathering through injected deps (a DNS lookup, an
// undici MockAgent for the server), so clock skew, certificate age and DNS are tested without a
// network or a changed clock.
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/api/errors.js';
import { createRegistry } from '../../src/api/schema/registry.js';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { exitCodeOf, judge, type Check } from '../../src/doctor/checks.js';
import type { Facts } from '../../src/doctor/facts.js';
import { gatherFacts, type GatherInput } from '../../src/doctor/gather.js';
import { formatChecks } from '../../src/doctor/print.js';
import { DEFAULT_TIMEOUTS } from '../../src/config/network.js';

const ORIGIN = 'https://api.oneoffice.test';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const TOKEN = 'unit-doctor-token-0123456789';

function input(agent: MockAgent, extra: Partial<GatherInput> = {}): GatherInput {
  return {
    env: { HOME: '/nonexistent' },
    platform: 'linux',
    config: () => ({ path: '/nonexistent/config.json', holdsToken: false }),
    target: () => ({ url: new URL(`${ORIGIN}/api`), token: TOKEN, urlFrom: '$ONEOFFICE_URL', tokenFrom: '$ONEOFFICE_BEARER' }),
    network: () => ({ timeouts: DEFAULT_TIMEOUTS, retry: { retries: 0, retryMaxTimeMs: 0, idempotent: true }, insecure: false, proxyFromFlag: false }),
    registry: createRegistry(builtinSchemas),
    dispatcher: agent,
    ...extra,
  };
}

function agentAnswering(status: number, body: string, headers: Record<string, string> = {}): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent.get(ORIGIN).intercept({ path: '/api', method: 'GET' }).reply(status, body, { headers: { 'content-type': 'application/json', ...headers } });
  return agent;
}

const named = (checks: Check[], name: string) => checks.filter((check) => check.name === name);

describe('doctor: gathering through injected deps', () => {
  it('names the addresses the injected lookup gives, and sends the harmless read with the token', async () => {
    const agent = agentAnswering(400, '"no user with e-mail \\"oneoffice-doctor@example.invalid\\""', { date: new Date(NOW).toUTCString() });
    const looked: string[] = [];
    const facts = await gatherFacts(input(agent), { lookup: async (host) => (looked.push(host), ['192.0.2.7', '2001:db8::7']), nodeVersion: '22.3.0' });
    expect(looked).toEqual(['api.oneoffice.test']);
    const checks = judge(facts, NOW);
    expect(named(checks, 'dns')).toEqual([{ name: 'dns', status: 'ok', detail: 'api.oneoffice.test is 192.0.2.7, 2001:db8::7' }]);
    expect(named(checks, 'auth')).toEqual([{ name: 'auth', status: 'ok', detail: 'token accepted (the test user is unknown, as expected: 400)' }]);
    expect(named(checks, 'clock')[0]?.status).toBe('ok');
    expect(exitCodeOf(checks)).toBe(0);
    await agent.close();
  });

  it('a server clock an hour ahead of ours is a warning, not a failure', async () => {
    const agent = agentAnswering(400, '"no user"', { date: new Date(NOW + 3_600_000).toUTCString() });
    const checks = judge(await gatherFacts(input(agent), { lookup: async () => ['192.0.2.7'], nodeVersion: '22.3.0' }), NOW);
    expect(named(checks, 'clock')).toEqual([{ name: 'clock', status: 'warn', detail: "the server's clock is 3600 s ahead of ours", hint: "check this machine's time (NTP)" }]);
    expect(exitCodeOf(checks)).toBe(0);
    await agent.close();
  });

  it('a DNS failure fails the dns check (exit 6) and sends nothing', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const facts = await gatherFacts(input(agent), { lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })), nodeVersion: '22.3.0' });
    const checks = judge(facts, NOW);
    expect(named(checks, 'dns')).toEqual([{ name: 'dns', status: 'fail', detail: 'cannot resolve api.oneoffice.test (ENOTFOUND)', exitCode: 6, hint: "check the URL's host name, and the DNS settings of this machine" }]);
    expect(named(checks, 'auth')).toEqual([{ name: 'auth', status: 'skip', detail: 'not reached' }]);
    expect(exitCodeOf(checks)).toBe(6);
    await agent.close();
  });

  it('an answer that breaks the response schema is a warning naming the field', async () => {
    const agent = agentAnswering(200, '{"id":"seven","email":"oneoffice-doctor@example.invalid","instance":1,"displayName":"D","isActive":true,"isAdmin":false,"profile":{}}');
    const checks = judge(await gatherFacts(input(agent), { lookup: async () => ['192.0.2.7'], nodeVersion: '22.3.0' }), NOW);
    expect(named(checks, 'answer')[0]?.detail).toMatch(/^round trip \d+ ms; differs from the docs: body\.id: must be an integer \(got "seven"\)$/);
    await agent.close();
  });

  it('a missing token is a configuration failure (exit 3), the rest not reached', async () => {
    const agent = new MockAgent();
    const facts = await gatherFacts(input(agent, { target: () => { throw new ConfigError('no API token: looked in ...', 'E_NO_TOKEN'); } }), { lookup: async () => [], nodeVersion: '22.3.0' });
    const checks = judge(facts, NOW);
    expect(exitCodeOf(checks)).toBe(3);
    expect(checks.filter((check) => check.status === 'skip').map((check) => check.name)).toEqual(['proxy', 'dns', 'connect', 'tls', 'auth', 'clock', 'answer']);
    await agent.close();
  });
});

describe('doctor: verdicts', () => {
  const base: Facts = {
    node: '20.18.1',
    config: { kind: 'none', path: '/home/u/.config/oneoffice/config.json' },
    completion: ['~/.zfunc/_oneoffice'],
    target: { url: new URL('https://api.example.com/'), urlFrom: '--url', tokenFrom: '--bearer', token: TOKEN },
    proxy: {},
    tls: { insecure: false },
  };

  it.each([
    ['20.18.0', 'fail'],
    ['20.18.1', 'ok'],
    ['20.19.0', 'ok'],
    ['22.0.0', 'ok'],
    ['18.20.4', 'fail'],
  ])('Node %s: %s', (node, status) => {
    expect(named(judge({ ...base, node }, NOW), 'node')[0]?.status).toBe(status);
  });

  it.each([
    ['Bearer abcdefghijklmnopqrstuvwxyz', 'warn'],
    ['"abcdefghijklmnopqrstuvwxyz"', 'warn'],
    ['abc123', 'warn'],
    ['abcdefghij klmnopqrstuvwxyz', 'fail'],
    ['abcdefghijklmnopqrstuvwxyz\n', 'fail'],
    ['abcdefghijklmnopqrstuvwxyz', 'ok'],
  ])('token %j: %s, and never quoted', (token, status) => {
    const [check] = named(judge({ ...base, target: { ...(base.target as { url: URL; urlFrom: string; tokenFrom: string }), token } }, NOW), 'token');
    expect(check?.status).toBe(status);
    expect(JSON.stringify(check)).not.toContain(token.trim());
  });

  it('the first failure decides the exit code', () => {
    const checks: Check[] = [{ name: 'a', status: 'warn', detail: '' }, { name: 'b', status: 'fail', detail: '', exitCode: 7 }, { name: 'c', status: 'fail', detail: '', exitCode: 4 }];
    expect(exitCodeOf(checks)).toBe(7);
    expect(exitCodeOf(checks.slice(0, 1))).toBe(0);
  });

  it('prints one line per check, with what to do, and a summary', () => {
    expect(formatChecks([{ name: 'dns', status: 'ok', detail: 'a is 1.2.3.4' }, { name: 'auth', status: 'fail', detail: 'token refused', hint: 'check it', exitCode: 4 }])).toBe('ok    dns        a is 1.2.3.4\nfail  auth       token refused -> check it\n1 check failed\n');
  });
});
