// The official Dfns SDK (@dfns/sdk 0.8.3 with @dfns/sdk-keysigner's AsymmetricKeySigner, pinned in
// package.json) drives the PsCredRotate emulator's Dfns surface over HTTP. Run with
// `node --test dfns-sdk.test.mjs` and:
//   EMULATOR_URL   the root URL of an emulator started with --dfns --admin (required)
// Each key type (P-256, Ed25519, RSA-2048) gets its own service account, seeded through
// /_emulator/dfns/service-accounts. The SDK does the user action signing itself (init, sign the
// challenge with the key, exchange for a token, send the body it signed); the key attestation of a
// new credential is built here with node:crypto as Dfns documents it ("API objects": the new key
// signs the compact JSON {"clientDataHash": hex sha256(clientData), "publicKey": PEM}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { DfnsApiClient, DfnsError } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';

const emulatorUrl = process.env.EMULATOR_URL;
if (!emulatorUrl) {
  throw new Error('Set EMULATOR_URL to the root URL of an emulator started with --dfns --admin.');
}

const origin = new URL(emulatorUrl).origin;

const keyTypes = {
  'P-256': () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  Ed25519: () => crypto.generateKeyPairSync('ed25519'),
  'RSA-2048': () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

const pems = (pair) => ({
  publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }),
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
});

