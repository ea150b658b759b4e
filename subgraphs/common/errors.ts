// Coded GraphQL errors for subgraph resolvers; messages carry Chinese and English for the person reading them.
import { GraphQLError } from 'graphql';

export function badUserInput(zh: string, en: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}
