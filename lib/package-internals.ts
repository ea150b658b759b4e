// The only file that reaches into packages' dist/ folders: what the project needs from them is not exported
// from their entry points. Pinned versions (package.json) keep these paths stable; an upgrade that moves
// them breaks the type check here, in one place.

/** The resolver map `buildSubgraphSchema` takes. @apollo/subgraph exports the function but not the type
 * of its argument; every subgraph's resolvers are typed by it. */
export type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

/** Which kind of request a data source is sending (an operation from a client, or the gateway's own
 * health check / schema fetch). @apollo/gateway exports the options type carrying it but not the enum;
 * the subgraph client de-duplicates only operations from clients. */
export { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
