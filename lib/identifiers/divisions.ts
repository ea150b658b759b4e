// GB/T 2260 administrative division codes covered by the platform: every province-, prefecture- and
// county-level division of Yunnan (53), Guizhou (52) and Sichuan (51), loaded from divisions-53-52-51.json.
// A code is PPCCDD: province, prefecture, county; a trailing "00" pair means "this level and below".
import divisionTable from './divisions-53-52-51.json';

export type DivisionLevel = 'province' | 'prefecture' | 'county';

export interface Division {
  code: string;
  name: string;
  level: DivisionLevel;
  parent: string | null;
}

export type DivisionCodeProblem = 'FORMAT' | 'UNKNOWN';
export type DivisionCodeCheck =
  | { ok: true }
  | { ok: false; reason: DivisionCodeProblem; zh: string; en: string };

/** A code's level follows from its trailing zeros: PP0000 a province, PPCC00 a prefecture, else a county. */
function divisionFromCode(code: string, name: string): Division {
  if (code.endsWith('0000')) return { code, name, level: 'province', parent: null };
  if (code.endsWith('00')) return { code, name, level: 'prefecture', parent: `${code.slice(0, 2)}0000` };
  return { code, name, level: 'county', parent: `${code.slice(0, 4)}00` };
}

// The complete lists are data, not code: see the file's "source" line for where they come from.
export const DIVISIONS: readonly Division[] = Object.freeze(
  divisionTable.divisions.map(([code, name]) => Object.freeze(divisionFromCode(code, name))),
);

const BY_CODE: ReadonlyMap<string, Division> = new Map(DIVISIONS.map((d) => [d.code, d]));

export const COUNTY_CODES: readonly string[] = Object.freeze(
  DIVISIONS.filter((d) => d.level === 'county').map((d) => d.code),
);

export function isKnownDivision(code: string): boolean {
  return BY_CODE.has(code);
}

export function divisionOf(code: string): Division | undefined {
  return BY_CODE.get(code);
}

/** The division's own name, e.g. "五华区"; undefined for codes outside the table. */
export function divisionName(code: string): string | undefined {
  return BY_CODE.get(code)?.name;
}

/** Names from province down, e.g. "云南省昆明市五华区"; works for any level. */
export function fullDivisionName(code: string): string | undefined {
  const names: string[] = [];
  for (let d = BY_CODE.get(code); d; d = d.parent === null ? undefined : BY_CODE.get(d.parent)) {
    names.unshift(d.name);
  }
  return names.length > 0 ? names.join('') : undefined;
}

/** The code without trailing "00" pairs, so `code.startsWith(divisionPrefix(area))` tests containment. */
export function divisionPrefix(code: string): string {
  let prefix = code;
  while (prefix.length > 2 && prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return prefix;
}

export function validateDivisionCode(s: string): DivisionCodeCheck {
  if (!/^\d{6}$/.test(s)) {
    return {
      ok: false,
      reason: 'FORMAT',
      zh: `行政区划代码应为6位数字，实为“${s}”`,
      en: `division code must be 6 digits, got "${s}"`,
    };
  }
  if (!BY_CODE.has(s)) {
    return {
      ok: false,
      reason: 'UNKNOWN',
      zh: `行政区划代码${s}不在本平台的区划表中`,
      en: `division code ${s} is not a division known to this platform`,
    };
  }
  return { ok: true };
}
