// The official auth0 Node SDK (pinned in package.json) drives the PsCredRotate Auth0 emulator over
// HTTP. Run with `npm test` (or `node --test auth0-sdk.test.mjs`) and:
//   EMULATOR_URL                  the emulator's root URL, e.g. http://127.0.0.1:5005 (required)
//   EMULATOR_MANAGEMENT_CLIENT_ID / EMULATOR_MANAGEMENT_CLIENT_SECRET
//                                 the management client (default: the emulator's documented defaults)
//   INTEROP_CLIENT_ID / INTEROP_CLIENT_SECRET / INTEROP_AUDIENCE
//                                 a machine-to-machine client granted an API (default: the default
//                                 tenant's sample client and https://api.example.com)
// The SDK only speaks https://{domain}; a fetch wrapper sends its requests to EMULATOR_URL instead,
// so the SDK computes everything else (token audience, assertion aud) exactly as against Auth0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ManagementClient, AuthenticationClient, ManagementApiError } from 'auth0';

const emulatorUrl = process.env.EMULATOR_URL;
if (!emulatorUrl) {
  throw new Error('Set EMULATOR_URL to the emulator root URL (e.g. http://127.0.0.1:5005).');
}

const origin = new URL(emulatorUrl).origin;
const domain = new URL(emulatorUrl).host;
const managementClientId = process.env.EMULATOR_MANAGEMENT_CLIENT_ID ?? 'emulator-management-client';
const managementClientSecret = process.env.EMULATOR_MANAGEMENT_CLIENT_SECRET ?? 'emulator-management-secret-change-me';
const m2mClientId = process.env.INTEROP_CLIENT_ID ?? 'emulator-sample-m2m';
const m2mClientSecret = process.env.INTEROP_CLIENT_SECRET ?? 'emulator-sample-secret-change-me';
const audience = process.env.INTEROP_AUDIENCE ?? 'https://api.example.com';

/** Sends what the SDK addresses to https://{domain} to the emulator's own URL. */
const toEmulator = (input, init) => {
  const url = typeof input === 'string' ? input : input.url;
  return fetch(url.replace(`https://${domain}`, origin), init);
};

const newManagement = () =>
  new ManagementClient({ domain, clientId: managementClientId, clientSecret: managementClientSecret, fetch: toEmulator, retry: { enabled: false } });

const decodeJwtPart = (token, index) => JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));

async function jwksKids() {
  const response = await fetch(`${origin}/.well-known/jwks.json`);
  assert.equal(response.status, 200);
  return (await response.json()).keys.map((k) => k.kid);
}

async function expectApiError(promise, statusCode) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ManagementApiError, `expected a ManagementApiError, got ${error}`);
    assert.equal(error.statusCode, statusCode);
    const body = JSON.parse(error.body);
    assert.equal(body.statusCode, statusCode);
    assert.equal(typeof body.error, 'string');
    assert.equal(typeof body.message, 'string');
    return true;
  });
}

test('a token via client secret is an RS256 JWT signed by a key the JWKS publishes', async () => {
  const auth = new AuthenticationClient({ domain, clientId: m2mClientId, clientSecret: m2mClientSecret, fetch: toEmulator });
  const { data } = await auth.oauth.clientCredentialsGrant({ audience });
  assert.equal(data.token_type, 'Bearer');
  assert.equal(typeof data.expires_in, 'number');
  const header = decodeJwtPart(data.access_token, 0);
  const payload = decodeJwtPart(data.access_token, 1);
  assert.equal(header.alg, 'RS256');
  assert.ok((await jwksKids()).includes(header.kid), 'the token kid is in /.well-known/jwks.json');
  assert.equal(payload.iss, `https://${domain}/`);
  assert.equal(payload.aud, audience);
  assert.equal(payload.gty, 'client-credentials');
});