async function admin(method, path, body) {
  const response = await fetch(`${origin}/_emulator/dfns${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const client = (token, credId, privateKey) =>
  new DfnsApiClient({ baseUrl: origin, authToken: token, signer: new AsymmetricKeySigner({ credId, privateKey }) });

async function seedServiceAccount(type) {
  const key = pems(keyTypes[type]());
  const seeded = await admin('POST', '/service-accounts', { name: `interop ${type}`, publicKey: key.publicKey });
  return { ...seeded, key, api: client(seeded.token, seeded.credId, key.privateKey) };
}

/** Create Credential as Dfns documents it for a Key credential: challenge, clientData, attestation. */
async function createKeyCredential(api, key, name, challenge) {
  challenge ??= await api.auth.createCredentialChallenge({ body: { kind: 'Key' } });
  assert.equal(challenge.kind, 'Key');
  const clientData = JSON.stringify({ challenge: challenge.challenge, type: 'key.create' });
  const clientDataHash = crypto.createHash('sha256').update(clientData).digest('hex');
  const fingerprint = JSON.stringify({ clientDataHash, publicKey: key.publicKey });
  const signature = crypto.sign(undefined, Buffer.from(fingerprint), key.privateKey).toString('hex');
  const credId = crypto.randomBytes(32).toString('base64url');
  const created = await api.auth.createCredential({
    body: {
      credentialKind: 'Key',
      challengeIdentifier: challenge.challengeIdentifier,
      credentialName: name,
      credentialInfo: {
        credId,
        clientData: Buffer.from(clientData).toString('base64url'),
        attestationData: Buffer.from(JSON.stringify({ publicKey: key.publicKey, signature })).toString('base64url'),
      },
    },
  });
  return created;
}

async function expectDfnsError(promise, status, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof DfnsError, `expected a DfnsError, got ${error}`);
    assert.equal(error.httpStatus, status, `status ${error.httpStatus}: ${error.message}`);
    if (pattern) {
      assert.match(error.message, pattern);
    }
    return true;
  });
}

/** A loopback receiver that records each delivery's raw body and signature header. */
async function startReceiver() {
  const deliveries = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), signature: request.headers['x-dfns-webhook-signature'] });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { deliveries, url: `http://127.0.0.1:${server.address().port}/dfns`, close: () => new Promise((r) => server.close(r)) };
}

for (const type of Object.keys(keyTypes)) {
  test(`${type}: the SDK creates, lists, deactivates and activates Key credentials with user action signing`, async () => {
    const sa = await seedServiceAccount(type);

    const listed = await sa.api.auth.listCredentials();
    assert.deepEqual(listed.items.map((c) => c.credentialUuid), [sa.credentialUuid]);
    assert.equal(listed.items[0].credentialId, sa.credId);
    assert.equal(listed.items[0].isActive, true);

    // Add the new key, user-action-signed with the old one.
    const newKey = pems(keyTypes[type]());
    const created = await createKeyCredential(sa.api, newKey, `rotated ${type}`);
    assert.equal(created.kind, 'Key');
    assert.equal(created.isActive, true);
    assert.equal(created.name, `rotated ${type}`);
    assert.equal(created.publicKey, newKey.publicKey);
    assert.match(created.credentialUuid, /^cr-/);
    assert.ok(!Number.isNaN(Date.parse(created.dateCreated)));

    // The new key works: it signs the deactivation of the old one.
    const rotated = client(sa.token, created.credentialId, newKey.privateKey);
    assert.deepEqual(await rotated.auth.deactivateCredential({ body: { credentialUuid: sa.credentialUuid } }), { message: 'success' });
    const afterDeactivate = await rotated.auth.listCredentials();
    assert.equal(afterDeactivate.items.find((c) => c.credentialUuid === sa.credentialUuid).isActive, false);

    // A deactivated credential cannot sign: the SDK's own signer refuses (not offered), and a
    // signature by it sent anyway is refused by the server.
    await expectDfnsError(sa.api.webhooks.createWebhook({ body: { url: 'https://example.com/hook', events: ['*'] } }), -1, /does not match allowed credentials/);
    const forced = new DfnsApiClient({
      baseUrl: origin,
      authToken: sa.token,
      signer: {
        sign: async (challenge) => {
          const clientData = Buffer.from(JSON.stringify({ type: 'key.get', challenge: challenge.challenge }));
          return {
            kind: 'Key',
            credentialAssertion: {
              credId: sa.credId,
              clientData: clientData.toString('base64url'),
              signature: crypto.sign(undefined, clientData, sa.key.privateKey).toString('base64url'),
            },
          };
        },
      },
    });
    await expectDfnsError(forced.auth.activateCredential({ body: { credentialUuid: sa.credentialUuid } }), 401, /deactivated/);

    // Deactivating it again does nothing; activating it (signed by the new key) rolls back.
    await rotated.auth.deactivateCredential({ body: { credentialUuid: sa.credentialUuid } });
    assert.deepEqual(await rotated.auth.activateCredential({ body: { credentialUuid: sa.credentialUuid } }), { message: 'success' });
    const afterActivate = await sa.api.auth.listCredentials();
    assert.deepEqual(afterActivate.items.map((c) => [c.credentialUuid, c.isActive]).sort(), [[sa.credentialUuid, true], [created.credentialUuid, true]].sort());
  });

  test(`${type}: the SDK creates, reads, pings and deletes a webhook; the secret comes only at creation`, async () => {
    const sa = await seedServiceAccount(type);
    const receiver = await startReceiver();
    try {
      const created = await sa.api.webhooks.createWebhook({ body: { url: receiver.url, events: ['wallet.created'], description: `interop ${type}` } });
      assert.match(created.id, /^wh-/);
      assert.equal(created.status, 'Enabled');
      assert.equal(typeof created.secret, 'string');
      assert.ok(created.secret.length >= 32);

      const got = await sa.api.webhooks.getWebhook({ webhookId: created.id });
      assert.equal(got.url, receiver.url);
      assert.equal(got.secret, undefined);
      const listed = await sa.api.webhooks.listWebhooks({});
      assert.ok(listed.items.some((w) => w.id === created.id));
      assert.ok(listed.items.every((w) => w.secret === undefined));

      const ping = await sa.api.webhooks.pingWebhook({ webhookId: created.id });
      assert.equal(ping.status, '200');
      const delivered = await admin('POST', `/webhooks/${created.id}/deliver`, { kind: 'wallet.created', data: { walletId: 'wa-1' } });
      assert.equal(delivered.status, 200);
      assert.equal(receiver.deliveries.length, 2);
      for (const d of receiver.deliveries) {
        const expected = 'sha256=' + crypto.createHmac('sha256', created.secret).update(d.body).digest('hex');
        assert.equal(d.signature, expected);
      }
      const event = JSON.parse(receiver.deliveries[1].body.toString('utf8'));
      assert.equal(event.kind, 'wallet.created');
      assert.deepEqual(event.data, { walletId: 'wa-1' });
      assert.ok(Math.abs(event.timestampSent - Date.now() / 1000) < 300);
      const events = await sa.api.webhooks.listWebhookEvents({ webhookId: created.id });
      assert.deepEqual(events.items.map((e) => [e.kind, e.status]), [['wallet.created', '200'], ['webhook.ping', '200']]);
      assert.equal((await sa.api.webhooks.getWebhookEvent({ webhookId: created.id, webhookEventId: event.id })).id, event.id);

      assert.deepEqual(await sa.api.webhooks.deleteWebhook({ webhookId: created.id }), { deleted: true });
      await expectDfnsError(sa.api.webhooks.getWebhook({ webhookId: created.id }), 404);
    } finally {
      await receiver.close();
    }
  });
}

test('with the documented conflict switched off, a service account cannot create credentials', async () => {
  const sa = await seedServiceAccount('P-256');
  await admin('PUT', '/settings', { serviceAccountsMayCreateCredentials: false });
  try {
    await expectDfnsError(sa.api.auth.createCredentialChallenge({ body: { kind: 'Key' } }), 403);
    const before = await sa.api.auth.listCredentials();
    await admin('PUT', '/settings', { serviceAccountsMayCreateCredentials: true });
    const challenge = await sa.api.auth.createCredentialChallenge({ body: { kind: 'Key' } });
    assert.ok(challenge.challengeIdentifier);
    await admin('PUT', '/settings', { serviceAccountsMayCreateCredentials: false });
    await expectDfnsError(createKeyCredential(sa.api, pems(keyTypes['P-256']()), 'refused', challenge), 403);
    assert.deepEqual(await sa.api.auth.listCredentials(), before);
  } finally {
    await admin('PUT', '/settings', { serviceAccountsMayCreateCredentials: true });
  }
});

test('a refused credential (test hook) cannot sign user actions, and nothing changes', async () => {
  const sa = await seedServiceAccount('Ed25519');
  await admin('PUT', '/refusals', { credIds: [sa.credId] });
  try {
    await expectDfnsError(sa.api.webhooks.createWebhook({ body: { url: 'https://example.com/hook', events: ['*'] } }), 401, /Unable to verify signature/);
  } finally {
    await admin('PUT', '/refusals', { credIds: [] });
  }

  const created = await sa.api.webhooks.createWebhook({ body: { url: 'https://example.com/hook', events: ['*'] } });
  await sa.api.webhooks.deleteWebhook({ webhookId: created.id });
});
