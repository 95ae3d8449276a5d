/**
 * The encryption keyring for `npm run sandbox`, the tests and the benchmarks: fixed so a local
 * database keeps decrypting across restarts, and published here, so it protects nothing. A
 * real deployment sets its own OAC_ENCRYPTION_KEYS (README, Configuration); the sandbox refuses
 * NODE_ENV=production, and this key is never a default of the app itself.
 */
export const DEVELOPMENT_ENCRYPTION_KEYS = "dev-1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1hLXNlY3JldCEhISE=";
