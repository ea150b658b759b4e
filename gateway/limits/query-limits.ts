// Limits on the shape of a query, checked before anything is planned or sent to a subgraph: depth,
// aliases, directives and estimated cost (validation rules of @escape.tech/graphql-armor, run by
// Apollo Server against the gateway's API schema), the number of tokens (checked while parsing),
// and no "Did you mean …?" suggestions in error messages.
//
// How this fits Apollo Server 5 (checked against @apollo/server 5.5 and graphql-armor 3.2):
// - depth, aliases, directives, cost: armor's validation rules, passed as `validationRules`. Apollo
//   Server wraps every validation error as GRAPHQL_VALIDATION_FAILED with HTTP 400 (whatever code the
//   rule chose: armor's own BAD_USER_INPUT never reaches a client). We report our own bilingual
//   error through armor's onReject hook and add `extensions.limit`, `max` and (when armor says)
//   `found`, so a client can tell which limit it hit.
// - tokens: NOT armor's Apollo plugin. It throws from `parsingDidStart`, which Apollo Server 5 does
//   not catch: the request ends as HTTP 500, other plugins' willSendResponse (the audit!) never runs,
//   and `executeOperation` rejects. graphql-js 16 has the same limit built into its parser
//   (`parseOptions.maxTokens`, counting the same lexer tokens as armor, comments excluded); Apollo
//   Server reports it as GRAPHQL_PARSE_FAILED with HTTP 400, and the plugin below rewrites the message.
// - suggestions: armor's plugin masks `Did you mean "…"` in every error (validation and execution),
//   leaving "[Suggestion hidden]?"; the plugin below removes that and the forms armor's pattern
//   misses ("Did you mean the enum value …?" in variable errors).
//   Apollo Server's own hideSchemaDetailsFromClientErrors (already set by the gateway) does the same
//   for validation errors; both together are harmless.
// - batching: ApolloArmor.protect() also answers allowBatchedHttpRequests: false (Apollo Server 5's
//   default too): a batch would multiply every limit here by the batch size.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimitSettings {
  /**
   * Deepest field nesting (MAX_DEPTH, default 15). Fragments, inline or named, do not add a level.
   * The deepest legitimate query of this graph follows person → licences → holder → legalEntities →
   * legalRepresentative → licences → holder → … and needs about 10.
   */
  maxDepth: number;
  /** Aliased fields in one operation (MAX_ALIASES, default 30; `__typename` aliases are free). */
  maxAliases: number;
  /** Lexical tokens in the document (MAX_TOKENS, default 5000; GraphiQL's introspection query has ~180). */
  maxTokens: number;
  /** Directives used in one operation (MAX_DIRECTIVES, default 20). */
  maxDirectives: number;
  /**
   * Estimated cost (MAX_COST, default 50000), armor's formula: a scalar costs 1, an object 2 plus its
   * children, each level down weighs ×1.5, and a literal `first:`/`last:` multiplies its field's cost.
   * A `first` given as a variable is NOT multiplied (validation does not see variables): page size is
   * bounded by the subgraphs (1–1000) and by the rate limit, not here.
   */
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: Readonly<QueryLimitSettings> = Object.freeze({
  maxDepth: 15, // the deep entity walk of the benchmark (person → licences → holder → … ) is 12
  maxAliases: 30,
  maxTokens: 5000,
  maxDirectives: 20,
  maxCost: 50000, // a full page (first: 1000) of a dozen fields fits; an alias or depth bomb does not
});

const ENV_NAMES: Record<keyof QueryLimitSettings, string> = {
  maxDepth: 'MAX_DEPTH',
  maxAliases: 'MAX_ALIASES',
  maxTokens: 'MAX_TOKENS',
  maxDirectives: 'MAX_DIRECTIVES',
  maxCost: 'MAX_COST',
};

/** Reads MAX_DEPTH, MAX_ALIASES, MAX_TOKENS, MAX_DIRECTIVES, MAX_COST; a wrong value stops the start. */
export function readQueryLimitSettings(env: NodeJS.ProcessEnv = process.env): QueryLimitSettings {
  const settings = { ...DEFAULT_QUERY_LIMITS };
  for (const key of Object.keys(ENV_NAMES) as (keyof QueryLimitSettings)[]) {
    const name = ENV_NAMES[key];
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    // A limit of 0 would refuse every query (depth 0, cost 0); aliases and directives may be 0.
    const min = key === 'maxAliases' || key === 'maxDirectives' ? 0 : 1;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      throw new Error(`${name} must be an integer ≥ ${min}, got "${env[name]}"`);
    }
    settings[key] = value;
  }
  return settings;
}

/** What clients find in `extensions.limit` of an error caused by these limits. */
export type QueryLimitName = 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_DIRECTIVES' | 'MAX_COST' | 'MAX_TOKENS';

const WHAT: Record<QueryLimitName, { zh: string; en: string }> = {
  MAX_DEPTH: { zh: '查询深度', en: 'query depth' },
  MAX_ALIASES: { zh: '别名数量', en: 'number of aliases' },
  MAX_DIRECTIVES: { zh: '指令数量', en: 'number of directives' },
  MAX_COST: { zh: '查询成本', en: 'query cost' },
  MAX_TOKENS: { zh: '查询文本的词法单元（token）数量', en: 'number of tokens in the document' },
};

