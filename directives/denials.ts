// Why a field was denied: one code per reason, with the sentence a person reads in Chinese and English.

export type DenialCode =
  | 'NOT_DECLARED'
  | 'SCENARIO_REQUIRED'
  | 'GRANT_REQUIRED'
  | 'GRANT_EXPIRED'
  | 'NOT_SHARED'
  | 'NOT_OPEN'
  | 'INTROSPECTION_MIXED'
  | 'RESERVED_ALIAS'
  | 'DATASET_SUSPENDED'
  | 'WITHDRAWN'
  | 'OUT_OF_SCOPE'
  | 'POLICY_STATE_UNAVAILABLE';

const MESSAGES: Record<DenialCode, { zh: string; en: string }> = {
  NOT_DECLARED: { zh: '该字段未在目录中声明共享或开放属性，默认拒绝', en: 'the field has no declared share or open attribute and is denied by default' },
  SCENARIO_REQUIRED: { zh: '请在 x-scenario-id 请求头中声明应用场景', en: 'declare the scenario of this request in the x-scenario-id header' },
  GRANT_REQUIRED: { zh: '本机构在该场景下没有覆盖该字段的有效授权', en: 'no active grant covers this field for your institution and scenario' },
  GRANT_EXPIRED: { zh: '覆盖该字段的授权已过期、尚未生效或已暂停', en: 'the grant covering this field has expired, is not yet valid or is suspended' },
  NOT_SHARED: { zh: '该字段不予共享，可使用核验（比对）服务', en: 'the field is not shared (不予共享); use a verification query instead' },
  NOT_OPEN: { zh: '该字段不向社会开放', en: 'the field is not open data' },
  DATASET_SUSPENDED: { zh: '该数据集已暂停共享或开放（或已撤回）', en: 'the dataset is suspended for sharing or opening (or withdrawn)' },
  WITHDRAWN: { zh: '该信息项（或其数据集）已从目录中撤销', en: 'the field (or its dataset) has been withdrawn from the catalog' },
  OUT_OF_SCOPE: { zh: '该记录不在授权限定的行政区划范围内（数据回流）', en: 'the record lies outside the administrative divisions your grant is limited to (数据回流)' },
  POLICY_STATE_UNAVAILABLE: { zh: '授权状态暂不可用，目录数据拒绝返回', en: 'the access rules cannot be read right now, so catalogued data is withheld' },
  RESERVED_ALIAS: { zh: '以 _policy 开头的别名为网关保留', en: 'aliases starting with _policy are reserved by the gateway' },
  INTROSPECTION_MIXED: { zh: '内省字段不能与数据字段混在同一请求中', en: 'introspection fields cannot be mixed with data fields in one request' },
};

export function denialMessage(code: DenialCode, coordinate: string): string {
  const { zh, en } = MESSAGES[code];
  return `${coordinate}: ${zh} / ${en}`;
}
