// GB 32100-2015 统一社会信用代码: registration authority (1), organisation type (1), division code (6),
// GB 11714 organisation code (8 + its own check character) and a MOD 31 check character.

export type CreditCodeProblem = 'LENGTH' | 'CHARACTERS' | 'CHECK_CHARACTER' | 'ORGANISATION_CODE';
export type CreditCodeCheck =
  | { ok: true }
  | { ok: false; reason: CreditCodeProblem; zh: string; en: string };

/** The 31 characters of GB 32100; I, O, Z, S and V are left out to avoid confusion with 1, 0, 2, 5 and U. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const VALUE = new Map(Array.from(CREDIT_CODE_CHARSET, (ch, i) => [ch, i] as const));

export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`expected 17 characters, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = VALUE.get(first17[i]);
    if (value === undefined) throw new RangeError(`"${first17[i]}" is not a credit-code character`);
    sum += value * WEIGHTS[i];
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character of an 8-character organisation code body (0-9 and A-Z, A = 10). */
export function organisationCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new RangeError(`expected 8 digits or upper-case letters, got "${body8}"`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i], 36) * ORGANISATION_WEIGHTS[i];
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Checks length, characters, the overall check character and then the embedded organisation code. */
export function validateCreditCode(s: string): CreditCodeCheck {
  const chars = Array.from(s);
  if (chars.length !== 18) {
    return fail('LENGTH',
      `统一社会信用代码应为18位，实为${chars.length}位`,
      `unified social credit code must have 18 characters, got ${chars.length}`);
  }
  for (let i = 0; i < 18; i++) {
    const problem = characterProblem(chars[i], i + 1);
    if (problem) return problem;
  }
  const expected = creditCodeCheckChar(s.slice(0, 17));
  if (s[17] !== expected) {
    return fail('CHECK_CHARACTER',
      `第18位校验码应为${expected}，实为${s[17]}`,
      `check character 18 should be ${expected}, got ${s[17]}`);
  }
  const organisationCode = s.slice(8, 17);
  const expectedOrganisationCheck = organisationCodeCheckChar(organisationCode.slice(0, 8));
  if (organisationCode[8] !== expectedOrganisationCheck) {
    return fail('ORGANISATION_CODE',
      `第9至17位组织机构代码${organisationCode}的校验码应为${expectedOrganisationCheck}，实为${organisationCode[8]}`,
      `organisation code ${organisationCode} (characters 9-17) should end in check character ${expectedOrganisationCheck}, got ${organisationCode[8]}`);
  }
  return { ok: true };
}

/**
 * Builds a valid code, computing both the organisation-code check character and the final one.
 * `registration` e.g. '9' (market regulation), `orgType` e.g. '1' (enterprise), `orgBody8` 8 credit-code characters.
 */
export function makeCreditCode(registration: string, orgType: string, division: string, orgBody8: string): string {
  if (registration.length !== 1 || !VALUE.has(registration)) {
    throw new RangeError(`registration authority code must be one credit-code character, got "${registration}"`);
  }
  if (orgType.length !== 1 || !VALUE.has(orgType)) {
    throw new RangeError(`organisation type code must be one credit-code character, got "${orgType}"`);
  }
  if (!/^\d{6}$/.test(division)) throw new RangeError(`division must be 6 digits, got "${division}"`);
  if (orgBody8.length !== 8 || Array.from(orgBody8).some((ch) => !VALUE.has(ch))) {
    throw new RangeError(`organisation code body must be 8 credit-code characters, got "${orgBody8}"`);
  }
  const first17 = registration + orgType + division + orgBody8 + organisationCodeCheckChar(orgBody8);
  return first17 + creditCodeCheckChar(first17);
}

/** Characters 3-8: the division code of the registering authority. */
export function divisionOfCreditCode(code: string): string {
  if (code.length !== 18) throw new RangeError(`not a unified social credit code: "${code}"`);
  return code.slice(2, 8);
}

function characterProblem(ch: string, position: number): CreditCodeCheck | undefined {
  if (VALUE.has(ch)) return undefined;
  if (/^[a-z]$/.test(ch)) {
    return fail('CHARACTERS',
      `第${position}位“${ch}”应使用大写字母`,
      `character ${position} ("${ch}") must be an upper-case letter`);
  }
  if ('IOZSV'.includes(ch) && ch.length === 1) {
    return fail('CHARACTERS',
      `第${position}位“${ch}”不在统一社会信用代码字符集中（不使用I、O、Z、S、V）`,
      `character ${position} ("${ch}") is not in the credit-code character set (I, O, Z, S and V are not used)`);
  }
  return fail('CHARACTERS',
    `第${position}位“${ch}”不是数字或大写字母`,
    `character ${position} ("${ch}") is not a digit or an upper-case letter`);
}

function fail(reason: CreditCodeProblem, zh: string, en: string): CreditCodeCheck {
  return { ok: false, reason, zh, en };
}
