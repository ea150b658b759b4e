// What legal entities do and are called (industries, shops, brands, departments, institutions, associations), apart from the synthesizer.

import { type County, PREFECTURE_SHORT, PROVINCE_SHORT } from './places';
import { Random, weightedTable } from './random';
import type { LegalEntityKind } from './records';
import { SEEDED_DIVISIONS } from './seeded-divisions';

export interface BusinessLine {
  label: string;        // industry (科技), shop (米线店), product (蔬菜种植) or, for public bodies, the full name
  scope: string;
  sellsFood: boolean;   // may hold a food business permit
  builds: boolean;      // may hold construction permits
}

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

export const LEGAL_FORMS = weightedTable<string>([['有限公司', 88], ['有限责任公司', 8], ['股份有限公司', 4]]);
export const LIMITED_CAPITAL = weightedTable<number>([
  [100_000, 5], [300_000, 5], [500_000, 10], [1_000_000, 20], [2_000_000, 12], [3_000_000, 10],
  [5_000_000, 15], [10_000_000, 12], [20_000_000, 5], [50_000_000, 4], [100_000_000, 2],
]);
export const JOINT_STOCK_CAPITAL = [50_000_000, 100_000_000, 200_000_000, 500_000_000];

export interface Department { name: string; provincialName: string; duty: string; since: string }
// Government departments; "since" marks bodies created by the 2018 institutional reform.
export const DEPARTMENTS: readonly Department[] = ([
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
export const TOWNSHIP_UNITS: ReadonlyArray<readonly [string, string]> = [
  ['街道办事处', '负责辖区社会管理、公共服务、社区建设和基层治理工作'],
  ['镇人民政府', '负责本镇经济社会发展、公共服务和基层治理工作'],
  ['乡人民政府', '负责本乡经济社会发展、公共服务和基层治理工作'],
];

export const HOSPITAL_SCOPE = '为人民身体健康提供医疗与护理保健服务。医疗与护理、医学教学、医学研究、卫生医疗人员培训、保健与健康教育';
export const MIDDLE_SCHOOL_SCOPE = '实施中等学历教育，促进基础教育发展。初中、高中学历教育';
export const PRIMARY_SCHOOL_SCOPE = '实施小学义务教育，促进基础教育发展。小学学历教育';
export const INSTITUTION_SCOPES: Readonly<Record<string, string>> = {
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
export const COUNTY_INSTITUTIONS = ['人民医院', '中医医院', '妇幼保健院', '疾病预防控制中心', '图书馆', '档案馆', '融媒体中心', '第一中学', '实验小学'];
export const UPPER_INSTITUTIONS = ['第一人民医院', '中医医院', '妇幼保健院', '疾病预防控制中心', '图书馆', '档案馆', '博物馆', '第一中学', '实验小学'];
export const INSTITUTION_TEMPLATES = COUNTY_INSTITUTIONS.length; // both lists have this length

const TRADE_SCOPE = '加强行业自律，开展行业调研、技术交流、人才培训和咨询服务，维护会员合法权益';
const ARTS_SCOPE = '团结文艺工作者，开展艺术创作、展览交流和培训活动，繁荣文化事业';
const ACADEMIC_SCOPE = '开展学术交流、科学普及、继续教育和咨询服务，促进学科发展';
const SPORTS_SCOPE = '组织开展群众性体育活动、赛事和技能培训，促进全民健身';
const CHAMBER_SCOPE = '促进会员企业交流合作，开展招商引资、信息咨询和权益维护服务';
export const SOCIAL_TOPICS: ReadonlyArray<readonly [string, string]> = [
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
export const LOCAL_SOCIAL_TOPICS: ReadonlyArray<readonly [string, string]> = [
  ['商会', CHAMBER_SCOPE], ['老年协会', '组织老年人开展文体活动和互助服务，维护老年人合法权益'],
  ['志愿者协会', '组织开展社区志愿服务活动，培训志愿者'],
];

// Areas whose governments have agencies, institutions and associations. Sichuan's capital is outside the
// platform, so Sichuan has no province-level bodies here.
export const PUBLIC_BODY_AREAS: readonly string[] = SEEDED_DIVISIONS
  .filter((d) => d.level !== 'province' || d.code !== '510000')
  .map((d) => d.code);

/** Agencies and institutions commission buildings; associations do not. */
export function publicLine(name: string, scope: string, builds = true): BusinessLine {
  return { label: name, scope, sellsFood: false, builds };
}

export function marketLine(rng: Random, kind: LegalEntityKind, county: County): BusinessLine {
  if (kind === 'ENTERPRISE') return rng.weighted(INDUSTRY_TABLE);
  if (kind === 'FARMER_COOPERATIVE') {
    return { label: rng.pick(COOPERATIVE_PRODUCTS[county.province.code]), scope: COOPERATIVE_SCOPE, sellsFood: false, builds: false };
  }
  const [shop, scope] = rng.chance(0.45) ? rng.pick(SHOPS_BY_PROVINCE[county.province.code]) : rng.pick(GENERIC_SHOPS);
  return { label: shop, scope, sellsFood: /食品|餐饮/.test(scope), builds: false };
}

export function regionalBrands(divisionCode: string): readonly string[] {
  return REGIONAL_BRANDS[divisionCode.slice(0, 4) + '00'] ?? BRANDS;
}

/** e.g. 昆明滇池云创科技有限公司: region, trade name, industry, legal form. */
export function enterpriseName(rng: Random, divisionCode: string, industry: string, form: string): string {
  const prefecture = divisionCode.slice(0, 4) + '00';
  const region = rng.chance(0.65) ? PREFECTURE_SHORT[prefecture] : PROVINCE_SHORT[divisionCode.slice(0, 2) + '0000'];
  const trade = rng.chance(0.5) ? rng.pick(regionalBrands(divisionCode)) + rng.pick(BRANDS) : rng.pick(BRANDS);
  return `${region}${trade}${industry}${form}`;
}
