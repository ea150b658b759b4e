// The IDE: Apollo Server's own landing page is off (it would load from a CDN); GraphiQL is served
// from the project's packages instead.
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ideRoutes } from '../ide/graphiql-page';
import type { GatewayPart } from './gateway-part';

export function idePart(): GatewayPart {
  return { name: 'ide', plugins: [ApolloServerPluginLandingPageDisabled()], routes: ideRoutes() };
}
