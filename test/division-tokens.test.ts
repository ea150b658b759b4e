// Tokens of institutions in every county of Yunnan, Guizhou and Sichuan are accepted (issue 14 item 4):
// the platform carries the complete GB/T 2260 lists, so a county of Zhaotong (530602 昭阳区) or Dehong
// (533102 瑞丽市), once refused as "no valid division code", now reaches its grants. A code outside the
// lists is still refused. Over HTTP against the running channel, with real signed JWTs.
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { makeCreditCode } from '../lib/identifiers';
import { DEFAULT_SEED, personAt } from '../subgraphs/seed/generator';

const DAY = 24 * 3600 * 1000;
const SCENARIO = 'county-social-assistance';
// Civil affairs bureaus (民政局) registered in the two counties.
const ZHAOYANG = makeCreditCode('1', '1', '530602', '01530602');
const RUILI = makeCreditCode('1', '1', '533102', '01533102');

const GRANTS = [ZHAOYANG, RUILI].map((org) => ({
  id: `g-${org}`,
  grantee: { kind: 'institution', id: org },
  scenario: SCENARIO,
  fields: ['Person.name'],
  plain: ['Person.name'],
  validFrom: new Date(Date.now() - DAY).toISOString(),
  validUntil: new Date(Date.now() + DAY).toISOString(),
}));

const QUERY = 'query($id: ID!) { person(idNumber: $id) { name } }';

describe('tokens carry any division of the three provinces', () => {
  const credentials = new Credentials();
  const person = personAt(DEFAULT_SEED, 0); // the subgraphs seed from the same generator
  let stack: Stack;

  const ask = async (org: string, div: string) => graphql(stack.gatewayUrl, QUERY, { id: person.idNumber }, {
    authorization: `Bearer ${await credentials.token({ org, div, sub: `op-${div}` })}`,
    'x-scenario-id': SCENARIO,
  });

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile(GRANTS), ...credentials.env() });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it.each([
    ['530602 昭通市昭阳区', ZHAOYANG, '530602'],
    ['533102 德宏州瑞丽市', RUILI, '533102'],
  ])('accepts a token from %s and applies its grant', async (_label, org, div) => {
    const result = await ask(org, div);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data?.person.name).toBe(person.name); // granted plain, so not masked
  });

  it.each([
    ['530699: well-formed, but no division of Zhaotong has it', '530699'],
    ['110101: a real division (Beijing), outside the platform', '110101'],
    ['5306: not six digits', '5306'],
  ])('refuses a token whose division is %s', async (_label, div) => {
    const result = await ask(ZHAOYANG, div);
    expect(result.status).toBe(401);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CLAIMS' });
  });
});
