// oidc-provider (a certified OpenID provider, pinned in package.json) on loopback, for the RFC 7592
// rotation tests: dynamic registration (open, no initial access token) and registration management
// (rotating the registration access token on every update unless ROTATE_REGISTRATION_TOKEN=0),
// the client_credentials grant and private_key_jwt client authentication.
//
// Prints "ready http://127.0.0.1:<port>" (a free port) once it listens; the issuer is that URL.
// Test-only routes (not part of the provider, loopback only):
//   PUT  /_test/refused-kids  {"kids":["…"]}  the token endpoint refuses (invalid_client) assertions
//                                              whose header kid is listed, as if the key were wrong
//   GET  /_test/stats                         {"tokens":n,"refused":n} token requests seen by the hook
import http from 'node:http';
import Provider, { errors } from 'oidc-provider';

const refusedKids = new Set();
const stats = { assertions: 0, refused: 0 };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clientAuthMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: true },
    registrationManagement: {
      enabled: true,
      rotateRegistrationAccessToken: process.env.ROTATE_REGISTRATION_TOKEN !== '0',
    },
  },
  async assertJwtClientAuthClaimsAndHeader(ctx, claims, header) {
    stats.assertions += 1;
    if (header.kid !== undefined && refusedKids.has(header.kid)) {
      stats.refused += 1;
      throw new errors.InvalidClientAuth('the key is refused by the test harness');
    }
  },
  // The in-memory adapter; tokens short-lived like a real deployment's would not matter here.
  ttl: { ClientCredentials: 300 },
});
provider.proxy = false;

const callback = provider.callback();

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.on('request', async (req, res) => {
  try {
    if (req.url === '/_test/refused-kids' && req.method === 'PUT') {
      const body = JSON.parse(await readBody(req) || '{}');
      refusedKids.clear();
      for (const kid of body.kids ?? []) refusedKids.add(kid);
      json(res, 200, { kids: [...refusedKids] });
      return;
    }
    if (req.url === '/_test/stats' && req.method === 'GET') {
      json(res, 200, stats);
      return;
    }
    callback(req, res);
  } catch (error) {
    json(res, 500, { error: 'server_error', error_description: String(error?.message ?? error) });
  }
});

process.stdout.write(`ready ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
