// Persisted-query safelist mode (OPERATION_SAFELIST=on, for production): only operations an admin
// registered on the platform run. Clients send the registered document, or only its SHA-256 as
// extensions.persistedQuery.sha256Hash (Apollo's automatic persisted queries protocol, served from
// the list — clients cannot add to it). Admins of registered data authorities are exempt so that the list can be managed (an admin token of any other institution is not);
// their requests are audited like every other. The list is re-read when policy changes are
// announced and at most every `cacheMs`; when it cannot be read, requests are refused (fail closed).
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import { granteeOf, type Caller } from '../../directives/caller';
import { registrationProblem } from '../../directives/jurisdiction';
import type { PolicySource } from '../grants/policy-source';
import type { OperationList } from '../../protocol/operation-list';
import { OPERATIONS_PATH } from '../../protocol/internal-paths';
import type { GatewayMetrics } from '../metrics';
import type { PlatformClient } from '../platform-client';

export interface OperationSafelist {
  /** The registered document with this hash; throws PlatformUnavailable when the list cannot be read. */
  documentOf(hash: string): Promise<string | undefined>;
  /** Forget the list (policy changed). */
  invalidate(): void;
}

export function createOperationSafelist(options: { platform: PlatformClient; cacheMs: number }): OperationSafelist {
  let current: { list: OperationList; at: number } | undefined;
  let pending: Promise<OperationList> | undefined;
  let generation = 0;
  const load = (): Promise<OperationList> => {
    if (current && Date.now() - current.at < options.cacheMs) return Promise.resolve(current.list);
    if (!pending) {
      const startedIn = generation;
      const at = Date.now();
      const loading: Promise<OperationList> = options.platform.read<OperationList>('operations', OPERATIONS_PATH)
        .then((list) => {
          if (generation === startedIn) current = { list, at };
          return list;
        })
        .finally(() => {
          if (pending === loading) pending = undefined;
        });
      pending = loading;
    }
    return pending;
  };
  return {
    async documentOf(hash) {
      const list = await load();
      return Object.hasOwn(list.operations, hash) ? list.operations[hash] : undefined;
    },
    invalidate() {
      generation += 1;
      current = undefined;
      pending = undefined;
    },
  };
}

/**
 * Apollo Server's persisted-query store, answered from the safelist (keys arrive as "apq:<hash>").
 * Writes are ignored: a client sending a document with its hash does not register it.
 */
export function safelistQueryStore(safelist: OperationSafelist): KeyValueCache<string> {
  return {
    async get(key) {
      // A failure reads as "not found" here (PERSISTED_QUERY_NOT_FOUND); the plugin then reports the outage.
      return safelist.documentOf(key.replace(/^apq:/, '')).catch(() => undefined);
    },
    async set() {},
    async delete() {},
  };
}

/**
 * Whether the caller manages the list: an admin token of an active registered data authority with its
 * registered division (the registry entry in its policy state); anything else, or an unreadable state, is not exempt.
 */
async function managesSafelist(caller: Caller, policySource: PolicySource): Promise<boolean> {
  if (caller.kind !== 'institution' || !caller.roles.includes('admin')) return false;
  const entry = (await policySource.stateOf(granteeOf(caller)).catch(() => undefined))?.institution;
  return entry?.kind === 'authority' && registrationProblem(caller.division, entry) === undefined;
}

export function createSafelistPlugin<C extends BaseContext & { identity: { caller: Caller } }>(
  safelist: OperationSafelist,
  { safelistRefusedTotal }: Pick<GatewayMetrics, 'safelistRefusedTotal'>,
  policySource: PolicySource,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        // After parsing and validation, so a malformed document gets its usual error; before planning.
        async didResolveOperation(requestContext) {
          if (await managesSafelist(requestContext.contextValue.identity.caller, policySource)) return;
          let registered: string | undefined;
          try {
            registered = await safelist.documentOf(requestContext.queryHash!);
          } catch {
            safelistRefusedTotal.inc({ reason: 'UNAVAILABLE' });
            throw new GraphQLError('登记操作清单暂不可读，请求已拒绝，请稍后重试 / the list of registered operations cannot be read, so the request was refused; retry shortly', {
              extensions: { code: 'OPERATION_SAFELIST_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
            });
          }
          if (registered === undefined) {
            safelistRefusedTotal.inc({ reason: 'NOT_REGISTERED' });
            throw new GraphQLError('此操作未登记：本通道只执行管理员登记的操作 / operation not registered: this channel runs only operations registered by an administrator', {
              extensions: { code: 'OPERATION_NOT_REGISTERED', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
