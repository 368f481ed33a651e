export { createConfigService, parseConfigText, defaultConfig, serializeConfig, CONFIG_FILE } from './service';
export { toPublicConfig, webhookUrl } from './public';
export { ConfigError } from './errors';
export { writeFileAtomic } from './atomic-write';
export { createSecretsAtRest, mapSecretFields, type SecretsAtRest, type SecretsStorage } from './secrets';
