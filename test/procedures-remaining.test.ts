// Issue 17, the remaining procedures, through the gateway on the profile(s) each belongs to, on the
// embedded store and on PostgreSQL:
// - a confirmed correction reaches the provider's record (Yunnan Art.22), through a write path only
//   the platform can use;
// - risk review of a grant that would join personal data across datasets (Yunnan Art.44, Kunming Art.27);
// - grants end when their agreement ends (Yunnan Art.45 ¶2, as applied to sharing agreements);
// - purpose change only with the provider's consent, no onward transfer, periodic review (Guiyang
//   Art.23, Ganzi Art.19);
// - Kunming's objections through the data authority (Yunnan Art.22 ¶2, which Kunming implements).
import { application, APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix, platformSql } from './support/services';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { personAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { signatureHeaders } from '../protocol/signature';
import { RECORD_CORRECTION_PATH, recordCorrectionAudience, serviceUrl } from '../protocol/internal-paths';

type Sql = (text: string, params: unknown[]) => Promise<unknown[]>;

const CHECK_SCENARIO = 'correction-check';
const OBJECTION = 'id status corrected answer corrections { field oldValue newValue correctedBy correctedAt }';
const ANSWER = `mutation($id: ID!, $corrected: Boolean!, $answer: String!, $corrections: [FieldCorrectionInput!]) {
  answerObjection(id: $id, corrected: $corrected, answer: $answer, corrections: $corrections) { ${OBJECTION} } }`;
const ADDRESS = 'query($id: ID!) { person(idNumber: $id) { householdAddress } }';

function remainingSuite(profileId: string, env: () => NodeJS.ProcessEnv, sql?: Sql): void {
  const credentials = new Credentials();
  const validUntil = new Date(Date.now() + 300 * 86_400_000).toISOString();
  // The institution may read household addresses plainly (to see a correction arrive).
  const grantsFile = writeGrantsFile([{ id: 'rs-address-check', grantee: { kind: 'institution', id: INSTITUTION }, scenario: CHECK_SCENARIO,
    fields: ['Query.person', 'Person.householdAddress'], plain: ['Person.householdAddress'], validFrom: '2025-01-01T00:00:00Z', validUntil }]);
  const profile = loadProfile(profileId);
  let stack: Stack;
  let institution: Record<string, string>;
  let provider: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: profileId, ...credentials.env(), ...env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-rs' })}` };
    provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer-rs' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin-rs' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  if (profileId === 'yunnan') {
    it('Yunnan Art.22: a correction the provider confirms reaches its record; the objection shows what changed, masked', async () => {
      const me = personAt(DEFAULT_SEED, 12);
      const subject = { authorization: `Bearer ${await credentials.subjectToken(me.idNumber)}` };
      const asChecker = { ...institution, 'x-scenario-id': CHECK_SCENARIO };
      const before: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(before.errors).toBeUndefined();
      expect(before.data.person.householdAddress).toBe(me.householdAddress);
      const raised: any = await graphql(stack.gatewayUrl, `mutation($ref: String!) { raiseObjection(dataset: "530000-GA-0001", recordRef: $ref, field: "householdAddress", description: "户籍地址已迁移，记录未更新") { ${OBJECTION} } }`, { ref: `Person:${me.idNumber}` }, subject);
      expect(raised.errors).toBeUndefined();
      const id = raised.data.raiseObjection.id;
      const corrected = '云南省昆明市盘龙区北京路1号';

      // Refused with a coded error, changing nothing: no value, another field, a value for "not corrected", a normal token.
      const refusals: [Record<string, unknown>, Record<string, string>, string][] = [
        [{ corrected: true, corrections: [] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'name', value: '张三' }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'idNumber', value: '530102199001011234' }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: false, corrections: [{ field: 'householdAddress', value: corrected }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'householdAddress', value: corrected }] }, institution, 'FORBIDDEN'],
        [{ corrected: true, corrections: [{ field: 'householdAddress', value: corrected }] }, subject, 'FORBIDDEN'],
      ];
      for (const [args, who, code] of refusals) {
        const refused: any = await graphql(stack.gatewayUrl, ANSWER, { id, answer: '已更正', ...args }, who);
        expect(refused.errors?.[0].extensions.code).toBe(code);
      }
      const unchanged: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(unchanged.data.person.householdAddress).toBe(me.householdAddress);

      const answered: any = await graphql(stack.gatewayUrl, ANSWER, { id, corrected: true, answer: '经核实，已按迁移登记更正', corrections: [{ field: 'householdAddress', value: corrected }] }, provider);
      expect(answered.errors).toBeUndefined();
      expect(answered.data.answerObjection).toMatchObject({ status: 'answered', corrected: true });
      const [change] = answered.data.answerObjection.corrections;
      expect(change).toMatchObject({ field: 'householdAddress', correctedBy: `institution:${POLICE}/reviewer-rs` });
      // Masked as the catalog masks addresses (kept to the district), never the plain old value.
      expect(change.oldValue).not.toBe(me.householdAddress);
      expect(me.householdAddress.startsWith(change.oldValue.replace(/\*+$/, ''))).toBe(true);
      expect(change.newValue).not.toBe(corrected);
      expect(change.newValue).toMatch(/^云南省昆明市盘龙区/);

      const after: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(after.errors).toBeUndefined();
      expect(after.data.person.householdAddress).toBe(corrected);
      // The data subject sees what was changed on their objection.
      const seen: any = await graphql(stack.gatewayUrl, `{ objections { ${OBJECTION} } }`, undefined, subject);
      expect(seen.data.objections.find((o: any) => o.id === id).corrections).toEqual([change]);
    });

    it('Yunnan Art.22: the record write path answers the platform only — not an unsigned call, nor one signed as a gateway query', async () => {
      const url = serviceUrl(stack.subgraphUrls.population, RECORD_CORRECTION_PATH);
      const me = personAt(DEFAULT_SEED, 13);
      const body = JSON.stringify({ objection: 'objection-forged', key: me.idNumber, field: 'householdAddress', value: '伪造地址' });
      const post = (headers: Record<string, string>, sent = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sent });
      const unsigned = await post({});
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ error: 'UNSIGNED_REQUEST' });
      // The gateway's signature for the population subgraph's GraphQL endpoint does not open the write path.
      const asGateway = await post(signatureHeaders(credentials.keys.gatewaySubgraphSecret, { audience: 'population', method: 'POST', path: url.pathname, caller: 'record-correction', body }));
      expect(asGateway.status).toBe(401);
      const asChecker = { ...institution, 'x-scenario-id': CHECK_SCENARIO };
      const still: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(still.data.person.householdAddress).toBe(me.householdAddress);
      // Signed for the correction route, a request is served (here writing back the same value): the refusals above are the signature's.
      const same = JSON.stringify({ objection: 'objection-same', key: me.idNumber, field: 'householdAddress', value: me.householdAddress });
      const genuine = await post(signatureHeaders(credentials.keys.gatewaySubgraphSecret, { audience: recordCorrectionAudience('population'), method: 'POST', path: url.pathname, caller: 'record-correction', body: same }), same);
      expect(genuine.status).toBe(200);
      expect(await genuine.json()).toEqual({ old: me.householdAddress });
    });
  }
}

describe('remaining procedures on the embedded store (Yunnan)', () => {
  remainingSuite('yunnan', () => ({ DATABASE_URL: '' }));
});

describeWithPostgres('remaining procedures on PostgreSQL (Yunnan)', () => {
  const prefix = uniqueSchemaPrefix('procedures-remaining');
  remainingSuite('yunnan', () => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), platformSql(prefix));
  afterAll(() => dropSchemas(prefix));
});
