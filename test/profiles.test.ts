// Jurisdiction profiles: they load, say what the regulations say, and give hand-checked due dates.
import fs from 'node:fs';
import path from 'node:path';
import { loadCalendar } from '../subgraphs/platform/calendar/working-days';
import {
  ACTIVE_PROFILE_ENV, calendarFor, deadlineFor, knownProfileIds, loadActiveProfile, loadProfile,
  parseProfile, PROCEDURES, Procedure, regulationLapsed,
} from '../subgraphs/platform/profiles/profile';

const IDS = ['ganzi', 'guiyang-guian', 'kunming', 'yunnan'];
const cal = loadCalendar();
const beijing = (date: string) => new Date(`${date}T10:00:00+08:00`);

describe('loading', () => {
  it('knows the four profiles and every one loads', () => {
    expect(knownProfileIds()).toEqual(IDS);
    for (const id of IDS) {
      const p = loadProfile(id);
      expect(p.id).toBe(id);
      expect(p.calendar).toBe('cn-2025-2026.json');
      expect(calendarFor(p).coveredYears()).toEqual([2025, 2026]);
    }
  });

  it('an unknown id lists the known ones', () => {
    expect(() => loadProfile('shanghai'))
      .toThrow('unknown jurisdiction profile "shanghai"; known profiles: ganzi, guiyang-guian, kunming, yunnan');
    expect(() => loadProfile('../calendar/cn-2025-2026')).toThrow(/unknown jurisdiction profile/);
  });

  it(`${ACTIVE_PROFILE_ENV} picks the profile, Yunnan by default`, () => {
    expect(ACTIVE_PROFILE_ENV).toBe('JURISDICTION_PROFILE');
    expect(loadActiveProfile({}).id).toBe('yunnan');
    expect(loadActiveProfile({ JURISDICTION_PROFILE: 'ganzi' }).id).toBe('ganzi');
  });

  it('records each regulation and its in-force date', () => {
    expect(loadProfile('yunnan').regulation).toMatchObject({ title: '云南省公共数据管理办法（试行）', inForce: '2024-03-01' });
    expect(loadProfile('kunming').regulation).toMatchObject({ title: '昆明市公共数据管理办法', inForce: '2026-02-01' });
    expect(loadProfile('guiyang-guian').regulation.inForce).toBeNull(); // draft for comment
    expect(loadProfile('ganzi').regulation.inForce).toBe('2025-05-16');
  });
});

