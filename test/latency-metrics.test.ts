// End-to-end latency histogram (issue 16 item 4): every GraphQL answer is observed once in
// gateway_request_seconds, labelled only by operation type and outcome (low cardinality).
import { metricsUrlOf, startStack, type Stack } from './support/stack';

let stack: Stack;

/** The histogram's observation counts, one line per label set (none before the first observation). */
async function countSeries(metricsUrl: string): Promise<string[]> {
  const lines = (await (await fetch(metricsUrl)).text()).split('\n');
  expect(lines).toContain('# TYPE gateway_request_seconds histogram');
  return lines.filter((line) => line.startsWith('gateway_request_seconds_count{'));
}

const total = (series: string[]): number => series.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

beforeAll(async () => {
  stack = await startStack();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

test('each answered query is one observation labelled by operation type and outcome', async () => {
  const metrics = metricsUrlOf(stack.gatewayUrl);
  const before = total(await countSeries(metrics));
  const response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(response.status).toBeLessThan(500);
  const series = await countSeries(metrics);
  expect(total(series)).toBe(before + 1);
  expect(series.some((line) => /operation="query",outcome="(allowed|denied|partial|error)"/.test(line))).toBe(true);
  // Only the two labels: no operation names, callers or paths can grow the series.
  for (const line of series) expect(line).toMatch(/^gateway_request_seconds_count\{operation="\w+",outcome="\w+"\} \d+$/);
});
