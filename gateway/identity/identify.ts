// Who is calling and for which scenario: a bearer JWT (institution operator, provider, admin), an
// API key (app developer) or nobody (public). A credential that is present but wrong is refused
// outright (401) — never downgraded to anonymous.
import { SCENARIO_ID } from '../../protocol/scenario-id';
import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { headerValue } from '../../lib/http/headers';
import type { Caller } from '../../directives/caller';
import { isPlatformKeyFormat, parsePlatformKey } from '../../protocol/api-key';
import { PlatformUnavailable } from '../platform-client';
import { verifyApiKey } from './api-keys';
import { InvalidToken, type VerifyToken } from './jwt-verifier';
import type { KeyCheck, PlatformKeys } from './platform-keys';

export const SCENARIO_HEADER = 'x-scenario-id';

export interface Identity {
  caller: Caller;
  scenario?: string;
}

export interface IdentifyOptions {
  verifyToken: VerifyToken;
  /** The development keys' secret ("pdk.<developer>.<mac>"). */
  apiKeySecret: string;
  /** Keys issued by the platform ("pdk_<id>_<secret>"); without it they are refused. */
  platformKeys?: PlatformKeys;
  /** Developers whose keys are cut off (suspended). */
  isDeveloperSuspended?: (developerId: string) => boolean;
}

const TOKEN_MESSAGES: Record<InvalidToken['reason'], string> = {
  EXPIRED: '令牌已过期 / token expired',
  SIGNATURE: '令牌签名无效 / token signature is not valid for the trusted issuer',
  ISSUER: '令牌签发者不受信任 / token issuer is not trusted',
  AUDIENCE: '令牌受众不符 / token audience does not match',
  CLAIMS: '令牌声明不完整或无效 / token claims are missing or invalid',
  MALFORMED: '令牌格式错误 / malformed token',
  KEYS_UNAVAILABLE: '暂时无法验证令牌（签发方密钥不可读），请稍后重试 / the token cannot be checked now (the issuer\'s keys cannot be read); retry shortly',
};

function unauthenticated(message: string, reason: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } } });
}


export async function identify(req: http.IncomingMessage, options: IdentifyOptions): Promise<Identity> {
  const scenarioHeader = headerValue(req, SCENARIO_HEADER)?.trim();
  if (scenarioHeader !== undefined && scenarioHeader !== '' && !SCENARIO_ID.test(scenarioHeader)) {
    throw new GraphQLError('x-scenario-id 格式错误（1–64位字母、数字或 ._:-）/ malformed x-scenario-id (1–64 letters, digits or ._:-)', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  const scenario = scenarioHeader || undefined;
  const authorization = headerValue(req, 'authorization');
  const apiKey = headerValue(req, 'x-api-key');
  if (authorization && apiKey) throw unauthenticated('请只提供一种凭证 / send either a token or an API key, not both', 'AMBIGUOUS');
  if (authorization) {
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization);
    if (!match) throw unauthenticated(TOKEN_MESSAGES.MALFORMED, 'MALFORMED');
    try {
      return { caller: await options.verifyToken(match[1]), scenario };
    } catch (error) {
      if (error instanceof InvalidToken && error.reason === 'KEYS_UNAVAILABLE') {
        throw new GraphQLError(TOKEN_MESSAGES.KEYS_UNAVAILABLE, { extensions: { code: 'IDENTITY_PROVIDER_UNAVAILABLE', http: { status: 503 } } });
      }
      if (error instanceof InvalidToken) throw unauthenticated(TOKEN_MESSAGES[error.reason], error.reason);
      throw error;
    }
  }
  if (apiKey && isPlatformKeyFormat(apiKey)) {
    return { caller: { kind: 'developer', developer: await platformKeyDeveloper(apiKey, options.platformKeys) }, scenario };
  }
  if (apiKey) {
    const developer = verifyApiKey(options.apiKeySecret, apiKey);
    if (!developer) throw unauthenticated('API 密钥无效 / invalid API key', 'API_KEY');
    if (options.isDeveloperSuspended?.(developer)) throw unauthenticated('开发者已被暂停 / developer suspended', 'SUSPENDED');
    return { caller: { kind: 'developer', developer }, scenario };
  }
  return { caller: { kind: 'anonymous' }, scenario };
}

const KEY_REFUSALS: Record<Extract<KeyCheck, { refused: string }>['refused'], { message: string; reason: string }> = {
  UNKNOWN: { message: 'API 密钥无效 / invalid API key', reason: 'API_KEY' },
  REVOKED: { message: 'API 密钥已吊销 / the API key was revoked', reason: 'API_KEY_REVOKED' },
  EXPIRED: { message: 'API 密钥已过期（已被轮换）/ the API key expired (it was rotated)', reason: 'API_KEY_EXPIRED' },
};

/** The developer of a platform-issued key; refused (401) unless it is in force, 503 when that cannot be known (fail closed). */
async function platformKeyDeveloper(apiKey: string, keys: PlatformKeys | undefined): Promise<string> {
  const presented = parsePlatformKey(apiKey);
  if (!presented || !keys) throw unauthenticated(KEY_REFUSALS.UNKNOWN.message, KEY_REFUSALS.UNKNOWN.reason);
  let check: KeyCheck;
  try {
    check = await keys.check(presented);
  } catch (error) {
    if (!(error instanceof PlatformUnavailable)) throw error;
    throw new GraphQLError('暂时无法核验 API 密钥（平台不可达），请稍后重试 / the API key cannot be checked now (the platform is unreachable); retry shortly', {
      extensions: { code: 'API_KEY_UNVERIFIABLE', http: { status: 503 } },
    });
  }
  if ('refused' in check) throw unauthenticated(KEY_REFUSALS[check.refused].message, KEY_REFUSALS[check.refused].reason);
  return check.developer;
}
