// Places of the synthetic world, used by every domain: counties (population, ethnic mix, roads) and how their authorities are named.

import { type Division, divisionOf, fullDivisionName } from '../../lib/identifiers';
import { WeightedTable, weightedTable } from './random';
import { SEEDED_COUNTY_CODES } from './seeded-divisions';

export interface County {
  code: string;
  name: string;
  fullName: string;        // 云南省昆明市五华区
  prefecture: Division;
  province: Division;
  ethnicities: WeightedTable<string>;
  roads: readonly string[];
}

// Approximate resident population (10 000s), used as household weights: Kunming is the largest share.
const COUNTY_POPULATION: Readonly<Record<string, number>> = {
  530102: 110, 530103: 100, 530111: 160, 530112: 100, 530113: 26, 530114: 65, 530115: 35, 530124: 15,
  530125: 42, 530126: 25, 530127: 40, 530128: 40, 530129: 50, 530181: 48,
  530302: 90, 530402: 60, 530702: 25, 532801: 60, 532901: 75,
  520102: 100, 520103: 105, 520111: 90, 520112: 45, 520113: 40, 520115: 65, 520121: 40, 520122: 25,
  520123: 30, 520181: 55,
  513301: 13, 513322: 8, 513323: 6, 513324: 6, 513325: 5, 513326: 6, 513327: 5, 513328: 7, 513329: 5,
  513330: 9, 513331: 6, 513332: 10, 513333: 6, 513334: 7, 513335: 5, 513336: 3, 513337: 3, 513338: 3,
};

export type Mix = ReadonlyArray<readonly [string, number]>;
// Ethnic composition (percent) by area; counties with a distinctive mix override their prefecture's.
const KUNMING_URBAN: Mix = [['汉族', 86], ['彝族', 5], ['回族', 3], ['白族', 2], ['哈尼族', 1], ['傣族', 1], ['苗族', 1], ['壮族', 0.5], ['纳西族', 0.5]];
const KUNMING_RURAL: Mix = [['汉族', 88], ['彝族', 7], ['回族', 2], ['苗族', 2], ['白族', 1]];
const GUIYANG_URBAN: Mix = [['汉族', 84], ['布依族', 7], ['苗族', 5], ['侗族', 1], ['土家族', 1], ['彝族', 1], ['仡佬族', 1]];
const GUIYANG_RURAL: Mix = [['汉族', 72], ['布依族', 14], ['苗族', 11], ['侗族', 1], ['彝族', 1], ['仡佬族', 1]];
const GANZI: Mix = [['藏族', 80], ['汉族', 16], ['彝族', 3], ['羌族', 1]];
const ETHNIC_MIX: Readonly<Record<string, Mix>> = {
  530100: KUNMING_URBAN, 530113: KUNMING_RURAL, 530115: KUNMING_RURAL, 530124: KUNMING_RURAL,
  530125: KUNMING_RURAL, 530127: KUNMING_RURAL, 530181: KUNMING_RURAL,
  530126: [['汉族', 64], ['彝族', 34], ['回族', 1], ['苗族', 1]],
  530128: [['汉族', 68], ['彝族', 24], ['苗族', 6], ['傈僳族', 2]],
  530129: [['汉族', 76], ['回族', 12], ['彝族', 10], ['苗族', 2]],
  530302: [['汉族', 95], ['彝族', 2], ['回族', 2], ['苗族', 1]],
  530402: [['汉族', 84], ['彝族', 9], ['哈尼族', 3], ['回族', 2], ['白族', 2]],
  530702: [['纳西族', 50], ['汉族', 38], ['白族', 5], ['彝族', 4], ['傈僳族', 3]],
  532801: [['汉族', 44], ['傣族', 32], ['哈尼族', 15], ['彝族', 3], ['布朗族', 3], ['拉祜族', 3]],
  532901: [['白族', 65], ['汉族', 31], ['彝族', 2], ['回族', 2]],
  520100: GUIYANG_URBAN, 520111: GUIYANG_RURAL, 520112: GUIYANG_RURAL, 520121: GUIYANG_RURAL,
  520122: GUIYANG_RURAL, 520123: GUIYANG_RURAL, 520181: GUIYANG_RURAL,
  513300: GANZI,
  513301: [['藏族', 58], ['汉族', 39], ['彝族', 2], ['回族', 1]],
  513322: [['汉族', 86], ['藏族', 9], ['彝族', 5]],
  513324: [['藏族', 45], ['彝族', 35], ['汉族', 20]],
};

