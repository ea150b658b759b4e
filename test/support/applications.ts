// The control plane's application flow as the suites drive it through a gateway: an institution files
// an application for Person.name, the provider approves it (it becomes a grant). Shared by
// test/control-plane.test.ts and test/replicas.test.ts.
import { graphql } from './graphql';
export const INSTITUTION = '11530100015301017M';
export const POLICE = '11530000015200013A'; // provider of 人口基础信息 (Person)
export const PERSON_NAME = 'query($id: ID!) { person(idNumber: $id) { name gender } }';

export const APPLY = `mutation($input: ApplicationInput!) { applyForAccess(input: $input) {
  id status currentStage stages dueOn overdue grantId steps { stage action dueOn } } }`;
export const DECIDE = `mutation($id: ID!, $approve: Boolean!, $basis: String) { decideApplication(id: $id, approve: $approve, legalBasis: $basis) {
  id status currentStage grantId refusalBasis steps { stage action } } }`;

export const application = (scenario: string) => ({
  scenario,
  scenarioName: '低保家庭经济状况核对',
  description: '核对申请人户籍与身份信息',
  legalBasis: '《社会救助暂行办法》第十一条',
  fields: ['Person.name'],
  plain: ['Person.name'],
  // The purpose undertaking (Guiyang Art.23, Ganzi Art.19); the other profiles ask none and ignore it.
  purposeUndertaking: true,
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
});

/** A developer accepts, through the API, every agreement in force (what the portal asks before open-data applications and keys). */
export async function acceptAgreementsInForce(gatewayUrl: string, developer: Record<string, string>): Promise<void> {
  const inForce: any = await graphql(gatewayUrl, '{ agreements { kind version } }', {}, developer);
  if (inForce.errors) throw new Error(`agreements: ${JSON.stringify(inForce.errors)}`);
  for (const { kind, version } of inForce.data.agreements) {
    const accepted: any = await graphql(gatewayUrl, 'mutation($kind: String!, $version: String!) { acceptAgreement(kind: $kind, version: $version) { accepted } }', { kind, version }, developer);
    if (accepted.errors) throw new Error(`acceptAgreement ${kind} v${version}: ${JSON.stringify(accepted.errors)}`);
  }
}
