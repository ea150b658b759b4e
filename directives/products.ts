// Authorized-operation products (授权运营, seed 001 "产品和服务"; Yunnan Art.37–39): operations that compute
// over the base databases and hand out only the result (可用不可见, 原始数据不出域). Each is an ordinary
// root field of the SDL — catalogued, granted and audited like any field —; this list says which root
// fields are products, of which kind, and for aggregates the smallest cell they release. Pure data: the
// subgraphs read the minimum sizes, the platform meters calls of these coordinates from the audit log.

export type ProductKind = 'AGGREGATE' | 'VERIFICATION';

export interface ProductDeclaration {
  /** The root field: Query.<name>. */
  coordinate: string;
  kind: ProductKind;
  /** 产品名称 */
  name: string;
  /** Aggregates: a cell counting fewer records than this is released as suppressed (not as a count). */
  minimumCellSize?: number;
}

/** Cells under 10 records are never released unless a product says more (statistical disclosure practice). */
export const DEFAULT_MINIMUM_CELL_SIZE = 10;

export const PRODUCTS: readonly ProductDeclaration[] = Object.freeze([
  { coordinate: 'Query.personCounts', kind: 'AGGREGATE', name: '人口分布统计（行政区划×年龄段×性别）', minimumCellSize: DEFAULT_MINIMUM_CELL_SIZE },
  { coordinate: 'Query.legalEntityCounts', kind: 'AGGREGATE', name: '市场主体分布统计（行政区划×类型×状态）', minimumCellSize: DEFAULT_MINIMUM_CELL_SIZE },
  { coordinate: 'Query.licenceCounts', kind: 'AGGREGATE', name: '证照分布统计（行政区划×证照类型×状态）', minimumCellSize: DEFAULT_MINIMUM_CELL_SIZE },
  { coordinate: 'Query.verifyPersonIdentity', kind: 'VERIFICATION', name: '人口身份核验（身份证号×姓名）' },
  { coordinate: 'Query.verifyLicenceHeld', kind: 'VERIFICATION', name: '持证核验（统一社会信用代码×证照类型：持有有效证照）' },
]);

export const PRODUCT_COORDINATES: readonly string[] = Object.freeze(PRODUCTS.map((p) => p.coordinate));

/** The declaration of a product; throws for a coordinate that is not one (a programming error). */
export function productAt(coordinate: string): ProductDeclaration {
  const product = PRODUCTS.find((p) => p.coordinate === coordinate);
  if (!product) throw new Error(`${coordinate} is not a declared product`);
  return product;
}

/** The smallest cell an aggregate product releases. */
export function minimumCellSizeOf(coordinate: string): number {
  return productAt(coordinate).minimumCellSize ?? DEFAULT_MINIMUM_CELL_SIZE;
}
