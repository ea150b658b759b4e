// Deterministic synthetic population, legal-entity and licence data for Yunnan, Guiyang and Ganzi.
//
// Every record is a pure function of (seed, index): it draws from its own PRNG stream (mixSeed(seed, stream,
// index)), so any record can be regenerated alone. That lets each domain be generated in its own process in
// O(chunk) memory: an entity finds its legal representative by regenerating a few persons by index, and a
// licence regenerates its holder the same way.
//
// Uniqueness holds by construction, not by checking:
// - Citizen ids: index i is split into a key r = i mod 366000 and a lap = floor(i / 366000). A bijection maps r to
//   (month-day, 3-digit sequence), so persons with different keys differ there. Persons sharing a key are in
//   different laps, and the birth year of lap j is chosen to avoid the years already taken by laps 0..j-1 of the
//   same key (settleBirthYear). So no two indices share (birth date, sequence), whatever their division.
//   The household structure only proposes a year; lap j moves it by at most about j years (1M persons: j <= 2).
// - Credit codes: the organisation-code body is an index bijection (legacy 8 digits, or "M?" + 6 base-31
//   characters for codes issued from 2015-10); the two forms never overlap.
// - Licence numbers and household numbers end in an index bijection.

import {
  COUNTY_CODES, DIVISIONS, type Division, divisionOf, divisionPrefix, fullDivisionName,
  citizenIdCheckDigit, makeCreditCode,
} from '../../lib/identifiers';
import { Random, WeightedTable, mixSeed, weightedTable } from './random';
import type {
  DatasetSize, Gender, HolderKind, LegalEntityKind, LegalEntityRecord, LegalEntityStatus,
  LicenceRecord, LicenceStatus, LicenceType, PersonRecord, PersonStatus,
} from './records';

// Module-local aliases: inside vm contexts (jest runs tests in one) every global lookup such as `Math` goes
// through an interceptor, which makes the per-record hot paths an order of magnitude slower.
const { floor, min, max, sqrt, round } = Math;

// ───────────────────────────── Public constants ─────────────────────────────

export const DEFAULT_SEED = 20261125;
export const DEFAULT_SIZE: DatasetSize = Object.freeze({ persons: 20000, legalEntities: 5000, licences: 40000 });
/** The synthetic world's "today": nobody is born and nothing is issued after it; licence status is judged on it. */
export const REFERENCE_DATE = '2026-11-25';
const REFERENCE_YEAR = 2026;

// Independent PRNG streams: each record draws from mixSeed(seed, stream, index), so adding a draw to one
// concern never shifts the values of another.
const Stream = {
  personKey: 1, personSequence: 2, householdNumber: 3, householdBlock: 4, household: 5, birthYear: 6,
  personStatus: 7, personDetail: 8, householdAddress: 9, entitySetup: 10, entityPlan: 11, entityDetail: 12,
  entityRepresentative: 13, licence: 14, licenceSerial: 15,
} as const;

const KEY_SPACE = 366 * 1000; // (month-day incl. 02-29) × 3-digit sequence
const LEAP_YEARS_IN_RANGE = 24; // 1932 … 2024: a 02-29 key can be reused at most this many times
/** Persons per dataset: beyond this some 02-29 key would need a 25th leap year between 1930 and 2025. */
export const MAX_PERSONS = KEY_SPACE * LEAP_YEARS_IN_RANGE;
/** Legacy organisation codes have 8 digits: 10^8 bodies. */
export const MAX_LEGAL_ENTITIES = 100_000_000;
/** Licence numbers end in a 7-digit serial. */
export const MAX_LICENCES = 10_000_000;

/** Scale 1 is DEFAULT_SIZE; sizes grow linearly (scale 50 = 1M persons). */
export function sizeForScale(scale: number): DatasetSize {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
  return {
    persons: round(DEFAULT_SIZE.persons * scale),
    legalEntities: round(DEFAULT_SIZE.legalEntities * scale),
    licences: round(DEFAULT_SIZE.licences * scale),
  };
}

// ───────────────────────────── Public generators ─────────────────────────────

export function* generatePersons(seed: number, count: number, chunkSize = 5000): Generator<PersonRecord[]> {
  assertCount('persons', count, MAX_PERSONS);
  const persons = personSynthesizer(seed);
  yield* chunked(count, chunkSize, (i) => persons.at(i));
}

export function* generateLegalEntities(seed: number, size: DatasetSize, chunkSize = 5000): Generator<LegalEntityRecord[]> {
  assertSize(size);
  const entities = entitySynthesizer(seed, size.persons);
  yield* chunked(size.legalEntities, chunkSize, (k) => entities.at(k));
}

export function* generateLicences(seed: number, size: DatasetSize, chunkSize = 5000): Generator<LicenceRecord[]> {
  assertSize(size);
  const licences = new LicenceSynthesizer(seed, size);
  yield* chunked(size.licences, chunkSize, (n) => licences.at(n));
}

// ───────────────────────────── Index-addressed records ─────────────────────────────

/** The i-th person; the same whatever the dataset size. */
export function personAt(seed: number, i: number): PersonRecord {
  assertIndex(i, MAX_PERSONS);
  return personSynthesizer(seed).at(i);
}

/** The i-th person's citizen id, cheaper than personAt. */
export function personIdAt(seed: number, i: number): string {
  assertIndex(i, MAX_PERSONS);
  return personSynthesizer(seed).core(i).idNumber;
}

/** The k-th legal entity's credit code; independent of the dataset size. */
export function creditCodeAt(seed: number, k: number): string {
  assertIndex(k, MAX_LEGAL_ENTITIES);
  return entitySynthesizer(seed, 0).plan(k).creditCode;
}

export function legalEntityAt(seed: number, size: DatasetSize, k: number): LegalEntityRecord {
  assertIndex(k, size.legalEntities);
  return entitySynthesizer(seed, size.persons).at(k);
}

export function licenceAt(seed: number, size: DatasetSize, n: number): LicenceRecord {
  assertIndex(n, size.licences);
  return new LicenceSynthesizer(seed, size).at(n);
}

// ───────────────────────────── Places ─────────────────────────────

