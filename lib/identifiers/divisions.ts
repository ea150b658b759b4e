// GB/T 2260 administrative division codes covered by the platform: parts of Yunnan, Guizhou and Sichuan.
// A code is PPCCDD: province, prefecture, county; a trailing "00" pair means "this level and below".

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

function province(code: string, name: string): Division {
  return { code, name, level: 'province', parent: null };
}
function prefecture(code: string, name: string, parent: string): Division {
  return { code, name, level: 'prefecture', parent };
}
function counties(parent: string, entries: ReadonlyArray<readonly [string, string]>): Division[] {
  return entries.map(([code, name]) => ({ code, name, level: 'county' as const, parent }));
}

export const DIVISIONS: readonly Division[] = Object.freeze([
  province('530000', '云南省'),
  prefecture('530100', '昆明市', '530000'),
  ...counties('530100', [
    ['530102', '五华区'], ['530103', '盘龙区'], ['530111', '官渡区'], ['530112', '西山区'],
    ['530113', '东川区'], ['530114', '呈贡区'], ['530115', '晋宁区'], ['530124', '富民县'],
    ['530125', '宜良县'], ['530126', '石林彝族自治县'], ['530127', '嵩明县'],
    ['530128', '禄劝彝族苗族自治县'], ['530129', '寻甸回族彝族自治县'], ['530181', '安宁市'],
  ]),
  prefecture('530300', '曲靖市', '530000'),
  ...counties('530300', [['530302', '麒麟区']]),
  prefecture('530400', '玉溪市', '530000'),
  ...counties('530400', [['530402', '红塔区']]),
  prefecture('530700', '丽江市', '530000'),
  ...counties('530700', [['530702', '古城区']]),
  prefecture('532800', '西双版纳傣族自治州', '530000'),
  ...counties('532800', [['532801', '景洪市']]),
  prefecture('532900', '大理白族自治州', '530000'),
  ...counties('532900', [['532901', '大理市']]),

  province('520000', '贵州省'),
  prefecture('520100', '贵阳市', '520000'),
  ...counties('520100', [
    ['520102', '南明区'], ['520103', '云岩区'], ['520111', '花溪区'], ['520112', '乌当区'],
    ['520113', '白云区'], ['520115', '观山湖区'], ['520121', '开阳县'], ['520122', '息烽县'],
    ['520123', '修文县'], ['520181', '清镇市'],
  ]),

  province('510000', '四川省'),
  prefecture('513300', '甘孜藏族自治州', '510000'),
  ...counties('513300', [
    ['513301', '康定市'], ['513322', '泸定县'], ['513323', '丹巴县'], ['513324', '九龙县'],
    ['513325', '雅江县'], ['513326', '道孚县'], ['513327', '炉霍县'], ['513328', '甘孜县'],
    ['513329', '新龙县'], ['513330', '德格县'], ['513331', '白玉县'], ['513332', '石渠县'],
    ['513333', '色达县'], ['513334', '理塘县'], ['513335', '巴塘县'], ['513336', '乡城县'],
    ['513337', '稻城县'], ['513338', '得荣县'],
  ]),
].map((d) => Object.freeze(d)));

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
