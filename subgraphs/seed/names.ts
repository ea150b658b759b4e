// Chinese personal names by ethnicity (with Tibetan and Dai naming) and mobile-number prefixes, drawn for persons and households.

import type { Mix } from './places';
import { Random, WeightedTable, weightedTable } from './random';
import type { Gender } from './records';

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

export function drawSurname(rng: Random, ethnicity: string): string {
  return rng.weighted(SURNAMES_BY_ETHNICITY[ethnicity] ?? HAN_SURNAME_TABLE);
}

export function usesSurname(ethnicity: string): boolean {
  return ethnicity !== '藏族' && ethnicity !== '傣族';
}

function drawGivenName(rng: Random, gender: Gender): string {
  const pool = gender === 'MALE' ? MALE_GIVEN : FEMALE_GIVEN;
  const first = pool[rng.int(0, pool.length - 1)];
  return rng.chance(0.25) ? first : first + pool[rng.int(0, pool.length - 1)];
}

export function drawName(rng: Random, ethnicity: string, gender: Gender, surname: string | null): string {
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
export function surnameOfName(name: string, ethnicity: string): string | null {
  if (!usesSurname(ethnicity)) return null;
  return COMPOUND_SURNAMES.find((s) => name.startsWith(s)) ?? name[0];
}

export const MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '198', '199'];
