// What a field's level demands at run time (directives/levels.ts), for the levels the served schema
// does not use (CORE, a dataset graded L4): the stack tests in test/levels-act.test.ts cover L4 and
// IMPORTANT fields end to end. GB/T 43697-2024: IMPORTANT = 重要数据, CORE = 核心数据.
import { readCatalog } from '../../directives/catalog';
import { applicationLevels, highLevelCoordinates, reviewPath } from '../../directives/levels';
import { POLICY_VOCABULARY_SDL } from '../support/policy-vocabulary';

const catalog = readCatalog(`
  ${POLICY_VOCABULARY_SDL}
  type Parcel @dataset(code: "T-1", name: "地块", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: L2) {
    id: ID! @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)
    owner: String @share(attribute: CONDITIONAL, condition: "经批准") @open(attribute: NONE) @level(level: L4)
    coordinates: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: CORE)
  }
  type Borehole @dataset(code: "T-2", name: "钻孔", provider: "p", providerCode: "c", updateFrequency: "每月", resourceKind: "基础", level: L4) {
    id: ID! @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
  }
  type Query {
    parcel(id: ID!): Parcel @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)
    parcelCount: Int @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: IMPORTANT)
  }
`);

describe('what levels demand of applications and reads (issue 14 item 5)', () => {
  it('counts L4, IMPORTANT and CORE as L4+, a field graded by its dataset included (就高从严), each once and sorted', () => {
    expect(highLevelCoordinates(catalog, ['Parcel.id', 'Query.parcelCount', 'Parcel.owner', 'Borehole.id', 'Parcel.coordinates', 'Parcel.owner', 'Query.parcel', 'No.such']))
      .toEqual(['Borehole.id', 'Parcel.coordinates', 'Parcel.owner', 'Query.parcelCount']);
  });

  it('names CORE and IMPORTANT fields as never auto-approved, L4+ fields asked plain as needing a reason (Data Security Law Art.21)', () => {
    expect(applicationLevels(catalog, ['Parcel.id', 'Parcel.coordinates', 'Parcel.owner', 'Query.parcelCount'], ['Parcel.id', 'Parcel.owner'])).toEqual({
      highLevel: ['Parcel.coordinates', 'Parcel.owner', 'Query.parcelCount'],
      importantOrCore: ['Parcel.coordinates', 'Query.parcelCount'],
      plainHighLevel: ['Parcel.owner'],
    });
    expect(applicationLevels(catalog, ['Parcel.id', 'Query.parcel'], ['Parcel.id'])).toEqual({ highLevel: [], importantOrCore: [], plainHighLevel: [] });
  });
});

describe('the review path levels impose, whatever the profile (issue 14 item 5)', () => {
  const yunnan = { approvalStages: ['provider'], autoApproveUnconditional: false };
  const ganzi = { approvalStages: ['provider'], autoApproveUnconditional: true };
  const share = (unconditional: boolean) => ({ purpose: 'SHARE' as const, unconditional });

  it('keeps the profile\'s path for data below L4: Ganzi Art.18 ¶2 auto-approval, Yunnan Art.29 the provider', () => {
    const none = applicationLevels(catalog, ['Parcel.id'], []);
    expect(reviewPath(none, share(true), ganzi)).toEqual({ autoApprove: true, stages: ['platform'], levelReview: false, autoApprovalWithheld: false });
    expect(reviewPath(none, share(true), yunnan)).toEqual({ autoApprove: false, stages: ['provider'], levelReview: false, autoApprovalWithheld: false });
  });

  it.each([
    ['a CORE field', ['Parcel.coordinates']],
    ['an IMPORTANT root field', ['Query.parcelCount']],
    ['a field of an L4 dataset', ['Borehole.id']],
  ])('never auto-approves %s and sends it to the data authority, then the provider (Data Security Law Art.21; Guiyang-Gui\'an Art.22 ¶2)', (_label, fields) => {
    const levels = applicationLevels(catalog, fields, []);
    expect(reviewPath(levels, share(true), ganzi)).toEqual({ autoApprove: false, stages: ['big-data-department', 'provider'], levelReview: true, autoApprovalWithheld: true });
    expect(reviewPath(levels, share(true), yunnan)).toEqual({ autoApprove: false, stages: ['big-data-department', 'provider'], levelReview: true, autoApprovalWithheld: false });
  });

  it('sends conditional and open-data applications for L4 data to both reviewers too', () => {
    const levels = applicationLevels(catalog, ['Parcel.owner'], []);
    expect(reviewPath(levels, share(false), ganzi).stages).toEqual(['big-data-department', 'provider']);
    expect(reviewPath(levels, { purpose: 'OPEN', unconditional: false }, ganzi).stages).toEqual(['big-data-department', 'provider']);
  });
});