describe('what the regulations set', () => {
  it('every SLA cites an article, and a non-statutory one says why', () => {
    for (const id of IDS) {
      const p = loadProfile(id);
      for (const proc of Object.keys(PROCEDURES) as Procedure[]) {
        const e = p.sla[proc];
        expect(e.article).toMatch(/^(云南|昆明|贵阳贵安|甘孜) 第[一二三四五六七八九十]+条$/);
        if (e.basis !== 'statute') expect(e.notes).toBeTruthy();
      }
    }
  });

  it('Guiyang reviews conditional applications in two stages; the others in one', () => {
    expect(loadProfile('guiyang-guian').approvalStages).toEqual(['big-data-department', 'provider']);
    for (const id of ['yunnan', 'kunming', 'ganzi']) expect(loadProfile(id).approvalStages).toEqual(['provider']);
  });

  it('Ganzi grants unconditional applications automatically within 1 working day (第十八条)', () => {
    const ganzi = loadProfile('ganzi');
    expect(ganzi.autoApproveUnconditional).toBe(true);
    expect(ganzi.sla.unconditionalShareAnswer).toMatchObject({ workingDays: 1, article: '甘孜 第十八条', basis: 'statute' });
  });

  it('auto-approval follows the text: Guiyang 直接获取 yes, Yunnan and Kunming no', () => {
    expect(loadProfile('guiyang-guian').autoApproveUnconditional).toBe(true);
    expect(loadProfile('yunnan').autoApproveUnconditional).toBe(false);
    expect(loadProfile('kunming').autoApproveUnconditional).toBe(false);
  });

  it.each([
    ['yunnan', 'unconditionalShareDelivery', 2, '云南 第二十九条'],
    ['yunnan', 'conditionalShareAnswer', 5, '云南 第二十九条'],
    ['yunnan', 'conditionalShareDelivery', 5, '云南 第二十九条'],
    ['yunnan', 'objectionAnswer', 5, '云南 第二十二条'],
    ['yunnan', 'dataReturnAnswer', 5, '云南 第十八条'],
    ['guiyang-guian', 'conditionalShareAnswer', 5, '贵阳贵安 第二十二条'],
    ['guiyang-guian', 'conditionalOpenAnswer', 10, '贵阳贵安 第三十条'],
    ['guiyang-guian', 'conditionalOpenDelivery', 5, '贵阳贵安 第三十条'],
    ['guiyang-guian', 'objectionAnswer', 10, '贵阳贵安 第二十四条'],
    ['guiyang-guian', 'feedbackDays', 10, '贵阳贵安 第二十二条'],
    ['ganzi', 'conditionalShareAnswer', 5, '甘孜 第十八条'],
    ['ganzi', 'conditionalOpenAnswer', 5, '甘孜 第二十六条'],
    ['ganzi', 'demandAnswer', 5, '甘孜 第二十一条'],
  ] as const)('%s %s: %i working days, statute %s', (id, proc, days, article) => {
    expect(loadProfile(id).sla[proc]).toMatchObject({ workingDays: days, article, basis: 'statute' });
  });

  it('demand lists (需求清单): the authority settles them without a day count, except Ganzi\'s provider in 5 (Yunnan Art.28 ¶2, Kunming Art.16 ¶2, Guiyang Art.22 ¶5, Ganzi Art.21)', () => {
    expect(loadProfile('yunnan').sla.demandAnswer).toMatchObject({ workingDays: null, article: '云南 第二十八条', basis: 'none' });
    expect(loadProfile('kunming').sla.demandAnswer).toMatchObject({ workingDays: null, article: '昆明 第十六条', basis: 'none' });
    expect(loadProfile('guiyang-guian').sla.demandAnswer).toMatchObject({ workingDays: null, article: '贵阳贵安 第二十二条', basis: 'none' });
    // Filed on Friday 2026-01-09: Mon 12 … Fri 16 are the 5 working days.
    expect(deadlineFor(loadProfile('ganzi'), 'demandAnswer', beijing('2026-01-09'), cal).due).toBe('2026-01-16');
  });

  it('Ganzi Art.18 ¶2: only Ganzi lists what a conditional-share application must state', () => {
    expect(loadProfile('ganzi').conditionalShareContents).toEqual({ required: ['legalBasis', 'businessGoal', 'securityMeasures'], article: '甘孜 第十八条' });
    for (const id of ['yunnan', 'kunming', 'guiyang-guian']) expect(loadProfile(id).conditionalShareContents).toBeUndefined();
  });

  it('Ganzi Art.45: the measures are valid for 2 years from 2025-05-16, then lapse; the others have no term', () => {
    const ganzi = loadProfile('ganzi');
    expect(ganzi.regulation).toMatchObject({ inForce: '2025-05-16', validUntil: '2027-05-15' });
    expect(regulationLapsed(ganzi, '2027-05-15')).toBe(false);
    expect(regulationLapsed(ganzi, '2027-05-16')).toBe(true);
    for (const id of ['yunnan', 'kunming', 'guiyang-guian']) {
      expect(loadProfile(id).regulation.validUntil).toBeUndefined();
      expect(regulationLapsed(loadProfile(id), '2099-01-01')).toBe(false);
    }
  });

  it('Yunnan objections may be extended to 10; Guiyang\'s may not', () => {
    expect(loadProfile('yunnan').sla.objectionAnswer.extendableTo).toBe(10);
    expect(loadProfile('guiyang-guian').sla.objectionAnswer.extendableTo).toBeUndefined();
  });

  it('where a regulation is silent it inherits the Yunnan figure and article', () => {
    const yunnan = loadProfile('yunnan');
    let inherited = 0;
    for (const id of ['kunming', 'guiyang-guian', 'ganzi']) {
      const p = loadProfile(id);
      for (const proc of Object.keys(PROCEDURES) as Procedure[]) {
        if (p.sla[proc].basis !== 'inherited') continue;
        inherited++;
        const { workingDays, extendableTo, article } = yunnan.sla[proc];
        const own = p.sla[proc];
        expect({ id, proc, workingDays: own.workingDays, extendableTo: own.extendableTo, article: own.article })
          .toEqual({ id, proc, workingDays, extendableTo, article });
      }
    }
    expect(inherited).toBeGreaterThan(0);
    // Guiyang 第二十五条 and Ganzi 第二十条 set no day count for data return.
    expect(loadProfile('guiyang-guian').sla.dataReturnAnswer.basis).toBe('inherited');
    expect(loadProfile('ganzi').sla.dataReturnAnswer.basis).toBe('inherited');
  });
});

