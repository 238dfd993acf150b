// What only the built CLI shows about what it sends: the User-Agent with the version the build puts
// in, and TLS details of a server trusted through NODE_EXTRA_CA_CERTS (read when node starts). The
// rest of -v, --dry-run and --curl, and that no output mode leaks a secret, is test/unit/visibility.test.ts.
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { refusedPort, useRecordingServer } from '../helpers/server.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'visible-token-0123456789-c0de';
const PASSWORD = 'pa55-w0rd-that-must-not-leak';
const PASSWORD_WARNING = 'oneoffice: warning: a secret given with --password is visible to other local users (ps); prefer --params @file or --params - (stdin)\n';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

describe('--dry-run', () => {
  it('prints the request as it would be sent and opens no connection', async () => {
    // A connection there would be refused (exit 6): --dry-run must not open one.
    const port = await refusedPort();
    const result = await runCli(['createUser', '--email', 'test1@oneoffice.bh', '--password', PASSWORD, '--dry-run'], { env: { ...rec.env, ONEOFFICE_URL: `http://127.0.0.1:${port}/api/external` } });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'GET /api/external HTTP/1.1', `host: 127.0.0.1:${port}`, 'connection: keep-alive', 'x-api-key: ****…c0de', 'Content-Type: application/json',
        'Accept: application/json', 'User-Agent: oneoffice/0.1.0', 'content-length: 105', '', '{"method":"createUser","params":{"email":"test1@oneoffice.bh","password":"****…leak"}}', '',
      ].join('\n'),
      stderr: PASSWORD_WARNING,
    });
  });
});

describe('-v', () => {
  it('shows TLS version, cipher and the certificate for https', async () => {
    const certificate = makeCertificate();
    const https = await startHttpsServer(certificate);
    try {
      const { port } = https;
      const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-v'], { env: { ...rec.env, ONEOFFICE_URL: `https://127.0.0.1:${port}/`, NODE_EXTRA_CA_CERTS: certificate.certPath } });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(`^\\* url from \\$ONEOFFICE_URL\\n\\* token from \\$ONEOFFICE_BEARER\\n\\* Trying 127\\.0\\.0\\.1:${port}\\.\\.\\.\\n\\* Connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) port ${port}\\n\\* SSL connection using TLSv1\\.3 / TLS_\\w+\\n\\* Server certificate:\\n\\*  subject: CN=oneoffice-test, O=OneOffice Tests\\n\\*  issuer: CN=oneoffice-test, O=OneOffice Tests\\n\\*  expire date: \\w{3} +\\d+ [\\d:]+ \\d{4} GMT\\n> GET / HTTP/1\\.1\\n`),
      );
    } finally {
      https.close();
    }
  });
});
