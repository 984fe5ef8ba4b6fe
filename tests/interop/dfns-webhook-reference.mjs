// The webhook signature as Dfns's documentation computes it, for comparison with PsCredRotate's
// Test-WebhookSignature: HMAC-SHA256 with the webhook secret as key over JSON.stringify of the
// parsed event (https://docs.dfns.co/developers/webhooks), lowercase hex after "sha256=".
// Node's own crypto and JSON only; no package needed.
//
// stdin:  {"secret": "...", "bodies": ["<raw body>", ...]}
// stdout: [{"stringified": "<JSON.stringify(JSON.parse(body))>", "signature": "sha256=<hex>"}, ...]
import { createHmac } from 'node:crypto';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  input += chunk;
}

const { secret, bodies } = JSON.parse(input);
const results = bodies.map((body) => {
  const stringified = JSON.stringify(JSON.parse(body));
  const signature = 'sha256=' + createHmac('sha256', secret).update(stringified).digest('hex');
  return { stringified, signature };
});
process.stdout.write(JSON.stringify(results));