// Road names (without 路): city-centre names for districts and county-level cities, generic ones for counties.
const GENERIC_ROADS = ['人民', '建设', '解放', '文化', '民族', '团结', '新华', '胜利', '环城', '学府', '兴隆', '振兴', '和平', '永安', '东风', '北门', '南门', '迎宾', '长安', '幸福', '中山', '文明', '滨河', '花园', '工业', '站前'];
const CITY_ROADS: Readonly<Record<string, readonly string[]>> = {
  530100: ['青年', '人民中', '人民西', '北京', '东风东', '东风西', '环城南', '白塔', '金碧', '拓东', '滇池', '广福', '春城', '学府', '西昌', '翠湖南', '建设', '龙泉', '穿金', '关上中', '日新中', '前兴', '书林', '青云', '圆通', '正义', '新闻', '红锦'],
  530300: ['麒麟南', '麒麟北', '寥廓南', '南宁西', '文昌', '紫云', '翠峰', '子午'],
  530400: ['聂耳', '珊瑚', '红塔', '东风南', '北苑', '玉兴', '凤凰'],
  530700: ['福慧', '祥和', '民主', '长水', '香格里', '玉缘', '金甲'],
  532800: ['勐泐', '嘎兰中', '曼听', '宣慰', '民航', '景德', '告庄西'],
  532900: ['人民', '复兴', '苍山', '洱海', '泰安', '龙山', '玉洱'],
  520100: ['中华北', '中华南', '延安中', '延安东', '遵义', '瑞金南', '瑞金北', '宝山北', '北京', '省府', '都司', '文昌北', '黔灵西', '长岭北', '林城西', '金阳南', '浣纱', '市府', '解放'],
  513300: ['炉城', '向阳', '新市前', '团结', '光明', '人民', '跑马山', '迎宾', '雪山', '民主', '长征'],
};

const COUNTIES: readonly County[] = SEEDED_COUNTY_CODES.map((code) => {
  const county = divisionOf(code)!;
  const prefecture = divisionOf(county.parent!)!;
  const province = divisionOf(prefecture.parent!)!;
  const urban = /[区市]$/.test(county.name) || prefecture.code === '513300';
  return {
    code,
    name: county.name,
    fullName: fullDivisionName(code)!,
    prefecture,
    province,
    ethnicities: weightedTable(ETHNIC_MIX[code] ?? ETHNIC_MIX[prefecture.code] ?? KUNMING_RURAL),
    roads: urban ? CITY_ROADS[prefecture.code] ?? GENERIC_ROADS : GENERIC_ROADS,
  };
});
const COUNTY_BY_CODE = new Map(COUNTIES.map((c) => [c.code, c]));
export const COUNTIES_BY_POPULATION = weightedTable(COUNTIES.map((c) => [c, COUNTY_POPULATION[c.code]] as const));

export function countyOf(code: string): County {
  const county = COUNTY_BY_CODE.get(code);
  if (!county) throw new RangeError(`not a county on this platform: ${code}`);
  return county;
}

/** How a government body of the division prefixes its name: 云南省, 昆明市, 昆明市五华区, 宜良县. */
export function authorityArea(code: string): string {
  const division = divisionOf(code)!;
  if (division.level !== 'county') return division.name;
  return division.name.endsWith('区') ? divisionOf(division.parent!)!.name + division.name : division.name;
}

/** 昆明市公安局五华分局 for districts, 宜良县公安局 for counties and county-level cities. */
export function policeBureau(county: County): string {
  return county.name.endsWith('区')
    ? `${county.prefecture.name}公安局${county.name.slice(0, -1)}分局`
    : `${county.name}公安局`;
}

// Where bodies above county level sit: the districts of the capital or the prefecture seat.
export const SEAT_COUNTIES: Readonly<Record<string, readonly string[]>> = {
  530000: ['530102', '530103', '530111', '530112', '530114'],
  530100: ['530102', '530103', '530111', '530112', '530114'],
  520000: ['520102', '520103', '520115'],
  520100: ['520102', '520103', '520115'],
  513300: ['513301'],
  530300: ['530302'], 530400: ['530402'], 530700: ['530702'], 532800: ['532801'], 532900: ['532901'],
};

export const PREFECTURE_SHORT: Readonly<Record<string, string>> = {
  530100: '昆明', 530300: '曲靖', 530400: '玉溪', 530700: '丽江', 532800: '西双版纳', 532900: '大理',
  520100: '贵阳', 513300: '甘孜',
};
export const PROVINCE_SHORT: Readonly<Record<string, string>> = { 530000: '云南', 520000: '贵州', 510000: '四川' };

// Township-level place names, used when a county needs more public bodies than it has departments.
export const TOWNSHIP_PLACES = ['龙泉', '金马', '青龙', '马街', '小哨', '阿拉', '双龙', '大渔', '七甸', '松华', '碧鸡', '海口', '新街', '太平', '永丰', '兴隆', '长坡', '白沙', '黄坡', '石桥', '河口', '柳树', '梨园', '桃源', '杨林', '凤凰', '高坡', '清水', '东山', '南庄', '北营', '中和', '安乐', '红岩', '黑龙', '新店', '大营', '小河', '沙坝', '平坝', '鱼洞', '洪边', '朱昌', '麦架', '百宜', '久长', '新堡', '水田', '黔陶', '孟关', '燕楼', '马铃', '青岩', '党武', '甲居', '沙德', '新都桥', '塔公', '呷巴', '热柯'];