describe('deadlineFor (expected dates worked out by hand from the calendar)', () => {
  it.each([
    // Friday before National Day 2025: 09-28 Sun worked, 10-01..08 off, 10-11 Sat worked.
    ['ganzi', 'unconditionalShareAnswer', '2025-09-26', '2025-09-28', 1, '甘孜 第十八条'],
    ['yunnan', 'unconditionalShareDelivery', '2025-09-26', '2025-09-29', 2, '云南 第二十九条'],
    ['yunnan', 'conditionalShareAnswer', '2025-09-26', '2025-10-10', 5, '云南 第二十九条'],
    ['guiyang-guian', 'unconditionalShareAnswer', '2025-09-26', '2025-09-26', 0, '贵阳贵安 第二十二条'],
    // Thursday before Mid-Autumn 2026 (09-25..27) and National Day (10-01..07); 10-10 Sat worked.
    ['guiyang-guian', 'conditionalOpenAnswer', '2026-09-24', '2026-10-15', 10, '贵阳贵安 第三十条'],
    ['ganzi', 'conditionalOpenAnswer', '2026-09-24', '2026-10-09', 5, '甘孜 第二十六条'],
    // Spring Festival 2026: 02-14 Sat worked, 02-15..23 off, 02-28 Sat worked.
    ['guiyang-guian', 'objectionAnswer', '2026-02-12', '2026-03-04', 10, '贵阳贵安 第二十四条'],
    ['kunming', 'conditionalShareAnswer', '2026-02-12', '2026-02-26', 5, '云南 第二十九条'],
    // Year boundary: 2026-01-01..03 off, 01-04 Sun worked.
    ['kunming', 'dataReturnAnswer', '2025-12-30', '2026-01-07', 5, '云南 第十八条'],
    ['ganzi', 'unconditionalShareDelivery', '2025-12-30', '2026-01-04', 2, '云南 第二十九条'],
  ] as const)('%s %s from %s → %s', (id, proc, start, due, workingDays, article) => {
    expect(deadlineFor(loadProfile(id), proc, beijing(start), cal)).toEqual({ due, workingDays, article });
  });

  it('uses the extension the article allows (云南 第二十二条: 5 → 10)', () => {
    const yunnan = loadProfile('yunnan');
    expect(deadlineFor(yunnan, 'objectionAnswer', beijing('2025-09-26'), cal, { extended: true }))
      .toEqual({ due: '2025-10-16', workingDays: 10, article: '云南 第二十二条' });
    expect(() => deadlineFor(loadProfile('guiyang-guian'), 'objectionAnswer', beijing('2025-09-26'), cal, { extended: true }))
      .toThrow(/cannot be extended/);
  });

  it('counts from the Beijing calendar day of startedAt', () => {
    // 2025-09-28T16:30Z is 09-29 00:30 in Beijing: 1 working day later is 09-30, not 09-29.
    expect(deadlineFor(loadProfile('ganzi'), 'unconditionalShareAnswer', new Date('2025-09-28T16:30:00Z'), cal).due)
      .toBe('2025-09-30');
  });

  it('refuses a deadline the profile does not have', () => {
    expect(() => deadlineFor(loadProfile('yunnan'), 'feedbackDays', beijing('2025-09-26'), cal))
      .toThrow(/profile yunnan sets no deadline for feedbackDays/);
  });

  it('passes on the calendar\'s out-of-range error', () => {
    expect(() => deadlineFor(loadProfile('yunnan'), 'conditionalShareAnswer', beijing('2026-12-30'), cal))
      .toThrow(/2027-01-01 is outside the working-day calendar/);
  });
});

