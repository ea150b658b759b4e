// Puts a step around the executor of a gateway (@apollo/gateway or another wrapper): the policy, the
// identity-probe budget. Wrapping the executor, rather than hooking plugins, lets a step see and
// change both the document that is planned and the result before Apollo Server's plugins read it.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';

export type ExecutorStep = (innerExecutor: GatewayExecutor, requestContext: GatewayGraphQLRequestContext) => ReturnType<GatewayExecutor>;

export function wrapExecutor(inner: GatewayInterface, step: ExecutorStep, onSchemaLoadOrUpdate: GatewayInterface['onSchemaLoadOrUpdate'] = (callback) => inner.onSchemaLoadOrUpdate(callback)): GatewayInterface {
  return {
    onSchemaLoadOrUpdate,
    async load(loadOptions) {
      const loaded = await inner.load(loadOptions);
      const innerExecutor = loaded.executor;
      if (!innerExecutor) return loaded;
      return { executor: (requestContext) => step(innerExecutor, requestContext) };
    },
    stop: () => inner.stop(),
  };
}
