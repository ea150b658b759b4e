// OpenTelemetry (issue 16 item 4): with OTEL_EXPORTER_OTLP_ENDPOINT set, a client's W3C traceparent is
// continued through the gateway into the subgraphs, with spans for identify, the policy, the plan, each
// subgraph call and the audit commit, exported over OTLP/HTTP to a receiver the test runs; no span
// carries a personal identifier.
import crypto from 'node:crypto';
import { personAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { startStack, type Stack } from './support/stack';

const INSTITUTION = '11530100015301017M';
const GRANT = { id: 'tracing-test', grantee: { kind: 'institution', id: INSTITUTION }, scenario: 'tracing-test', fields: ['Person.*', 'Query.*', 'Licence.*'], plain: ['Person.name'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' };
// Person (population subgraph) and their licences (licence subgraph): two subgraph calls.
const QUERY = 'query($id: ID!) { person(idNumber: $id) { name gender licences { type } } }';

describe('OpenTelemetry traces over OTLP', () => {
  const credentials = new Credentials();
  let receiver: OtlpReceiver;
  let stack: Stack;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile([GRANT]), ...credentials.env(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    credentials.cleanup();
  });

  it("continues the client's trace through the gateway into the subgraphs, with the project's spans and no personal identifier", async () => {
    const person = personAt(DEFAULT_SEED, 5);
    const traceId = crypto.randomBytes(16).toString('hex');
    const clientSpan = crypto.randomBytes(8).toString('hex');
    const token = await credentials.token({ org: INSTITUTION, sub: 'op-tracing' });
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-scenario-id': 'tracing-test', traceparent: `00-${traceId}-${clientSpan}-01` },
      body: JSON.stringify({ query: QUERY, variables: { id: person.idNumber } }),
    });
    const body = (await response.json()) as { data?: { person?: { name?: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.person?.name).toBe(person.name);

    // Spans arrive in batches (200 ms here): wait until the gateway's and both subgraphs' have come.
    const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const until = Date.now() + 20_000;
    const complete = () => {
      const names = new Set(ofTrace().map((s) => `${s.service}:${s.name}`));
      return ['gateway:identify', 'gateway:policy.decide', 'gateway:gateway.plan', 'gateway:audit.commit', 'subgraph-population:graphql.http', 'subgraph-licence:graphql.http'].every((n) => names.has(n));
    };
    while (!complete() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    const spans = ofTrace();
    const names = spans.map((s) => `${s.service}:${s.name}`);
    for (const expected of ['gateway:graphql.http', 'gateway:identify', 'gateway:policy.state', 'gateway:policy.decide', 'gateway:gateway.request', 'gateway:gateway.plan', 'gateway:gateway.fetch', 'gateway:audit.commit', 'subgraph-population:graphql.http', 'subgraph-licence:graphql.http']) {
      expect(names).toContain(expected);
    }
    // One trace: the gateway's outermost span is the client's child; each subgraph's span is the child of a gateway.fetch.
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const root = spans.find((s) => s.service === 'gateway' && s.name === 'graphql.http')!;
    expect(root.parentSpanId).toBe(clientSpan);
    for (const sub of spans.filter((s) => s.service.startsWith('subgraph-'))) {
      if (sub.name !== 'graphql.http') continue;
      expect(byId.get(sub.parentSpanId!)?.name).toBe('gateway.fetch');
    }
    // Every other span hangs inside the trace (its parent was received too).
    for (const span of spans) if (span !== root && span.service === 'gateway') expect(byId.has(span.parentSpanId!)).toBe(true);
    // No personal identifier anywhere in what was exported.
    const exported = JSON.stringify(receiver.spans);
    expect(exported).not.toContain(person.idNumber);
    expect(exported).not.toContain(person.name);
  }, 60_000);
});