describe('strict validation', () => {
  const file = path.join(__dirname, '../subgraphs/platform/profiles/yunnan.json');
  const fresh = () => JSON.parse(fs.readFileSync(file, 'utf8'));

  it('accepts the shipped file', () => {
    expect(parseProfile(fresh(), file).id).toBe('yunnan');
  });

  it.each([
    ['a missing procedure', (p: any) => { delete p.sla.objectionAnswer; }, 'yunnan.json: sla.objectionAnswer: missing'],
    ['an unknown field', (p: any) => { p.sla.conditionalShareAnswer.days = 5; }, 'yunnan.json: sla.conditionalShareAnswer.days: unknown field'],
    ['a bad article', (p: any) => { p.sla.dataReturnAnswer.article = 'Art.18'; }, 'yunnan.json: sla.dataReturnAnswer.article: "Art.18" is not an article'],
    ['a null deadline with a statute', (p: any) => { p.sla.dataReturnAnswer.workingDays = null; }, 'yunnan.json: sla.dataReturnAnswer.workingDays: expected a whole number'],
    ['an unknown stage', (p: any) => { p.approvalStages = ['mayor']; }, 'yunnan.json: approvalStages[0]: "mayor" is not one of'],
    ['inheritance from elsewhere', (p: any) => { p.sla.dataReturnAnswer = { workingDays: 5, article: '甘孜 第二十条', basis: 'inherited', notes: 'x' }; }, 'sla.dataReturnAnswer.article: an inherited value cites the Yunnan article'],
    ['a non-statutory value without notes', (p: any) => { delete p.sla.conditionalOpenAnswer.notes; }, 'sla.conditionalOpenAnswer.notes: required when basis is "platform-default"'],
    ['a missing calendar', (p: any) => { p.calendar = 'cn-2031.json'; }, 'yunnan.json: calendar: "cn-2031.json" is not a file in subgraphs/platform/calendar/'],
    ['a bad extension', (p: any) => { p.sla.objectionAnswer.extendableTo = 3; }, 'sla.objectionAnswer.extendableTo: expected a whole number larger than workingDays'],
    ['a term ending before it starts', (p: any) => { p.regulation.inForce = '2025-05-16'; p.regulation.validUntil = '2025-01-01'; }, 'yunnan.json: regulation.validUntil: is before inForce'],
    ['an unknown application content', (p: any) => { p.conditionalShareContents = { required: ['horoscope'], article: '甘孜 第十八条' }; }, 'yunnan.json: conditionalShareContents.required[0]: "horoscope" is not legalBasis, businessGoal or securityMeasures'],
    ['a term that is not a date', (p: any) => { p.regulation.validUntil = 'two years'; }, 'yunnan.json: regulation.validUntil: "two years" must be YYYY-MM-DD'],
  ])('rejects %s, naming file and field', (_what, mutate, message) => {
    const p = fresh();
    mutate(p);
    expect(() => parseProfile(p, file)).toThrow(message);
  });
});