interface County {
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

type Mix = ReadonlyArray<readonly [string, number]>;
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

const COUNTIES: readonly County[] = COUNTY_CODES.map((code) => {
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
const COUNTIES_BY_POPULATION = weightedTable(COUNTIES.map((c) => [c, COUNTY_POPULATION[c.code]] as const));

function countyOf(code: string): County {
  const county = COUNTY_BY_CODE.get(code);
  if (!county) throw new RangeError(`not a county on this platform: ${code}`);
  return county;
}

/** How a government body of the division prefixes its name: 云南省, 昆明市, 昆明市五华区, 宜良县. */
function authorityArea(code: string): string {
  const division = divisionOf(code)!;
  if (division.level !== 'county') return division.name;
  return division.name.endsWith('区') ? divisionOf(division.parent!)!.name + division.name : division.name;
}

/** 昆明市公安局五华分局 for districts, 宜良县公安局 for counties and county-level cities. */
function policeBureau(county: County): string {
  return county.name.endsWith('区')
    ? `${county.prefecture.name}公安局${county.name.slice(0, -1)}分局`
    : `${county.name}公安局`;
}

// Where bodies above county level sit: the districts of the capital or the prefecture seat.
const SEAT_COUNTIES: Readonly<Record<string, readonly string[]>> = {
  530000: ['530102', '530103', '530111', '530112', '530114'],
  530100: ['530102', '530103', '530111', '530112', '530114'],
  520000: ['520102', '520103', '520115'],
  520100: ['520102', '520103', '520115'],
  513300: ['513301'],
  530300: ['530302'], 530400: ['530402'], 530700: ['530702'], 532800: ['532801'], 532900: ['532901'],
};

const PREFECTURE_SHORT: Readonly<Record<string, string>> = {
  530100: '昆明', 530300: '曲靖', 530400: '玉溪', 530700: '丽江', 532800: '西双版纳', 532900: '大理',
  520100: '贵阳', 513300: '甘孜',
};
const PROVINCE_SHORT: Readonly<Record<string, string>> = { 530000: '云南', 520000: '贵州', 510000: '四川' };

// Township-level place names, used when a county needs more public bodies than it has departments.
const TOWNSHIP_PLACES = ['龙泉', '金马', '青龙', '马街', '小哨', '阿拉', '双龙', '大渔', '七甸', '松华', '碧鸡', '海口', '新街', '太平', '永丰', '兴隆', '长坡', '白沙', '黄坡', '石桥', '河口', '柳树', '梨园', '桃源', '杨林', '凤凰', '高坡', '清水', '东山', '南庄', '北营', '中和', '安乐', '红岩', '黑龙', '新店', '大营', '小河', '沙坝', '平坝', '鱼洞', '洪边', '朱昌', '麦架', '百宜', '久长', '新堡', '水田', '黔陶', '孟关', '燕楼', '马铃', '青岩', '党武', '甲居', '沙德', '新都桥', '塔公', '呷巴', '热柯'];

// ───────────────────────────── Names ─────────────────────────────

const HAN_SURNAMES: Mix = [
  ['王', 710], ['李', 700], ['张', 690], ['刘', 540], ['陈', 460], ['杨', 310], ['赵', 230], ['黄', 230], ['周', 210],
  ['吴', 200], ['徐', 170], ['孙', 150], ['胡', 130], ['朱', 130], ['高', 120], ['林', 120], ['何', 120], ['郭', 120],
  ['马', 110], ['罗', 100], ['梁', 90], ['宋', 80], ['郑', 80], ['谢', 80], ['韩', 70], ['唐', 70], ['冯', 70],
  ['于', 60], ['董', 60], ['肖', 60], ['程', 60], ['曹', 60], ['袁', 50], ['邓', 50], ['许', 50], ['傅', 50],
  ['沈', 50], ['曾', 50], ['彭', 50], ['吕', 50], ['苏', 40], ['卢', 40], ['蒋', 40], ['蔡', 40], ['贾', 40],
  ['丁', 40], ['魏', 40], ['薛', 40], ['叶', 40], ['阎', 30], ['余', 30], ['潘', 30], ['杜', 30], ['戴', 30],
  ['夏', 30], ['钟', 30], ['汪', 30], ['田', 30], ['任', 30], ['姜', 30], ['范', 30], ['方', 30], ['石', 30],
  ['姚', 30], ['谭', 30], ['廖', 30], ['邹', 30], ['熊', 30], ['金', 30], ['陆', 20], ['郝', 20], ['孔', 20],
  ['白', 20], ['崔', 20], ['康', 20], ['毛', 20], ['邱', 20], ['秦', 20], ['江', 20], ['史', 20], ['顾', 20],
  ['侯', 20], ['邵', 20], ['孟', 20], ['龙', 20], ['万', 20], ['段', 20], ['雷', 20], ['钱', 20], ['汤', 20],
  ['尹', 20], ['黎', 20], ['易', 20], ['常', 20], ['武', 20], ['乔', 20], ['贺', 20], ['赖', 20], ['龚', 20], ['文', 20],
  // Compound surnames are rare.
  ['欧阳', 4], ['司马', 1], ['上官', 1], ['诸葛', 0.5], ['司徒', 0.8], ['皇甫', 0.5], ['令狐', 0.5],
  ['东方', 0.3], ['慕容', 0.3], ['夏侯', 0.3], ['公孙', 0.3], ['尉迟', 0.2],
];
const COMPOUND_SURNAMES = HAN_SURNAMES.map(([s]) => s).filter((s) => s.length === 2);

// Surnames common among ethnic groups that use them; absent groups use the Han list.
const SURNAMES_BY_ETHNICITY: Readonly<Record<string, WeightedTable<string>>> = {
  汉族: weightedTable(HAN_SURNAMES),
  回族: weightedTable([['马', 30], ['杨', 6], ['李', 6], ['沙', 5], ['纳', 5], ['张', 5], ['王', 5], ['赵', 4], ['丁', 4], ['白', 4], ['刘', 4], ['田', 3], ['周', 3], ['金', 3], ['哈', 2], ['保', 2], ['穆', 2], ['海', 2]]),
  白族: weightedTable([['杨', 25], ['段', 10], ['赵', 10], ['李', 10], ['张', 8], ['王', 6], ['何', 5], ['尹', 4], ['董', 4], ['苏', 3], ['施', 3], ['杜', 3], ['严', 2], ['洪', 2], ['寸', 2], ['字', 2]]),
  彝族: weightedTable([['李', 18], ['杨', 12], ['普', 8], ['张', 8], ['王', 6], ['罗', 6], ['毕', 5], ['赵', 4], ['陆', 4], ['何', 4], ['苏', 3], ['沙', 3], ['钱', 3], ['马', 3], ['朱', 3], ['阿', 2], ['昂', 2]]),
  哈尼族: weightedTable([['李', 20], ['白', 15], ['杨', 12], ['马', 8], ['张', 8], ['王', 6], ['卢', 5], ['陈', 4], ['朱', 4], ['高', 3], ['龙', 3], ['普', 3]]),
  苗族: weightedTable([['杨', 15], ['王', 12], ['吴', 12], ['张', 10], ['龙', 8], ['熊', 8], ['罗', 6], ['李', 6], ['陶', 5], ['侯', 4], ['石', 4], ['麻', 2], ['韩', 2]]),
  布依族: weightedTable([['王', 15], ['韦', 15], ['罗', 12], ['陈', 8], ['杨', 8], ['黄', 6], ['岑', 5], ['莫', 5], ['李', 5], ['班', 4], ['吴', 4], ['蒙', 3], ['伍', 3]]),
  纳西族: weightedTable([['和', 40], ['木', 10], ['杨', 10], ['李', 10], ['赵', 6], ['王', 5], ['张', 5], ['习', 4], ['牛', 3]]),
  傈僳族: weightedTable([['余', 15], ['李', 15], ['熊', 10], ['胡', 10], ['蜂', 5], ['普', 5], ['王', 5], ['杨', 5], ['和', 5], ['张', 5]]),
  侗族: weightedTable([['吴', 20], ['杨', 20], ['石', 10], ['龙', 10], ['陆', 8], ['粟', 6], ['潘', 6]]),
  土家族: weightedTable([['田', 20], ['向', 15], ['彭', 15], ['覃', 10], ['冉', 8], ['杨', 8], ['张', 8], ['李', 8]]),
  仡佬族: weightedTable([['王', 15], ['杨', 15], ['张', 10], ['罗', 10], ['何', 8], ['刘', 8], ['李', 8]]),
  壮族: weightedTable([['韦', 20], ['黄', 15], ['覃', 12], ['陆', 8], ['农', 8], ['蒙', 6], ['梁', 6], ['李', 6]]),
  拉祜族: weightedTable([['李', 30], ['扎', 10], ['张', 10], ['石', 8], ['罗', 8], ['杨', 8]]),
  羌族: weightedTable([['王', 15], ['杨', 15], ['何', 10], ['余', 10], ['陈', 10], ['李', 10]]),
};
const HAN_SURNAME_TABLE = SURNAMES_BY_ETHNICITY.汉族;

const MALE_GIVEN = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文成东海峰亮坤洋博然轩睿泽晨子宸航昊铭瑞翔毅兵忠祥荣福贵德发云春江';
const FEMALE_GIVEN = '芳娜敏静丽艳娟霞秀玲桂英慧巧美婷雪琳颖倩洁燕萍红梅琴云莉欣怡悦涵萱璐佳雨思梓诗瑶晴彤妍蓉兰凤珍琼薇月菲婉';
// Tibetan names have no surname: usually two two-character elements, e.g. 扎西卓玛, 次仁多吉.
const TIBETAN_COMMON = ['扎西', '次仁', '格桑', '达瓦', '尼玛', '洛桑', '丹增', '泽仁', '益西', '土登', '白玛', '德吉', '央金', '贡布'];
const TIBETAN_MALE = ['多吉', '平措', '顿珠', '旺堆', '贡布', '罗布', '加措', '索朗', '嘎玛', '降措'];
const TIBETAN_FEMALE = ['卓玛', '拉姆', '央金', '曲珍', '德吉', '措姆', '旺姆', '央宗', '次珍', '卓嘎'];
// Dai commoners traditionally use 岩 (male) or 玉 (female) before a one-character name.
const DAI_GIVEN = '温罕香应光叫庄坎丙龙帕伦腊保三南叶拉燕';

function drawSurname(rng: Random, ethnicity: string): string {
  return rng.weighted(SURNAMES_BY_ETHNICITY[ethnicity] ?? HAN_SURNAME_TABLE);
}

function usesSurname(ethnicity: string): boolean {
  return ethnicity !== '藏族' && ethnicity !== '傣族';
}

function drawGivenName(rng: Random, gender: Gender): string {
  const pool = gender === 'MALE' ? MALE_GIVEN : FEMALE_GIVEN;
  const first = pool[rng.int(0, pool.length - 1)];
  return rng.chance(0.25) ? first : first + pool[rng.int(0, pool.length - 1)];
}

function drawName(rng: Random, ethnicity: string, gender: Gender, surname: string | null): string {
  if (ethnicity === '藏族') {
    const own = rng.pick(gender === 'MALE' ? TIBETAN_MALE : TIBETAN_FEMALE);
    return rng.chance(0.2) ? own : rng.pick(TIBETAN_COMMON) + own;
  }
  if (ethnicity === '傣族') return (gender === 'MALE' ? '岩' : '玉') + DAI_GIVEN[rng.int(0, DAI_GIVEN.length - 1)];
  const family = surname ?? drawSurname(rng, ethnicity);
  // Compound surnames almost always take a two-character given name (欧阳娜娜, not 欧阳娜).
  const given = drawGivenName(rng, gender);
  return family + (family.length === 2 && given.length === 1 ? given + given : given);
}

/** The surname in a generated name, or null for naming traditions without one. */
function surnameOfName(name: string, ethnicity: string): string | null {
  if (!usesSurname(ethnicity)) return null;
  return COMPOUND_SURNAMES.find((s) => name.startsWith(s)) ?? name[0];
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '198', '199'];

// ───────────────────────────── Persons ─────────────────────────────

type Role = 'HEAD' | 'SPOUSE' | 'CHILD' | 'PARENT';

interface Household {
  start: number;            // index of its first member; households are runs of consecutive indices
  size: number;
  roles: readonly Role[];
  headYear: number;
  county: County;
  headEthnicity: string;
  surname: string;          // passed to the head and children that use surnames
  householdNumber: string;
}

/** What legal entities and licences need of a person: the id, what it encodes, status and household. */
interface PersonCore {
  index: number;
  idNumber: string;
  birthDate: string;
  gender: Gender;
  status: PersonStatus;
  household: Household;
  position: number;
}

// Persons are grouped in blocks of 16 indices split into households of 1-5, so a person's household is
// found from its index alone. China's average household size is about 2.6.
const HOUSEHOLD_BLOCK = 16;
const HOUSEHOLD_SIZES = weightedTable<number>([[1, 18], [2, 27], [3, 27], [4, 17], [5, 11]]);
const EARLIEST_BIRTH_YEAR = 1930;
const LATEST_BIRTH_YEAR = 2025;
const KEY_MULTIPLIER = 104_729; // coprime to KEY_SPACE = 2^4·3·5^3·61, so r -> r·m + c mod KEY_SPACE is a bijection
const HOUSEHOLD_NUMBER_SPACE = 1_000_000_000;
const HOUSEHOLD_NUMBER_MULTIPLIER = 7_654_321; // coprime to 10^9

// Index 0..365 -> "MMDD" over a leap year, so 02-29 exists.
const MONTH_DAYS: readonly string[] = (() => {
  const lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const days: string[] = [];
  lengths.forEach((length, m) => {
    for (let d = 1; d <= length; d++) days.push(pad(m + 1, 2) + pad(d, 2));
  });
  return days;
})();
const LEAP_DAY_INDEX = MONTH_DAYS.indexOf('0229');

const personSynthesizers = new Map<number, PersonSynthesizer>();
function personSynthesizer(seed: number): PersonSynthesizer {
  let synthesizer = personSynthesizers.get(seed);
  if (!synthesizer) {
    if (personSynthesizers.size > 8) personSynthesizers.clear();
    synthesizer = new PersonSynthesizer(seed);
    personSynthesizers.set(seed, synthesizer);
  }
  return synthesizer;
}

class PersonSynthesizer {
  private readonly keyOffset: number;
  private readonly sequenceOffsets: Uint16Array;
  private readonly householdNumberOffset: number;
  // One cached block and household per lap: settling a birth year looks at the same key in earlier laps,
  // which lie in other blocks, and per-lap caches keep those lookups from evicting each other.
  private readonly blockCache = new Map<number, { block: number; starts: number[] }>();
  private readonly householdCache = new Map<number, Household>();

  constructor(readonly seed: number) {
    this.keyOffset = mixSeed(seed, Stream.personKey) % KEY_SPACE;
    this.sequenceOffsets = Uint16Array.from(MONTH_DAYS, (_, md) => mixSeed(seed, Stream.personSequence, md) % 1000);
    this.householdNumberOffset = mixSeed(seed, Stream.householdNumber) % HOUSEHOLD_NUMBER_SPACE;
  }

  /** The cheap part of a person; the full record adds names, phone and address. */
  core(i: number): PersonCore {
    const lap = floor(i / KEY_SPACE);
    const key = i - lap * KEY_SPACE;
    const scrambled = (key * KEY_MULTIPLIER + this.keyOffset) % KEY_SPACE;
    const monthDay = scrambled % 366;
    const sequence = ((scrambled - monthDay) / 366 + this.sequenceOffsets[monthDay]) % 1000;

    const year = this.birthYear(key, lap, monthDay === LEAP_DAY_INDEX);
    const { household, position } = this.householdOf(i);
    const mmdd = MONTH_DAYS[monthDay];
    const birthDate = `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
    const first17 = household.county.code + year + mmdd + pad(sequence, 3);
    return {
      index: i,
      idNumber: first17 + citizenIdCheckDigit(first17),
      birthDate,
      gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
      status: this.status(i, year),
      household,
      position,
    };
  }

  /**
   * Birth year of the person with this key in this lap: each lap settles its proposal against the years the
   * earlier laps of the same key took, so persons sharing a key never share a birth date.
   */
  private birthYear(key: number, lap: number, leapDay: boolean): number {
    if (lap === 0) return settleBirthYear(this.proposedBirthYear(key), [], leapDay);
    const taken: number[] = [];
    for (let j = 0; j <= lap; j++) taken.push(settleBirthYear(this.proposedBirthYear(key + j * KEY_SPACE), taken, leapDay));
    return taken[lap];
  }

  at(i: number): PersonRecord {
    const core = this.core(i);
    const { household, position } = core;
    const role = household.roles[position];
    const rng = new Random(mixSeed(this.seed, Stream.personDetail, i));

    const ethnicity = role === 'HEAD' || rng.chance(role === 'SPOUSE' ? 0.8 : 0.92)
      ? household.headEthnicity
      : rng.weighted(household.county.ethnicities);
    // Children (and some of the head's parents) carry the household's surname; spouses keep their own.
    const inheritsSurname = role === 'HEAD' || role === 'CHILD' || (role === 'PARENT' && rng.chance(0.5));
    const name = drawName(rng, ethnicity, core.gender, inheritsSurname ? household.surname : null);

    const age = REFERENCE_YEAR - yearOf(core.birthDate);
    const noPhone = core.status !== 'ALIVE' ? 0.5 : age < 14 ? 0.95 : age >= 75 ? 0.4 : 0.06;
    const phone = rng.chance(noPhone) ? null : rng.pick(MOBILE_PREFIXES) + pad(rng.int(0, 99_999_999), 8);

    return {
      idNumber: core.idNumber,
      name,
      gender: core.gender,
      birthDate: core.birthDate,
      ethnicity,
      householdAddress: this.address(household),
      divisionCode: household.county.code,
      phone,
      status: core.status,
      householdNumber: household.householdNumber,
    };
  }

  /** The surname used in the i-th person's name, or null (Tibetan and Dai names). */
  surnameAt(i: number): string | null {
    const person = this.at(i);
    return surnameOfName(person.name, person.ethnicity);
  }

  private status(i: number, birthYear: number): PersonStatus {
    const rng = new Random(mixSeed(this.seed, Stream.personStatus, i));
    const age = REFERENCE_YEAR - birthYear;
    const deceased = age >= 85 ? 0.3 : age >= 75 ? 0.12 : age >= 60 ? 0.04 : 0.003;
    const u = rng.next();
    if (u < deceased) return 'DECEASED';
    if (age >= 20 && age < 60 && u < deceased + 0.005) return 'EMIGRATED';
    return 'ALIVE';
  }

  /** The birth year the household structure suggests; settleBirthYear may shift it to keep ids unique. */
  private proposedBirthYear(i: number): number {
    const { household, position } = this.householdOf(i);
    const rng = new Random(mixSeed(this.seed, Stream.birthYear, i));
    const head = household.headYear;
    switch (household.roles[position]) {
      case 'HEAD': return head;
      case 'SPOUSE': return clampYear(head + rng.int(-4, 4));
      case 'CHILD': return clampYear(head + rng.int(22, 38));
      case 'PARENT': return clampYear(head - rng.int(22, 34));
    }
  }

  private householdOf(i: number): { household: Household; position: number } {
    const lap = floor(i / KEY_SPACE);
    const block = floor(i / HOUSEHOLD_BLOCK);
    let cachedBlock = this.blockCache.get(lap);
    if (!cachedBlock || cachedBlock.block !== block) {
      cachedBlock = { block, starts: this.householdStarts(block) };
      this.blockCache.set(lap, cachedBlock);
    }
    const starts = cachedBlock.starts;
    let h = 0;
    while (h + 1 < starts.length && starts[h + 1] <= i) h++;
    const start = starts[h];
    const size = (h + 1 < starts.length ? starts[h + 1] : (block + 1) * HOUSEHOLD_BLOCK) - start;

    let household = this.householdCache.get(lap);
    if (!household || household.start !== start) {
      household = this.household(start, size);
      this.householdCache.set(lap, household);
    }
    return { household, position: i - start };
  }

  /** First indices of the households in a block. */
  private householdStarts(block: number): number[] {
    const rng = new Random(mixSeed(this.seed, Stream.householdBlock, block));
    const starts: number[] = [];
    for (let offset = 0; offset < HOUSEHOLD_BLOCK; offset += rng.weighted(HOUSEHOLD_SIZES)) {
      starts.push(block * HOUSEHOLD_BLOCK + offset);
    }
    return starts;
  }

  private household(start: number, size: number): Household {
    const rng = new Random(mixSeed(this.seed, Stream.household, start));
    const county = rng.weighted(COUNTIES_BY_POPULATION);
    const { roles, headYears } = householdPattern(size, rng);
    const headYear = headYears[0] + floor(((rng.next() + rng.next()) / 2) * (headYears[1] - headYears[0] + 1));
    const headEthnicity = rng.weighted(county.ethnicities);
    const surname = drawSurname(rng, usesSurname(headEthnicity) ? headEthnicity : '汉族');
    const serial = (start * HOUSEHOLD_NUMBER_MULTIPLIER + this.householdNumberOffset) % HOUSEHOLD_NUMBER_SPACE;
    return {
      start, size, roles, headYear, county, headEthnicity, surname,
      householdNumber: county.code + pad(serial, 9),
    };
  }

  /** Drawn per household, and only when a full record is built. */
  private address(household: Household): string {
    const rng = new Random(mixSeed(this.seed, Stream.householdAddress, household.start));
    return `${household.county.fullName}${rng.pick(household.county.roads)}路${rng.int(1, 999)}号`
      + `${rng.int(1, 30)}栋${rng.int(1, 6)}单元${rng.int(1, 25)}${pad(rng.int(1, 4), 2)}室`;
  }
}

function householdPattern(size: number, rng: Random): { roles: Role[]; headYears: [number, number] } {
  switch (size) {
    case 1: return { roles: ['HEAD'], headYears: [1935, 2007] };
    case 2: return rng.chance(0.75)
      ? { roles: ['HEAD', 'SPOUSE'], headYears: [1935, 2003] }
      : { roles: ['HEAD', 'CHILD'], headYears: [1950, 2000] };
    case 3: return { roles: ['HEAD', 'SPOUSE', 'CHILD'], headYears: [1950, 2001] };
    case 4: return { roles: ['HEAD', 'SPOUSE', 'CHILD', 'CHILD'], headYears: [1955, 2000] };
    default: return { roles: ['HEAD', 'SPOUSE', 'CHILD', 'CHILD', 'PARENT'], headYears: [1962, 1998] };
  }
}

/** The year nearest to `proposed` that is in range, not yet taken for this key, and a leap year for 02-29. */
function settleBirthYear(proposed: number, taken: readonly number[], leapDay: boolean): number {
  for (let distance = 0; distance <= LATEST_BIRTH_YEAR - EARLIEST_BIRTH_YEAR; distance++) {
    // Try proposed + distance, then proposed - distance.
    for (let sign = 1; sign >= (distance === 0 ? 1 : -1); sign -= 2) {
      const year = proposed + sign * distance;
      if (year < EARLIEST_BIRTH_YEAR || year > LATEST_BIRTH_YEAR) continue;
      if (leapDay && !isLeapYear(year)) continue;
      if (!taken.includes(year)) return year;
    }
  }
  throw new RangeError('no birth year left for this key; the person index exceeds MAX_PERSONS');
}

function clampYear(year: number): number {
  return min(LATEST_BIRTH_YEAR, max(EARLIEST_BIRTH_YEAR, year));
}

// ───────────────────────────── Legal entities ─────────────────────────────

interface BusinessLine {
  label: string;        // industry (科技), shop (米线店), product (蔬菜种植) or, for public bodies, the full name
  scope: string;
  sellsFood: boolean;   // may hold a food business permit
  builds: boolean;      // may hold construction permits
}

interface EntityPlan {
  index: number;
  kind: LegalEntityKind;
  divisionCode: string;
  establishedDate: string;
  status: LegalEntityStatus;
  creditCode: string;
  registrationAuthority: string;
  line: BusinessLine;
}

// Registration authority and organisation type characters of the credit code, by kind.
const KIND_CODE: Readonly<Record<LegalEntityKind, readonly [string, string]>> = {
  ENTERPRISE: ['9', '1'], INDIVIDUAL_BUSINESS: ['9', '2'], FARMER_COOPERATIVE: ['9', '3'],
  GOVERNMENT_AGENCY: ['1', '1'], PUBLIC_INSTITUTION: ['1', '2'], SOCIAL_ORGANISATION: ['5', '1'],
};
// Codes issued since GB 32100 took effect start their organisation code with a per-authority letter pair.
const NEW_BODY_PREFIX: Readonly<Record<string, string>> = { 9: 'MA', 1: 'MB', 5: 'MJ' };
const CREDIT_CODE_START = '2015-10-01';
// Kinds per 100 entities. A fixed share lets the n-th entity of a kind be counted from the index, which gives
// public bodies unique names by enumeration.
const KIND_SHARES: ReadonlyArray<readonly [LegalEntityKind, number]> = [
  ['ENTERPRISE', 62], ['INDIVIDUAL_BUSINESS', 28], ['FARMER_COOPERATIVE', 4],
  ['GOVERNMENT_AGENCY', 1], ['PUBLIC_INSTITUTION', 3], ['SOCIAL_ORGANISATION', 2],
];
const LEGACY_BODY_SPACE = 100_000_000;  // 8 digits
const NEW_BODY_SPACE = 31 ** 6;         // 6 credit-code characters after the two-letter prefix
const BODY_MULTIPLIER = 7_654_321;      // coprime to both spaces

const BUSINESS_SCOPE_NOTE = '（依法须经批准的项目，经相关部门批准后方可开展经营活动）';

const INDUSTRIES: ReadonlyArray<readonly [BusinessLine, number]> = ([
  ['科技', '软件开发；信息系统集成服务；信息技术咨询服务；数据处理和存储支持服务；人工智能应用软件开发', 12],
  ['商贸', '日用百货、五金产品、建筑材料、办公用品销售；货物进出口；技术进出口', 14],
  ['建筑工程', '房屋建筑和市政基础设施项目工程总承包；建设工程施工；住宅室内装饰装修', 8],
  ['房地产开发', '房地产开发经营；物业管理；非居住房地产租赁；住房租赁', 4],
  ['餐饮管理', '餐饮服务；餐饮管理；食品销售；外卖递送服务', 7],
  ['物流', '道路货物运输（不含危险货物）；普通货物仓储服务；国内货物运输代理；装卸搬运', 6],
  ['旅游开发', '旅游开发项目策划咨询；旅行社服务网点旅游招徕、咨询服务；酒店管理；会议及展览服务', 5],
  ['农业开发', '谷物种植；蔬菜种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务；农业技术推广服务', 6],
  ['茶业', '茶叶种植；茶叶制品生产；食品销售；农副产品销售', 4],
  ['花卉', '花卉种植；园艺产品销售；城市绿化管理；园林绿化工程施工', 3],
  ['文化传媒', '广告设计、代理；广告制作；广告发布；组织文化艺术交流活动；广播电视节目制作经营', 6],
  ['医药', '药品零售；第二类医疗器械销售；保健食品（预包装）销售；医护人员防护用品零售', 4],
  ['环保科技', '环保咨询服务；污水处理及其再生利用；固体废物治理；大气污染治理', 3],
  ['新能源', '太阳能发电技术服务；光伏设备及元器件销售；储能技术服务；新兴能源技术研发', 3],
  ['汽车服务', '汽车新车销售；二手车经销；机动车修理和维护；汽车零配件零售', 4],
  ['教育咨询', '教育咨询服务（不含涉许可审批的教育培训活动）；业务培训；组织文化艺术交流活动', 3],
  ['劳务', '劳务服务（不含劳务派遣）；人力资源服务（不含职业中介活动、劳务派遣服务）；家政服务', 3],
] as const).map(([label, scope, weight]) => [{
  label,
  scope: scope + BUSINESS_SCOPE_NOTE,
  sellsFood: /食品|餐饮/.test(scope),
  builds: label === '建筑工程' || label === '房地产开发',
}, weight] as const);
const INDUSTRY_TABLE = weightedTable(INDUSTRIES);

const FOOD_SHOP = '餐饮服务；小餐饮；食品销售';
const SHOPS_BY_PROVINCE: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  530000: [['米线店', FOOD_SHOP], ['饵丝店', FOOD_SHOP], ['烧烤店', FOOD_SHOP], ['鲜花店', '花卉零售；礼品花卉销售'], ['茶庄', '茶叶零售；预包装食品销售']],
  520000: [['牛肉粉馆', FOOD_SHOP], ['肠旺面馆', FOOD_SHOP], ['丝娃娃店', FOOD_SHOP], ['酸汤鱼馆', FOOD_SHOP]],
  510000: [['藏餐馆', FOOD_SHOP], ['甜茶馆', FOOD_SHOP], ['牦牛肉干店', '预包装食品销售；农副产品销售'], ['民宿', '住宿服务；餐饮服务']],
};
const GENERIC_SHOPS: ReadonlyArray<readonly [string, string]> = [
  ['便利店', '日用百货销售；预包装食品销售；烟草制品零售'], ['五金店', '五金产品零售；建筑材料销售'],
  ['水果店', '新鲜水果零售'], ['理发店', '理发服务；美容服务'], ['百货店', '日用百货销售；针纺织品销售'],
  ['手机维修店', '通讯设备修理；电子产品销售'], ['副食店', '预包装食品销售；散装食品销售'],
  ['干洗店', '洗染服务'], ['汽车修理店', '机动车修理和维护'], ['服装店', '服装服饰零售'],
];

const COOPERATIVE_PRODUCTS: Readonly<Record<string, readonly string[]>> = {
  530000: ['蔬菜种植', '花卉种植', '核桃种植', '烤烟种植', '生猪养殖', '中药材种植', '食用菌种植', '咖啡种植', '茶叶种植'],
  520000: ['蔬菜种植', '生猪养殖', '茶叶种植', '猕猴桃种植', '刺梨种植', '食用菌种植'],
  510000: ['牦牛养殖', '青稞种植', '中药材种植', '藏香猪养殖', '苹果种植'],
};
const COOPERATIVE_SCOPE = '组织采购、供应成员所需的生产资料；组织收购、销售成员生产的产品；开展成员所需的运输、贮藏、加工、包装等服务；引进新技术、新品种，开展技术培训、技术交流和信息咨询服务';

const BRANDS = ['云创', '鑫源', '华泰', '恒通', '博远', '宏达', '兴业', '锦程', '天成', '盛世', '瑞丰', '众诚', '信达', '润泽', '聚鑫', '康源', '新锐', '蓝海', '翔宇', '骏达', '永盛', '泰和', '明德', '嘉禾', '金鼎', '汇通', '正阳', '长风', '智远', '立信', '和顺', '丰源', '宏图', '凯旋', '祥瑞', '安泰', '益民', '同创', '远航', '启明'];
const REGIONAL_BRANDS: Readonly<Record<string, readonly string[]>> = {
  530100: ['滇池', '金马', '碧鸡', '春城', '翠湖', '云岭'], 530300: ['珠源', '麒麟'], 530400: ['聂耳', '抚仙'],
  530700: ['玉龙', '束河'], 532800: ['版纳', '澜沧'], 532900: ['苍洱', '洱海'],
  520100: ['黔灵', '筑城', '林城', '甲秀'], 513300: ['雪域', '康巴', '贡嘎', '木雅'],
};

const LEGAL_FORMS = weightedTable<string>([['有限公司', 88], ['有限责任公司', 8], ['股份有限公司', 4]]);
const LIMITED_CAPITAL = weightedTable<number>([
  [100_000, 5], [300_000, 5], [500_000, 10], [1_000_000, 20], [2_000_000, 12], [3_000_000, 10],
  [5_000_000, 15], [10_000_000, 12], [20_000_000, 5], [50_000_000, 4], [100_000_000, 2],
]);
const JOINT_STOCK_CAPITAL = [50_000_000, 100_000_000, 200_000_000, 500_000_000];

interface Department { name: string; provincialName: string; duty: string; since: string }
// Government departments; "since" marks bodies created by the 2018 institutional reform.
const DEPARTMENTS: readonly Department[] = ([
  ['人民政府办公室', '人民政府办公厅', '协助本级人民政府领导处理政府日常工作，负责政务运转、督查督办和政务公开工作', '1980-01-01'],
  ['发展和改革委员会', '发展和改革委员会', '拟订并组织实施国民经济和社会发展规划，统筹协调经济社会发展', '1980-01-01'],
  ['教育局', '教育厅', '贯彻执行教育方针政策，统筹管理本行政区域内各级各类教育事业', '1980-01-01'],
  ['公安局', '公安厅', '预防、制止和侦查违法犯罪活动，维护社会治安秩序，负责户籍和居民身份证管理', '1980-01-01'],
  ['民政局', '民政厅', '负责社会救助、社会组织登记管理、婚姻登记、殡葬管理和养老服务工作', '1980-01-01'],
  ['司法局', '司法厅', '负责法治建设统筹、人民调解、社区矫正、法律援助和公共法律服务工作', '1980-01-01'],
  ['财政局', '财政厅', '负责本级财政预算编制与执行、国库集中收付、政府采购和国有资产监督管理', '1980-01-01'],
  ['人力资源和社会保障局', '人力资源和社会保障厅', '负责就业创业、社会保险、劳动关系和人事人才管理工作', '2008-03-01'],
  ['自然资源局', '自然资源厅', '负责自然资源调查监测、国土空间规划和不动产登记工作', '2018-11-01'],
  ['生态环境局', '生态环境厅', '负责生态环境监督管理、污染防治和生态环境执法工作', '2018-11-01'],
  ['住房和城乡建设局', '住房和城乡建设厅', '负责住房保障、城乡建设、建筑市场和房地产市场监督管理工作', '2008-03-01'],
  ['交通运输局', '交通运输厅', '负责公路、水路交通运输行业管理和交通基础设施建设', '1980-01-01'],
  ['农业农村局', '农业农村厅', '负责农业农村发展规划、粮食生产、农村改革和乡村振兴工作', '2018-11-01'],
  ['文化和旅游局', '文化和旅游厅', '负责文化事业、文化产业和旅游业发展，管理文化和旅游市场', '2018-11-01'],
  ['卫生健康委员会', '卫生健康委员会', '负责医疗卫生服务体系建设、疾病预防控制和医师执业注册管理', '2018-11-01'],
  ['审计局', '审计厅', '依法对本级财政收支和国有企业、事业单位财务收支进行审计监督', '1983-09-01'],
  ['统计局', '统计局', '组织实施统计调查，发布统计数据，监督检查统计法律法规执行情况', '1980-01-01'],
  ['市场监督管理局', '市场监督管理局', '负责市场主体登记注册、食品安全监管、产品质量和价格监督管理', '2018-11-01'],
  ['应急管理局', '应急管理厅', '负责应急管理、安全生产综合监管和防灾减灾救灾工作', '2018-11-01'],
  ['退役军人事务局', '退役军人事务厅', '负责退役军人移交安置、就业创业、优抚褒扬和权益维护工作', '2018-11-01'],
  ['医疗保障局', '医疗保障局', '负责医疗保险、生育保险、医疗救助等医疗保障制度的组织实施', '2018-11-01'],
] as const).map(([name, provincialName, duty, since]) => ({ name, provincialName, duty, since }));
const TOWNSHIP_UNITS: ReadonlyArray<readonly [string, string]> = [
  ['街道办事处', '负责辖区社会管理、公共服务、社区建设和基层治理工作'],
  ['镇人民政府', '负责本镇经济社会发展、公共服务和基层治理工作'],
  ['乡人民政府', '负责本乡经济社会发展、公共服务和基层治理工作'],
];

const HOSPITAL_SCOPE = '为人民身体健康提供医疗与护理保健服务。医疗与护理、医学教学、医学研究、卫生医疗人员培训、保健与健康教育';
const MIDDLE_SCHOOL_SCOPE = '实施中等学历教育，促进基础教育发展。初中、高中学历教育';
const PRIMARY_SCHOOL_SCOPE = '实施小学义务教育，促进基础教育发展。小学学历教育';
const INSTITUTION_SCOPES: Readonly<Record<string, string>> = {
  人民医院: HOSPITAL_SCOPE,
  第一人民医院: HOSPITAL_SCOPE,
  中医医院: '提供中医医疗与护理服务。中医内科、中医外科、针灸推拿、中医药研究与人员培训',
  妇幼保健院: '开展妇女儿童保健服务。妇女保健、儿童保健、孕产期保健、计划生育技术服务',
  疾病预防控制中心: '开展疾病预防控制，保障公众健康。传染病防治、卫生检测检验、健康教育与健康促进',
  图书馆: '开展图书文献借阅与信息服务，促进社会文化发展。图书借阅、文献收藏、数字资源服务、阅读推广',
  档案馆: '收集、保管本级档案资料，提供档案利用服务。档案接收、档案保管、档案编研、档案查阅',
  博物馆: '收藏、研究和展示文物标本，开展社会教育。文物征集、陈列展览、学术研究、公众教育',
  融媒体中心: '开展新闻宣传与信息服务。新闻采编、广播电视节目制作播出、新媒体运营',
  第一中学: MIDDLE_SCHOOL_SCOPE,
  实验小学: PRIMARY_SCHOOL_SCOPE,
};
const COUNTY_INSTITUTIONS = ['人民医院', '中医医院', '妇幼保健院', '疾病预防控制中心', '图书馆', '档案馆', '融媒体中心', '第一中学', '实验小学'];
const UPPER_INSTITUTIONS = ['第一人民医院', '中医医院', '妇幼保健院', '疾病预防控制中心', '图书馆', '档案馆', '博物馆', '第一中学', '实验小学'];
const INSTITUTION_TEMPLATES = COUNTY_INSTITUTIONS.length; // both lists have this length

const TRADE_SCOPE = '加强行业自律，开展行业调研、技术交流、人才培训和咨询服务，维护会员合法权益';
const ARTS_SCOPE = '团结文艺工作者，开展艺术创作、展览交流和培训活动，繁荣文化事业';
const ACADEMIC_SCOPE = '开展学术交流、科学普及、继续教育和咨询服务，促进学科发展';
const SPORTS_SCOPE = '组织开展群众性体育活动、赛事和技能培训，促进全民健身';
const CHAMBER_SCOPE = '促进会员企业交流合作，开展招商引资、信息咨询和权益维护服务';
const SOCIAL_TOPICS: ReadonlyArray<readonly [string, string]> = [
  ['软件行业协会', TRADE_SCOPE], ['餐饮行业协会', TRADE_SCOPE], ['旅游协会', TRADE_SCOPE], ['建筑业协会', TRADE_SCOPE],
  ['房地产业协会', TRADE_SCOPE], ['茶叶流通协会', TRADE_SCOPE], ['花卉协会', TRADE_SCOPE], ['电子商务协会', TRADE_SCOPE],
  ['物流与采购联合会', TRADE_SCOPE], ['汽车流通协会', TRADE_SCOPE],
  ['个体劳动者协会', '为个体劳动者提供政策宣传、教育培训和权益维护服务'],
  ['律师协会', '保障律师依法执业，开展律师职业道德和执业纪律教育、业务培训和交流'],
  ['注册会计师协会', '开展注册会计师执业质量检查、业务培训和交流，维护会员合法权益'],
  ['摄影家协会', ARTS_SCOPE], ['作家协会', ARTS_SCOPE], ['书法家协会', ARTS_SCOPE], ['音乐家协会', ARTS_SCOPE], ['美术家协会', ARTS_SCOPE],
  ['中医药学会', ACADEMIC_SCOPE], ['医学会', ACADEMIC_SCOPE], ['护理学会', ACADEMIC_SCOPE], ['计算机学会', ACADEMIC_SCOPE], ['老年学学会', ACADEMIC_SCOPE],
  ['老年人体育协会', SPORTS_SCOPE], ['足球协会', SPORTS_SCOPE], ['围棋协会', SPORTS_SCOPE], ['登山协会', SPORTS_SCOPE],
  ['志愿服务联合会', '组织开展志愿服务活动，培训志愿者，推动志愿服务事业发展'],
  ['慈善总会', '募集慈善资金，开展扶贫济困、助学助医等慈善公益活动'],
  ['青年企业家协会', '为会员提供交流合作、培训和咨询服务，促进企业家健康成长'],
  ['女企业家协会', '为会员提供交流合作、培训和咨询服务，促进企业家健康成长'],
  ['浙江商会', CHAMBER_SCOPE], ['福建商会', CHAMBER_SCOPE], ['湖南商会', CHAMBER_SCOPE], ['广东商会', CHAMBER_SCOPE],
  ['民族民间文化促进会', '保护和传承民族民间文化，开展调查研究和展演交流活动'],
];
const LOCAL_SOCIAL_TOPICS: ReadonlyArray<readonly [string, string]> = [
  ['商会', CHAMBER_SCOPE], ['老年协会', '组织老年人开展文体活动和互助服务，维护老年人合法权益'],
  ['志愿者协会', '组织开展社区志愿服务活动，培训志愿者'],
];

// Areas whose governments have agencies, institutions and associations. Sichuan's capital is outside the
// platform, so Sichuan has no province-level bodies here.
const PUBLIC_BODY_AREAS: readonly string[] = DIVISIONS
  .filter((d) => d.level !== 'province' || d.code !== '510000')
  .map((d) => d.code);

const entitySynthesizers = new Map<string, LegalEntitySynthesizer>();
function entitySynthesizer(seed: number, personCount: number): LegalEntitySynthesizer {
  const key = `${seed}:${personCount}`;
  let synthesizer = entitySynthesizers.get(key);
  if (!synthesizer) {
    if (entitySynthesizers.size > 8) entitySynthesizers.clear();
    synthesizer = new LegalEntitySynthesizer(seed, personCount);
    entitySynthesizers.set(key, synthesizer);
  }
  return synthesizer;
}

class LegalEntitySynthesizer {
  private readonly persons: PersonSynthesizer;
  private readonly kindSlots: LegalEntityKind[];
  private readonly rankInKind: number[];
  private readonly areaOrder: string[];
  private readonly departmentOrder: Department[];
  private readonly legacyOffset: number;
  private readonly newOffset: number;

  constructor(readonly seed: number, private readonly personCount: number) {
    this.persons = personSynthesizer(seed);
    const setup = new Random(mixSeed(seed, Stream.entitySetup));
    this.kindSlots = shuffle(setup, KIND_SHARES.flatMap(([kind, share]) => Array<LegalEntityKind>(share).fill(kind)));
    const seen = new Map<LegalEntityKind, number>();
    this.rankInKind = this.kindSlots.map((kind) => {
      const rank = seen.get(kind) ?? 0;
      seen.set(kind, rank + 1);
      return rank;
    });
    this.areaOrder = shuffle(setup, [...PUBLIC_BODY_AREAS]);
    this.departmentOrder = shuffle(setup, [...DEPARTMENTS]);
    this.legacyOffset = setup.int(0, LEGACY_BODY_SPACE - 1);
    this.newOffset = setup.int(0, NEW_BODY_SPACE - 1);
  }

  /** Everything about the k-th entity that does not depend on the person dataset. */
  plan(k: number): EntityPlan {
    const slot = k % 100;
    const kind = this.kindSlots[slot];
    const share = KIND_SHARES.find(([c]) => c === kind)![1];
    const ordinal = floor(k / 100) * share + this.rankInKind[slot]; // n-th entity of this kind
    const rng = new Random(mixSeed(this.seed, Stream.entityPlan, k));

    let divisionCode: string;
    let line: BusinessLine;
    let earliest = '1980-01-01';
    switch (kind) {
      case 'GOVERNMENT_AGENCY': ({ divisionCode, line, earliest } = this.agency(ordinal)); break;
      case 'PUBLIC_INSTITUTION': ({ divisionCode, line } = this.institution(ordinal)); break;
      case 'SOCIAL_ORGANISATION': ({ divisionCode, line } = this.socialOrganisation(ordinal)); earliest = '1985-01-01'; break;
      default: {
        const county = rng.weighted(COUNTIES_BY_POPULATION);
        // Larger enterprises register with the prefecture's bureau.
        divisionCode = kind === 'ENTERPRISE' && rng.chance(0.15) ? county.prefecture.code : county.code;
        line = marketLine(rng, kind, county);
        // 农民专业合作社法 took effect on 2007-07-01.
        if (kind === 'FARMER_COOPERATIVE') earliest = '2007-07-01';
      }
    }

    const establishedDate = kind === 'ENTERPRISE' || kind === 'INDIVIDUAL_BUSINESS'
      ? growingDate(rng, earliest) // private business grew steadily: more recent dates are likelier
      : rng.dateBetween(earliest, '2025-12-31');
    const status = entityStatus(rng, kind, establishedDate);

    const [registration, orgType] = KIND_CODE[kind];
    const usesNewCode = establishedDate >= CREDIT_CODE_START || kind === 'INDIVIDUAL_BUSINESS' || kind === 'FARMER_COOPERATIVE';
    const body = usesNewCode
      ? NEW_BODY_PREFIX[registration] + base31((k * BODY_MULTIPLIER + this.newOffset) % NEW_BODY_SPACE, 6)
      : pad((k * BODY_MULTIPLIER + this.legacyOffset) % LEGACY_BODY_SPACE, 8);

    return {
      index: k,
      kind,
      divisionCode,
      establishedDate,
      status,
      creditCode: makeCreditCode(registration, orgType, divisionCode, body),
      registrationAuthority: registrationAuthority(kind, divisionCode),
      line,
    };
  }

  at(k: number): LegalEntityRecord {
    const plan = this.plan(k);
    const representative = this.representative(plan);
    const rng = new Random(mixSeed(this.seed, Stream.entityDetail, k));
    const addressCounty = countyOf(
      divisionOf(plan.divisionCode)!.level === 'county' ? plan.divisionCode : rng.pick(SEAT_COUNTIES[plan.divisionCode]),
    );
    const office = plan.kind === 'ENTERPRISE' && rng.chance(0.5) ? `${rng.int(1, 30)}栋${rng.int(1, 28)}${pad(rng.int(1, 20), 2)}室` : '';
    const address = `${addressCounty.fullName}${rng.pick(addressCounty.roads)}路${rng.int(1, 999)}号${office}`;

    let name = plan.line.label;
    let registeredCapital: number | null = null;
    // Small businesses put their county first, e.g. 五华区张记米线店, 宜良县金穗蔬菜种植专业合作社.
    const county = divisionOf(plan.divisionCode)!.name;
    switch (plan.kind) {
      case 'ENTERPRISE': {
        const form = rng.weighted(LEGAL_FORMS);
        name = enterpriseName(rng, plan.divisionCode, plan.line.label, form);
        registeredCapital = form === '股份有限公司' ? rng.pick(JOINT_STOCK_CAPITAL) : rng.weighted(LIMITED_CAPITAL);
        break;
      }
      case 'INDIVIDUAL_BUSINESS': {
        const surname = this.persons.surnameAt(representative);
        // "张记" names need a surname; Tibetan and Dai owners get a trade name instead.
        const trade = surname && rng.chance(0.7) ? `${surname}记` : rng.pick(regionalBrands(plan.divisionCode));
        name = `${county}${trade}${plan.line.label}`;
        break;
      }
      case 'FARMER_COOPERATIVE':
        name = `${county}${rng.pick(regionalBrands(plan.divisionCode))}${plan.line.label}专业合作社`;
        break;
      default:
        break; // public bodies were named when planned
    }

    return {
      creditCode: plan.creditCode,
      name,
      kind: plan.kind,
      legalRepresentativeIdNumber: this.persons.core(representative).idNumber,
      registeredCapital,
      establishedDate: plan.establishedDate,
      status: plan.status,
      address,
      divisionCode: plan.divisionCode,
      businessScope: plan.line.scope,
      registrationAuthority: plan.registrationAuthority,
    };
  }

  /**
   * Index of a person who was 18-70 when the entity was established and is alive, preferably from the same
   * province. Sampling is bounded; in tiny datasets the best candidate seen is used.
   */
  private representative(plan: EntityPlan): number {
    if (this.personCount <= 0) throw new RangeError('legal entities need persons to act as legal representatives');
    const rng = new Random(mixSeed(this.seed, Stream.entityRepresentative, plan.index));
    const province = plan.divisionCode.slice(0, 2);
    const latestBirth = addYears(plan.establishedDate, -18);
    const earliestBirth = addYears(plan.establishedDate, -70);
    let fallback = -1;
    let fallbackBirth = '';
    for (let attempt = 0; attempt < 60; attempt++) {
      const i = rng.int(0, this.personCount - 1);
      const person = this.persons.core(i);
      const adult = person.birthDate <= latestBirth && person.birthDate >= earliestBirth;
      if (adult && person.status === 'ALIVE' && (attempt >= 30 || person.idNumber.startsWith(province))) return i;
      if (fallback < 0 || person.birthDate < fallbackBirth) {
        fallback = i;
        fallbackBirth = person.birthDate;
      }
    }
    return fallback;
  }

  private agency(ordinal: number): { divisionCode: string; line: BusinessLine; earliest: string } {
    const areas = this.areaOrder.length;
    const capacity = areas * this.departmentOrder.length;
    if (ordinal < capacity) {
      const cell = scatter(ordinal, capacity);
      const divisionCode = this.areaOrder[cell % areas];
      const department = this.departmentOrder[floor(cell / areas)];
      const provincial = divisionOf(divisionCode)!.level === 'province';
      const label = authorityArea(divisionCode) + (provincial ? department.provincialName : department.name);
      return { divisionCode, line: publicLine(label, department.duty), earliest: department.since };
    }
    // Beyond one body per department and area: township governments and sub-district offices.
    const { county, place, topic: [unit, duty] } = townshipSlot(ordinal - capacity, TOWNSHIP_UNITS);
    return { divisionCode: county, line: publicLine(`${authorityArea(county)}${place}${unit}`, duty), earliest: '1984-01-01' };
  }

  private institution(ordinal: number): { divisionCode: string; line: BusinessLine } {
    const areas = this.areaOrder.length;
    const capacity = areas * INSTITUTION_TEMPLATES;
    let divisionCode: string;
    let suffix: string;
    let scope: string;
    if (ordinal < capacity) {
      // One of each standard institution per area first, in scattered order.
      const cell = scatter(ordinal, capacity);
      divisionCode = this.areaOrder[cell % areas];
      const templates = divisionOf(divisionCode)!.level === 'county' ? COUNTY_INSTITUTIONS : UPPER_INSTITUTIONS;
      suffix = templates[floor(cell / areas)];
      scope = INSTITUTION_SCOPES[suffix];
    } else {
      // Then numbered hospitals and schools: 第二人民医院, 第二中学, 第一小学, 第三人民医院, …
      divisionCode = this.areaOrder[(ordinal - capacity) % areas];
      const t = floor((ordinal - capacity) / areas);
      const cycle = floor(t / 3);
      [suffix, scope] = [
        [`第${chineseNumeral(cycle + 2)}人民医院`, HOSPITAL_SCOPE],
        [`第${chineseNumeral(cycle + 2)}中学`, MIDDLE_SCHOOL_SCOPE],
        [`第${chineseNumeral(cycle + 1)}小学`, PRIMARY_SCHOOL_SCOPE],
      ][t % 3];
    }
    return { divisionCode, line: publicLine(authorityArea(divisionCode) + suffix, scope) };
  }

  private socialOrganisation(ordinal: number): { divisionCode: string; line: BusinessLine } {
    const areas = this.areaOrder.length;
    const capacity = areas * SOCIAL_TOPICS.length;
    if (ordinal < capacity) {
      const cell = scatter(ordinal, capacity);
      const divisionCode = this.areaOrder[cell % areas];
      const [topic, scope] = SOCIAL_TOPICS[floor(cell / areas)];
      return { divisionCode, line: publicLine(authorityArea(divisionCode) + topic, scope, false) };
    }
    const { county, place, topic: [topic, scope] } = townshipSlot(ordinal - capacity, LOCAL_SOCIAL_TOPICS);
    return { divisionCode: county, line: publicLine(`${authorityArea(county)}${place}${topic}`, scope, false) };
  }
}

/**
 * A bijection of [0, capacity) that spreads consecutive ordinals over the (area × template) grid, so the first
 * few public bodies are not all of one department. The multiplier is a prime above any capacity used here.
 */
function scatter(ordinal: number, capacity: number): number {
  return (ordinal * SCATTER_PRIME) % capacity;
}
const SCATTER_PRIME = 1_000_003;

/** m-th (county, township place, topic) combination; unique up to counties × places × topics, then repeats. */
function townshipSlot<T>(m: number, topics: readonly T[]): { county: string; place: string; topic: T } {
  const county = COUNTY_CODES[m % COUNTY_CODES.length];
  const rest = floor(m / COUNTY_CODES.length);
  return {
    county,
    place: TOWNSHIP_PLACES[rest % TOWNSHIP_PLACES.length],
    topic: topics[floor(rest / TOWNSHIP_PLACES.length) % topics.length],
  };
}

/** Agencies and institutions commission buildings; associations do not. */
function publicLine(name: string, scope: string, builds = true): BusinessLine {
  return { label: name, scope, sellsFood: false, builds };
}

function marketLine(rng: Random, kind: LegalEntityKind, county: County): BusinessLine {
  if (kind === 'ENTERPRISE') return rng.weighted(INDUSTRY_TABLE);
  if (kind === 'FARMER_COOPERATIVE') {
    return { label: rng.pick(COOPERATIVE_PRODUCTS[county.province.code]), scope: COOPERATIVE_SCOPE, sellsFood: false, builds: false };
  }
  const [shop, scope] = rng.chance(0.45) ? rng.pick(SHOPS_BY_PROVINCE[county.province.code]) : rng.pick(GENERIC_SHOPS);
  return { label: shop, scope, sellsFood: /食品|餐饮/.test(scope), builds: false };
}

function regionalBrands(divisionCode: string): readonly string[] {
  return REGIONAL_BRANDS[divisionCode.slice(0, 4) + '00'] ?? BRANDS;
}

/** e.g. 昆明滇池云创科技有限公司: region, trade name, industry, legal form. */
function enterpriseName(rng: Random, divisionCode: string, industry: string, form: string): string {
  const prefecture = divisionCode.slice(0, 4) + '00';
  const region = rng.chance(0.65) ? PREFECTURE_SHORT[prefecture] : PROVINCE_SHORT[divisionCode.slice(0, 2) + '0000'];
  const trade = rng.chance(0.5) ? rng.pick(regionalBrands(divisionCode)) + rng.pick(BRANDS) : rng.pick(BRANDS);
  return `${region}${trade}${industry}${form}`;
}

function registrationAuthority(kind: LegalEntityKind, divisionCode: string): string {
  const area = authorityArea(divisionCode);
  const provincial = divisionOf(divisionCode)!.level === 'province';
  switch (kind) {
    case 'GOVERNMENT_AGENCY':
    case 'PUBLIC_INSTITUTION': return `${area}机构编制委员会办公室`;
    case 'SOCIAL_ORGANISATION': return `${area}${provincial ? '民政厅' : '民政局'}`;
    default: return `${area}市场监督管理局`;
  }
}

function growingDate(rng: Random, earliest: string): string {
  const from = yearOf(earliest);
  const year = from + min(2025 - from, floor(sqrt(rng.next()) * (2026 - from)));
  return rng.dateBetween(year === from ? earliest : `${year}-01-01`, `${year}-12-31`);
}

function entityStatus(rng: Random, kind: LegalEntityKind, established: string): LegalEntityStatus {
  const age = REFERENCE_YEAR - yearOf(established);
  const u = rng.next();
  switch (kind) {
    case 'GOVERNMENT_AGENCY': return u < 0.01 ? 'DEREGISTERED' : 'ACTIVE';
    case 'PUBLIC_INSTITUTION': return u < 0.02 ? 'DEREGISTERED' : 'ACTIVE';
    case 'SOCIAL_ORGANISATION': return u < 0.05 ? 'DEREGISTERED' : u < 0.07 ? 'REVOKED' : 'ACTIVE';
    default: {
      // Older businesses are more likely to have closed.
      const deregistered = 0.03 + 0.25 * (age / 46);
      return u < deregistered ? 'DEREGISTERED' : u < deregistered + 0.04 ? 'REVOKED' : 'ACTIVE';
    }
  }
}

// ───────────────────────────── Licences ─────────────────────────────

const LICENCE_PREFIX: Readonly<Record<LicenceType, string>> = {
  RESIDENT_ID_CARD: 'SFZ', DRIVING_LICENCE: 'JSZ', MARRIAGE_CERTIFICATE: 'JHZ', PRACTISING_CERTIFICATE: 'ZYZ',
  BUSINESS_LICENCE: 'YYZZ', FOOD_BUSINESS_PERMIT: 'SPJY', CONSTRUCTION_PERMIT: 'SGXK',
};
const PERSON_LICENCE_TYPES = weightedTable<LicenceType>([
  ['RESIDENT_ID_CARD', 45], ['DRIVING_LICENCE', 30], ['MARRIAGE_CERTIFICATE', 15], ['PRACTISING_CERTIFICATE', 10],
]);
const ENTITY_LICENCE_TYPES = weightedTable<LicenceType>([
  ['BUSINESS_LICENCE', 60], ['FOOD_BUSINESS_PERMIT', 25], ['CONSTRUCTION_PERMIT', 15],
]);
const DRIVING_TERMS = weightedTable<number | null>([[6, 50], [10, 35], [null, 15]]);
const SERIAL_SPACE = 10_000_000;
const SERIAL_MULTIPLIER = 1_234_567; // coprime to 10^7

interface LicenceTerms {
  type: LicenceType;
  issuingAuthority: string;
  divisionCode: string;
  issuedOn: string;
  validUntil: string | null;
  revoked: boolean; // revoked for a reason other than dates: holder gone, licence withdrawn
}

class LicenceSynthesizer {
  private readonly persons: PersonSynthesizer;
  private readonly entities: LegalEntitySynthesizer;
  private readonly serialOffset: number;

  constructor(readonly seed: number, private readonly size: DatasetSize) {
    this.persons = personSynthesizer(seed);
    this.entities = entitySynthesizer(seed, size.persons);
    this.serialOffset = mixSeed(seed, Stream.licenceSerial) % SERIAL_SPACE;
  }

  at(n: number): LicenceRecord {
    const rng = new Random(mixSeed(this.seed, Stream.licence, n));
    const { persons, legalEntities } = this.size;
    if (persons <= 0) throw new RangeError('licences need persons or legal entities to hold them');
    // About 60% are held by persons; an entity draw that finds no entity able to hold a licence falls back.
    const entityHeld = legalEntities > 0 && rng.chance(0.4) ? this.entityLicence(rng) : null;
    const { holderKind, holderId, terms } = entityHeld ?? this.personLicence(rng);

    const status: LicenceStatus = terms.revoked
      ? 'REVOKED'
      : terms.validUntil !== null && terms.validUntil < REFERENCE_DATE ? 'EXPIRED' : 'VALID';
    const serial = (n * SERIAL_MULTIPLIER + this.serialOffset) % SERIAL_SPACE;
    return {
      number: `${LICENCE_PREFIX[terms.type]}-${terms.divisionCode}-${terms.issuedOn.slice(0, 4)}-${pad(serial, 7)}`,
      type: terms.type,
      holderKind,
      holderId,
      issuingAuthority: terms.issuingAuthority,
      issuedOn: terms.issuedOn,
      validUntil: terms.validUntil,
      status,
      divisionCode: terms.divisionCode,
    };
  }

  private personLicence(rng: Random): { holderKind: HolderKind; holderId: string; terms: LicenceTerms } {
    let type = rng.weighted(PERSON_LICENCE_TYPES);
    let holder: PersonCore | undefined;
    let earliest = '';
    for (let attempt = 0; attempt < 30 && !holder; attempt++) {
      const candidate = this.persons.core(rng.int(0, this.size.persons - 1));
      earliest = earliestPersonIssue(type, candidate);
      if (earliest <= REFERENCE_DATE) holder = candidate;
      else if (attempt === 29) {
        // Nobody old enough was found (tiny datasets): anyone can hold an identity card.
        holder = candidate;
        type = 'RESIDENT_ID_CARD';
        earliest = earliestPersonIssue(type, candidate);
      }
    }
    const person = holder!;
    const county = person.household.county;
    const issuedOn = rng.dateBetween(earliest, REFERENCE_DATE);
    const holderGone = person.status !== 'ALIVE'; // cancelled with the household registration
    const terms = ((): LicenceTerms => {
      switch (type) {
        case 'RESIDENT_ID_CARD':
          return {
            type, issuingAuthority: policeBureau(county), divisionCode: county.code, issuedOn,
            validUntil: identityCardExpiry(person.birthDate, issuedOn), revoked: holderGone || rng.chance(0.01),
          };
        case 'DRIVING_LICENCE': {
          // First licences run 6 years, renewals 10 years, then long-term.
          const term = rng.weighted(DRIVING_TERMS);
          return {
            type, issuingAuthority: `${county.prefecture.name}公安局交通警察支队车辆管理所`,
            divisionCode: county.prefecture.code, issuedOn,
            validUntil: term === null ? null : addYears(issuedOn, term), revoked: holderGone || rng.chance(0.02),
          };
        }
        case 'MARRIAGE_CERTIFICATE':
          return {
            type, issuingAuthority: `${authorityArea(county.code)}民政局`, divisionCode: county.code, issuedOn,
            validUntil: null, revoked: holderGone || rng.chance(0.08), // divorce
          };
        default:
          // Physicians register with the prefecture's health commission (no expiry); licensed pharmacists
          // with the provincial drug administration for 5 years.
          return rng.chance(0.55)
            ? {
              type, issuingAuthority: `${county.prefecture.name}卫生健康委员会`, divisionCode: county.prefecture.code,
              issuedOn, validUntil: null, revoked: holderGone || rng.chance(0.01),
            }
            : {
              type, issuingAuthority: `${county.province.name}药品监督管理局`, divisionCode: county.province.code,
              issuedOn, validUntil: addYears(issuedOn, 5), revoked: holderGone || rng.chance(0.01),
            };
      }
    })();
    return { holderKind: 'PERSON', holderId: person.idNumber, terms };
  }

  /** Null when no entity able to hold the drawn type turns up (tiny datasets); a person licence is issued instead. */
  private entityLicence(rng: Random): { holderKind: HolderKind; holderId: string; terms: LicenceTerms } | null {
    const type = rng.weighted(ENTITY_LICENCE_TYPES);
    for (let attempt = 0; attempt < 80; attempt++) {
      const plan = this.entities.plan(rng.int(0, this.size.legalEntities - 1));
      if (canHold(plan, type)) return { holderKind: 'LEGAL_ENTITY', holderId: plan.creditCode, terms: entityTerms(rng, type, plan) };
    }
    return null;
  }
}

/** Business licences for market entities, food permits for food sellers, construction permits for builders. */
function canHold(plan: EntityPlan, type: LicenceType): boolean {
  switch (type) {
    case 'BUSINESS_LICENCE': return plan.kind === 'ENTERPRISE' || plan.kind === 'INDIVIDUAL_BUSINESS' || plan.kind === 'FARMER_COOPERATIVE';
    case 'FOOD_BUSINESS_PERMIT': return plan.line.sellsFood;
    default: return plan.line.builds;
  }
}

function entityTerms(rng: Random, type: LicenceType, plan: EntityPlan): LicenceTerms {
  const closed = plan.status !== 'ACTIVE'; // licences of deregistered or revoked entities are cancelled
  switch (type) {
    case 'BUSINESS_LICENCE': {
      // Issued at establishment or re-issued after a change of registration; most have no fixed term.
      const issuedOn = rng.chance(0.6) ? plan.establishedDate : rng.dateBetween(plan.establishedDate, REFERENCE_DATE);
      const termEnd = addYears(plan.establishedDate, rng.pick([10, 20, 30]));
      return {
        type, issuingAuthority: plan.registrationAuthority, divisionCode: plan.divisionCode, issuedOn,
        validUntil: rng.chance(0.8) || termEnd <= issuedOn ? null : termEnd, revoked: closed,
      };
    }
    case 'FOOD_BUSINESS_PERMIT': {
      // Food business permits replaced the old catering and circulation permits on 2015-10-01.
      const issuedOn = rng.dateBetween(later(plan.establishedDate, '2015-10-01'), REFERENCE_DATE);
      return {
        type, issuingAuthority: `${authorityArea(plan.divisionCode)}市场监督管理局`, divisionCode: plan.divisionCode,
        issuedOn, validUntil: addYears(issuedOn, 5), revoked: closed || rng.chance(0.02),
      };
    }
    default: {
      // The permit is issued where the project is built, a county within the holder's area.
      const prefix = divisionPrefix(plan.divisionCode);
      const county = rng.pick(COUNTY_CODES.filter((c) => c.startsWith(prefix)));
      const issuedOn = rng.dateBetween(later(plan.establishedDate, '1999-10-15'), REFERENCE_DATE);
      return {
        type, issuingAuthority: `${authorityArea(county)}住房和城乡建设局`, divisionCode: county, issuedOn,
        validUntil: addYears(issuedOn, rng.int(2, 4)), revoked: closed || rng.chance(0.01),
      };
    }
  }
}

/** Earliest date the person could have been issued this licence (may lie after REFERENCE_DATE). */
function earliestPersonIssue(type: LicenceType, person: PersonCore): string {
  switch (type) {
    case 'RESIDENT_ID_CARD': return later(person.birthDate, '2004-01-01'); // second-generation cards
    case 'DRIVING_LICENCE': return later(addYears(person.birthDate, 18), '1990-01-01');
    case 'MARRIAGE_CERTIFICATE': return later(addYears(person.birthDate, person.gender === 'MALE' ? 22 : 20), '1980-01-01');
    default: return later(addYears(person.birthDate, 24), '1999-05-01'); // 执业医师法 took effect 1999-05-01
  }
}

/** Identity cards run 5 years under 16, 10 years to 25, 20 years to 45, and are long-term from 46. */
function identityCardExpiry(birthDate: string, issuedOn: string): string | null {
  const age = ageOn(birthDate, issuedOn);
  if (age >= 46) return null;
  return addYears(issuedOn, age < 16 ? 5 : age <= 25 ? 10 : 20);
}

// ───────────────────────────── Helpers ─────────────────────────────

function* chunked<T>(count: number, chunkSize: number, make: (index: number) => T): Generator<T[]> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  for (let start = 0; start < count; start += chunkSize) {
    const end = min(count, start + chunkSize);
    const chunk = new Array<T>(end - start);
    for (let i = start; i < end; i++) chunk[i - start] = make(i);
    yield chunk;
  }
}

function assertCount(what: string, count: number, max: number): void {
  if (!Number.isInteger(count) || count < 0 || count > max) {
    throw new RangeError(`${what} must be an integer between 0 and ${max}, got ${count}`);
  }
}

function assertSize(size: DatasetSize): void {
  assertCount('persons', size.persons, MAX_PERSONS);
  assertCount('legalEntities', size.legalEntities, MAX_LEGAL_ENTITIES);
  assertCount('licences', size.licences, MAX_LICENCES);
}

function assertIndex(index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`index must be an integer in [0, ${count}), got ${index}`);
  }
}

function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function pad(n: number, width: number): string {
  return `${n}`.padStart(width, '0');
}

function yearOf(iso: string): number {
  return +iso.slice(0, 4);
}

function base31(n: number, width: number): string {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let out = '';
  for (let i = 0; i < width; i++, n = floor(n / 31)) out = charset[n % 31] + out;
  return out;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Same month and day `years` later (or earlier); 02-29 becomes 02-28 in common years. */
function addYears(iso: string, years: number): string {
  const year = yearOf(iso) + years;
  const monthDay = iso.slice(5) === '02-29' && !isLeapYear(year) ? '02-28' : iso.slice(5);
  return `${pad(year, 4)}-${monthDay}`;
}

function ageOn(birthDate: string, date: string): number {
  const years = yearOf(date) - yearOf(birthDate);
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}

/** 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五. */
function chineseNumeral(n: number): string {
  const digits = '零一二三四五六七八九';
  const units = ['', '十', '百', '千'];
  if (n < 1 || n > 9999 || !Number.isInteger(n)) throw new RangeError(`cannot write ${n} in Chinese numerals here`);
  const parts = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  parts.forEach((d, i) => {
    const unit = units[parts.length - 1 - i];
    if (d === 0) {
      pendingZero = out !== '';
      return;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += (d === 1 && unit === '十' && out === '' ? '' : digits[d]) + unit;
  });
  return out;
}