test('credentials create, list, get, update, attach, private_key_jwt token, refused delete, detach, delete', async () => {
  const management = newManagement();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

  const created = await management.clients.createCredential(
    { client_id: m2mClientId },
    { credential_type: 'public_key', name: `interop ${randomUUID()}`, pem: publicKey, alg: 'RS256' },
  );
  assert.equal(created.status, 201);
  const credentialId = created.data.id;
  assert.match(credentialId, /^cred_/);
  assert.match(created.data.kid, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(created.data.alg, 'RS256');
  assert.equal(created.data.credential_type, 'public_key');

  const listed = await management.clients.getCredentials({ client_id: m2mClientId });
  assert.equal(listed.status, 200);
  assert.ok(Array.isArray(listed.data), 'the list is a bare array');
  assert.ok(listed.data.some((c) => c.id === credentialId));

  const got = await management.clients.getCredential({ client_id: m2mClientId, credential_id: credentialId });
  assert.equal(got.status, 200);
  assert.equal(got.data.kid, created.data.kid);
  assert.equal(got.data.expires_at, null);

  const expiresAt = '2099-03-04T05:06:07.000Z';
  const updated = await management.clients.updateCredential({ client_id: m2mClientId, credential_id: credentialId }, { expires_at: expiresAt });
  assert.equal(updated.status, 200);
  assert.equal(updated.data.expires_at, expiresAt);

  const attached = await management.clients.update(
    { client_id: m2mClientId },
    { client_authentication_methods: { private_key_jwt: { credentials: [{ id: credentialId }] } }, token_endpoint_auth_method: null },
  );
  assert.equal(attached.status, 200);
  assert.deepEqual(attached.data.client_authentication_methods, { private_key_jwt: { credentials: [{ id: credentialId }] } });
  assert.equal(attached.data.token_endpoint_auth_method, undefined);

  // The SDK signs the client assertion itself (clientAssertionSigningKey).
  const auth = new AuthenticationClient({ domain, clientId: m2mClientId, clientAssertionSigningKey: privateKey, fetch: toEmulator });
  const token = await auth.oauth.clientCredentialsGrant({ audience });
  assert.equal(token.status, 200);
  assert.equal(decodeJwtPart(token.data.access_token, 1).sub, `${m2mClientId}@clients`);

  await expectApiError(management.clients.deleteCredential({ client_id: m2mClientId, credential_id: credentialId }), 400);

  const detached = await management.clients.update(
    { client_id: m2mClientId },
    { client_authentication_methods: null, token_endpoint_auth_method: 'client_secret_post' },
  );
  assert.equal(detached.status, 200);
  assert.equal(detached.data.token_endpoint_auth_method, 'client_secret_post');

  const deleted = await management.clients.deleteCredential({ client_id: m2mClientId, credential_id: credentialId });
  assert.equal(deleted.status, 204);
  await expectApiError(management.clients.getCredential({ client_id: m2mClientId, credential_id: credentialId }), 404);
});

test('client update and rotate-secret on a client the SDK creates', async () => {
  const management = newManagement();
  const created = await management.clients.create({
    name: `interop ${randomUUID()}`,
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  assert.equal(created.status, 201);
  const clientId = created.data.client_id;
  const firstSecret = created.data.client_secret;
  assert.equal(typeof firstSecret, 'string');

  const updated = await management.clients.update({ client_id: clientId }, { description: 'updated by the auth0 SDK' });
  assert.equal(updated.status, 200);
  assert.equal(updated.data.description, 'updated by the auth0 SDK');

  const rotated = await management.clients.rotateClientSecret({ client_id: clientId });
  assert.equal(rotated.status, 200);
  assert.equal(typeof rotated.data.client_secret, 'string');
  assert.notEqual(rotated.data.client_secret, firstSecret);

  const got = await management.clients.get({ client_id: clientId });
  assert.equal(got.data.client_secret, rotated.data.client_secret);
  await expectApiError(management.clients.get({ client_id: 'no-such-client' }), 404);
});

test('connection keys get and rotate on the oidc connection using private_key_jwt', async () => {
  const management = newManagement();
  const connections = await management.connections.getAll({ strategy: ['oidc'] });
  const connection = (process.env.INTEROP_CONNECTION_ID && { id: process.env.INTEROP_CONNECTION_ID })
    ?? connections.data.find((c) => c.options?.token_endpoint_auth_method === 'private_key_jwt');
  assert.ok(connection, 'an oidc connection with private_key_jwt exists');

  const before = await management.connections.getKeys({ id: connection.id });
  assert.equal(before.status, 200);
  const next = before.data.find((k) => k.next);
  assert.ok(before.data.some((k) => k.current), 'a current key');
  assert.ok(next, 'a next key');

  const rotated = await management.connections.rotateKeys({ id: connection.id });
  assert.equal(rotated.status, 201);
  assert.equal(rotated.data.next, true);
  assert.match(rotated.data.cert, /^-----BEGIN CERTIFICATE-----\r\n/);

  const after = await management.connections.getKeys({ id: connection.id });
  assert.equal(after.data.find((k) => k.current)?.kid, next.kid, 'the next key became current');
  assert.equal(after.data.find((k) => k.next)?.kid, rotated.data.kid, 'the new key is next');
});

test('signing keys list, rotate and revoke the previous key', async () => {
  const management = newManagement();
  const before = await management.keys.getAll();
  assert.equal(before.status, 200);
  const current = before.data.find((k) => k.current);
  const next = before.data.find((k) => k.next);
  assert.ok(current && next, 'a current and a next key');

  const one = await management.keys.get({ kid: current.kid });
  assert.equal(one.data.kid, current.kid);
  assert.match(one.data.fingerprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);

  const rotated = await management.keys.rotate();
  assert.equal(rotated.status, 201);
  assert.equal(typeof rotated.data.kid, 'string');
  assert.match(rotated.data.cert, /BEGIN CERTIFICATE/);

  const after = await management.keys.getAll();
  assert.equal(after.data.find((k) => k.current)?.kid, next.kid);
  assert.equal(after.data.find((k) => k.next)?.kid, rotated.data.kid);
  assert.equal(after.data.find((k) => k.kid === current.kid)?.previous, true);
  assert.ok((await jwksKids()).includes(current.kid), 'the previous key stays published until revoked');

  await expectApiError(management.keys.revoke({ kid: next.kid }), 400);
  const revoked = await management.keys.revoke({ kid: current.kid });
  assert.equal(revoked.status, 200);
  assert.equal(revoked.data.kid, current.kid);
  assert.ok(!(await jwksKids()).includes(current.kid), 'the revoked key left the JWKS');

  // The cached management token was signed by the key just revoked: a new client gets a fresh one.
  const fresh = await newManagement().keys.get({ kid: current.kid });
  assert.equal(fresh.data.revoked, true);
});
