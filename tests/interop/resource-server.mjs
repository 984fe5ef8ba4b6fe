// A resource server protected by Auth0's own middleware (express-oauth2-jwt-bearer: real JWKS
// fetching and caching) and a caller that requests it every CALL_INTERVAL_MS with a token from the
// emulator's token endpoint, kept for TOKEN_REUSE_MS as a real client keeps its token. The signing
// key tests rotate and revoke the tenant's keys meanwhile and read the counts.
//
// Environment: EMULATOR_URL (http://127.0.0.1:PORT), TENANT_ISSUER (https://127.0.0.1:PORT/, the
// iss the emulator writes), AUDIENCE, CLIENT_ID, CLIENT_SECRET, CALL_INTERVAL_MS (50),
// TOKEN_REUSE_MS (2000), JWKS_CACHE_MS (the middleware's JWKS cache age, 300).
// Prints "listening PORT" once ready. GET /stats (no token) answers the counts as JSON; the process
// runs until it is killed.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const emulator = env('EMULATOR_URL').replace(/\/$/, '');
const issuer = env('TENANT_ISSUER');
const audience = env('AUDIENCE');
const clientId = env('CLIENT_ID');
const clientSecret = env('CLIENT_SECRET');
const callInterval = Number(env('CALL_INTERVAL_MS', '50'));
const tokenReuse = Number(env('TOKEN_REUSE_MS', '2000'));
const jwksCache = Number(env('JWKS_CACHE_MS', '300'));

const stats = { accepted: 0, rejected: 0, callErrors: 0, tokenErrors: 0, tokens: 0, kidsAccepted: {}, kidsRejected: {}, lastRejection: null };

const kidOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid;

const app = express();
app.get('/stats', (_req, res) => res.json(stats));
app.get('/api/data', auth({ issuer, audience, jwksUri: `${emulator}/.well-known/jwks.json`, cacheMaxAge: jwksCache, cooldownDuration: 0 }), (_req, res) => res.json({ ok: true }));
// The middleware's refusals (401 with WWW-Authenticate) come through Express's error handler.
app.use((err, _req, res, _next) => {
  if (err.headers) res.set(err.headers);
  res.status(err.status ?? 500).json({ error: err.code ?? 'error', message: err.message });
});

const server = app.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`listening ${port}`);
  callLoop(`http://127.0.0.1:${port}/api/data`);
});

let token = null;
let tokenAt = 0;

async function freshToken() {
  const response = await fetch(`${emulator}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = await response.json();
  stats.tokens++;
  return body.access_token;
}

async function callLoop(url) {
  for (;;) {
    const started = Date.now();
    try {
      if (token === null || started - tokenAt >= tokenReuse) {
        token = await freshToken();
        tokenAt = started;
      }
    } catch {
      stats.tokenErrors++;
    }
    if (token !== null) {
      const kid = kidOf(token);
      try {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status === 200) {
          stats.accepted++;
          stats.kidsAccepted[kid] = (stats.kidsAccepted[kid] ?? 0) + 1;
        } else if (response.status === 401) {
          stats.rejected++;
          stats.kidsRejected[kid] = (stats.kidsRejected[kid] ?? 0) + 1;
          stats.lastRejection = response.headers.get('www-authenticate');
        } else {
          stats.callErrors++;
        }
      } catch {
        stats.callErrors++;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, callInterval - (Date.now() - started))));
  }
}
