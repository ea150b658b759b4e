// 脱敏: one function per strategy. Defaults follow common practice (REQUIREMENTS.md §National
// standards); the kept characters are settings. A value too short to mask safely is hidden entirely,
// so a mask never reveals more than its rule allows.
import crypto from 'node:crypto';
import type { MaskStrategy } from './vocabulary';

export interface KeepEnds {
  start: number;
  end: number;
}

export interface MaskSettings {
  idNumber: KeepEnds;
  phone: KeepEnds;
  creditCode: KeepEnds;
  /** Secret for HASH masks (HMAC-SM3), so hashes join records without being reversible by lookup. */
  hashKey: string;
}

export const DEFAULT_MASK_SETTINGS: MaskSettings = {
  idNumber: { start: 6, end: 4 },
  phone: { start: 3, end: 4 },
  creditCode: { start: 8, end: 2 },
  hashKey: 'development hash key — set MASK_HASH_KEY',
};

const HIDDEN = '*';
const REDACTED = '******';

// 复姓: the surname a NAME mask keeps is two characters for these.
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '端木', '独孤', '南宫', '西门', '百里',
]);

/** Keeps `start` leading and `end` trailing characters; hides all when the value is too short. */
export function keepEnds(value: string, { start, end }: KeepEnds): string {
  const chars = [...value];
  if (chars.length <= start + end) return HIDDEN.repeat(chars.length);
  return chars.slice(0, start).join('') + HIDDEN.repeat(chars.length - start - end) + chars.slice(chars.length - end).join('');
}

export function maskName(value: string): string {
  const chars = [...value];
  const surnameLength = COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  if (chars.length <= surnameLength) return HIDDEN.repeat(chars.length);
  return chars.slice(0, surnameLength).join('') + HIDDEN.repeat(chars.length - surnameLength);
}

// Province, prefecture and county parts of a Chinese address, matched one after the other from the
// start; everything after them is hidden. A part never contains street-level words or digits, and a
// 区 that is a residential or scenic area (小区, 社区 …) is not a district.
const NOT_ADMINISTRATIVE = '省市区县旗路街道巷弄号栋楼幢村组室单元\\d\\s';
const PROVINCE = new RegExp(`^[^${NOT_ADMINISTRATIVE}]{2,7}?(?:省|自治区)`, 'u');
const PREFECTURE = new RegExp(`^[^${NOT_ADMINISTRATIVE}]{1,10}?(?:市|自治州|地区|盟|州(?!市))`, 'u');
const COUNTY = new RegExp(`^[^${NOT_ADMINISTRATIVE}]{1,8}?(?:区|县|市|旗)`, 'u');
const NOT_A_DISTRICT = /(?:小|社|园|景|校|厂|矿|营|片|街)区$/u;

export function maskAddress(value: string): string {
  let kept = '';
  for (const part of [PROVINCE, PREFECTURE, COUNTY]) {
    const match = part.exec(value.slice(kept.length));
    if (match && !(part === COUNTY && NOT_A_DISTRICT.test(match[0]))) kept += match[0];
  }
  if (kept.length === 0 || kept.length >= value.length) return REDACTED;
  return `${kept}${REDACTED}`;
}

export function maskDateToYear(value: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? `${value.slice(0, 4)}-**-**` : REDACTED;
}

export function hashForJoin(value: string, key: string): string {
  return crypto.createHmac('sm3', key).update(value, 'utf8').digest('hex').slice(0, 32);
}

export function maskValue(strategy: MaskStrategy, value: string, settings: MaskSettings = DEFAULT_MASK_SETTINGS): string {
  switch (strategy) {
    case 'ID_NUMBER':
      return keepEnds(value, settings.idNumber);
    case 'NAME':
      return maskName(value);
    case 'PHONE':
      return keepEnds(value, settings.phone);
    case 'ADDRESS':
      return maskAddress(value);
    case 'DATE_TO_YEAR':
      return maskDateToYear(value);
    case 'CREDIT_CODE':
      return keepEnds(value, settings.creditCode);
    case 'HASH':
      return hashForJoin(value, settings.hashKey);
    case 'REDACT':
      return REDACTED;
  }
}
