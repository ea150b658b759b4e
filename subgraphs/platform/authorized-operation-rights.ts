// Whether a caller's platform rights over products are closed (seed 001 【开发利用要求】(五): 开发利用协议
// 终止、解除或被撤销的，运营机构应当及时关闭开发主体的平台权限; 黑名单: 暂停、取消、禁入). Read with every policy
// state the gateways fetch (policy-state.ts): a closed caller's grants lose the product coordinates, so
// its API keys and tokens stop reaching products at once (terminations and blacklist entries bump the
// policy version) or within GRANT_CACHE_MS (an agreement running out).
import type { Queryable } from '../../lib/db/database';
import { blockedSql, DEVELOPMENT_IN_FORCE, OPERATION_IN_FORCE, today } from './authorized-operation-sql';

/**
 * Closed when the caller acts for a party of authorized operation that a blacklist measure stops, or
 * for a developer (operator) without a development (operation) agreement in force. A caller that is no
 * party keeps its grants as they are.
 */
export async function productRightsClosed(db: Queryable, grantee: { kind: 'institution' | 'developer'; id: string }): Promise<boolean> {
  const kinds = grantee.kind === 'developer' ? ['DEVELOPER'] : ['OPERATOR', 'IMPLEMENTING_AGENCY'];
  const [row] = await db.query<{ closed: boolean }>(
    `SELECT bool_or(${blockedSql('p.id', '$3')}
       OR (p.kind = 'DEVELOPER' AND NOT EXISTS (SELECT 1 FROM ao_development_agreement d WHERE d.developer_id = p.id AND ${DEVELOPMENT_IN_FORCE}))
       OR (p.kind = 'OPERATOR' AND NOT EXISTS (SELECT 1 FROM ao_operation_agreement o WHERE o.operator_id = p.id AND ${OPERATION_IN_FORCE}))) AS closed
     FROM ao_party p WHERE p.account = $1 AND p.kind = ANY($2::text[])`,
    [grantee.id, kinds, today()],
  );
  return row?.closed === true;
}