export function queryLimitMessage(limit: QueryLimitName, max: number, found?: number): string {
  const { zh, en } = WHAT[limit];
  const foundZh = found === undefined ? '' : `（实际${found}）`;
  const foundEn = found === undefined ? '' : `, found ${found}`;
  return `${zh}超过上限${max}${foundZh}，请简化查询 / ${en} exceeds the limit of ${max}${foundEn}; simplify the query`;
}

/** Armor's onReject callback (the type of graphql-armor-types' GraphQLArmorRejectCallback). */
type RejectCallback = (context: ValidationContext | null, error: GraphQLError) => void;

/** Armor's onReject: replaces its English "Syntax Error: …" by a coded, bilingual validation error. */
function reportLimit(limit: QueryLimitName, max: number): RejectCallback {
  return (context, armorError) => {
    const match = /found (\d+(?:\.\d+)?)/.exec(armorError.message);
    const found = match ? Number(match[1]) : undefined;
    const error = new GraphQLError(queryLimitMessage(limit, max, found), {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, ...(found === undefined ? {} : { found }) },
    });
    // The validation rules always pass their context; without one (never for these rules) throwing is
    // the only way to refuse.
    if (!context) throw error;
    context.reportError(error);
  };
}

// graphql-js 16 says "more that N tokens" (sic); accept a corrected "than" too.
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;
// What armor puts in place of `Did you mean "…"` (it leaves the "?" behind).
const ARMOR_MASK = '[Suggestion hidden]';
// Any suggestion, masked by armor or missed by its pattern (e.g. "Did you mean the enum value …?"
// in variable errors). Whichever plugin runs first, the message ends up clean.
const SUGGESTION = / ?(?:Did you mean [^?]*|\[Suggestion hidden\])\?/g;

/** Rewrites graphql-js' token-limit parse error; scrubs leftover suggestions from every error. */
function limitsMessagesPlugin(maxTokens: number): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (TOO_MANY_TOKENS.test(error.message)) {
              error.message = queryLimitMessage('MAX_TOKENS', maxTokens);
              Object.assign(error.extensions, { limit: 'MAX_TOKENS', max: maxTokens });
            } else if (error.message.includes('Did you mean') || error.message.includes(ARMOR_MASK)) {
              error.message = error.message.replace(SUGGESTION, '');
            }
          }
        },
      };
    },
  };
}

/**
 * A document holding several operations runs only the one its operationName names. Without one (or
 * with a name the document does not hold) Apollo Server would leave the choice to the executor, where
 * the policy has nothing to decide on: refuse here, before anything is planned, with a coded 400.
 */
function oneOperationPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const named = request.operationName;
          throw new GraphQLError(
            named
              ? `文档中没有名为「${named}」的操作 / the document has no operation named "${named}"`
              : '文档包含多个操作，请用 operationName 指定其一 / the document holds several operations: name one with operationName',
            { extensions: { code: named ? 'OPERATION_NOT_FOUND' : 'OPERATION_NAME_REQUIRED', http: { status: 400 } } },
          );
        },
      };
    },
  };
}

export interface QueryLimits<TContext extends BaseContext = BaseContext> {
  /** Put into ApolloServer's `plugins` (with the others). */
  plugins: ApolloServerPlugin<TContext>[];
  /** ApolloServer's `validationRules`. */
  validationRules: ValidationRule[];
  /** ApolloServer's `parseOptions` (the token limit). */
  parseOptions: ParseOptions;
  /** ApolloServer's `allowBatchedHttpRequests`. */
  allowBatchedHttpRequests: false;
}

export function createQueryLimits<TContext extends BaseContext = BaseContext>(
  settings: QueryLimitSettings = DEFAULT_QUERY_LIMITS,
): QueryLimits<TContext> {
  const callbacks = (limit: QueryLimitName, max: number) => ({ propagateOnRejection: false, onReject: [reportLimit(limit, max)] });
  const armor = new ApolloArmor({
    maxDepth: { n: settings.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...callbacks('MAX_DEPTH', settings.maxDepth) },
    maxAliases: { n: settings.maxAliases, ...callbacks('MAX_ALIASES', settings.maxAliases) },
    maxDirectives: { n: settings.maxDirectives, ...callbacks('MAX_DIRECTIVES', settings.maxDirectives) },
    costLimit: { maxCost: settings.maxCost, flattenFragments: true, ignoreIntrospection: true, ...callbacks('MAX_COST', settings.maxCost) },
    // Done by graphql-js' parser instead (see the head of this file).
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true, mask: ARMOR_MASK },
  });
  const protection = armor.protect();
  return {
    plugins: [...(protection.plugins as ApolloServerPlugin<TContext>[]), limitsMessagesPlugin(settings.maxTokens) as ApolloServerPlugin<TContext>, oneOperationPlugin() as ApolloServerPlugin<TContext>],
    validationRules: protection.validationRules,
    parseOptions: { maxTokens: settings.maxTokens },
    allowBatchedHttpRequests: protection.allowBatchedHttpRequests,
  };
}
