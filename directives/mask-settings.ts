// The mask settings (MASK_*_KEEP, MASK_HASH_KEY), read the same way by the gateway (which masks) and
// the platform (which reviews grants against them). Pure: the environment is passed in.
import { keepEndsSetting } from '../lib/env-settings';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from './mask';

export function maskSettingsFromEnv(env: NodeJS.ProcessEnv): MaskSettings {
  return {
    idNumber: keepEndsSetting(env, 'MASK_ID_NUMBER_KEEP', DEFAULT_MASK_SETTINGS.idNumber),
    phone: keepEndsSetting(env, 'MASK_PHONE_KEEP', DEFAULT_MASK_SETTINGS.phone),
    creditCode: keepEndsSetting(env, 'MASK_CREDIT_CODE_KEEP', DEFAULT_MASK_SETTINGS.creditCode),
    hashKey: env.MASK_HASH_KEY || DEFAULT_MASK_SETTINGS.hashKey,
  };
}
