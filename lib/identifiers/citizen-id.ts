// GB 11643-1999 公民身份号码: 6-digit division code, 8-digit birth date (YYYYMMDD),
// 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character.

export type CitizenIdProblem = 'LENGTH' | 'CHARACTERS' | 'BIRTH_DATE' | 'CHECK_DIGIT';
export type CitizenIdCheck =
  | { ok: true }
  | { ok: false; reason: CitizenIdProblem; zh: string; en: string };

/** ISO 7064 MOD 11-2 weights of characters 1-17 (also used to count what a masked number still hides). */
export const CITIZEN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const WEIGHTS = CITIZEN_ID_WEIGHTS;
const CHECK_DIGITS = '10X98765432';
export const EARLIEST_BIRTH_YEAR = 1900;

export function citizenIdCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`expected 17 digits, got "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_DIGITS[sum % 11];
}

/**
 * Checks length, characters, birth date and check digit, in that order, and reports the first problem.
 * `today` (YYYY-MM-DD) bounds the birth date; it defaults to the current date in China (UTC+8).
 */
export function validateCitizenId(s: string, today: string = chinaToday()): CitizenIdCheck {
  // Count code points so that e.g. an emoji counts as one character in the message.
  const chars = Array.from(s);
  if (chars.length !== 18) {
    return fail('LENGTH',
      `公民身份号码应为18位，实为${chars.length}位`,
      `citizen identity number must have 18 characters, got ${chars.length}`);
  }
  for (let i = 0; i < 17; i++) {
    if (!isDigit(chars[i])) {
      return fail('CHARACTERS',
        `第${i + 1}位应为数字，实为“${chars[i]}”`,
        `character ${i + 1} must be a digit, got "${chars[i]}"`);
    }
  }
  const last = chars[17];
  if (last === 'x') {
    return fail('CHARACTERS',
      '第18位校验码应为大写字母X，不接受小写x',
      'check character 18 must be an upper-case X; lower-case x is not accepted');
  }
  if (!isDigit(last) && last !== 'X') {
    return fail('CHARACTERS',
      `第18位校验码应为数字或大写字母X，实为“${last}”`,
      `check character 18 must be a digit or upper-case X, got "${last}"`);
  }

  const year = Number(s.slice(6, 10));
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (!isCalendarDate(year, month, day)) {
    return fail('BIRTH_DATE',
      `第7至14位出生日期${s.slice(6, 14)}不是有效的日期`,
      `birth date ${birth} (characters 7-14) is not a real calendar date`);
  }
  if (year < EARLIEST_BIRTH_YEAR) {
    return fail('BIRTH_DATE',
      `出生年份${year}早于${EARLIEST_BIRTH_YEAR}年`,
      `birth year ${year} is before ${EARLIEST_BIRTH_YEAR}`);
  }
  if (birth > today) {
    return fail('BIRTH_DATE',
      `出生日期${birth}晚于当前日期${today}`,
      `birth date ${birth} is in the future (today is ${today})`);
  }

  const expected = citizenIdCheckDigit(s.slice(0, 17));
  if (last !== expected) {
    return fail('CHECK_DIGIT',
      `校验码应为${expected}，实为${last}`,
      `check digit should be ${expected}, got ${last}`);
  }
  return { ok: true };
}

/** Builds a valid id; `sequence` 0-999 is the order code, whose parity encodes gender (odd = male). */
export function makeCitizenId(division: string, birthDate: string, sequence: number): string {
  if (!/^\d{6}$/.test(division)) throw new RangeError(`division must be 6 digits, got "${division}"`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RangeError(`birth date must be a real YYYY-MM-DD date, got "${birthDate}"`);
  }
  if (Number(match[1]) < EARLIEST_BIRTH_YEAR) {
    throw new RangeError(`birth year must be ${EARLIEST_BIRTH_YEAR} or later, got ${match[1]}`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new RangeError(`sequence must be an integer 0-999, got ${sequence}`);
  }
  const first17 = division + match[1] + match[2] + match[3] + String(sequence).padStart(3, '0');
  return first17 + citizenIdCheckDigit(first17);
}

/** YYYY-MM-DD from characters 7-14. */
export function birthDateOfCitizenId(id: string): string {
  assertShape(id);
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** From the parity of character 17. */
export function genderOfCitizenId(id: string): 'MALE' | 'FEMALE' {
  assertShape(id);
  return (id.charCodeAt(16) - 48) % 2 === 1 ? 'MALE' : 'FEMALE';
}

function fail(reason: CitizenIdProblem, zh: string, en: string): CitizenIdCheck {
  return { ok: false, reason, zh, en };
}

function assertShape(id: string): void {
  if (!/^\d{17}[\dX]$/.test(id)) throw new RangeError(`not a citizen identity number: "${id}"`);
}

function isDigit(ch: string): boolean {
  return ch.length === 1 && ch >= '0' && ch <= '9';
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}

function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}
