const HIGH_LIMIT = "1000000/60";
const LIMITS = [
  "SIGNIN_PER_EMAIL",
  "SIGNIN_PER_EMAIL_AND_IP",
  "SIGNIN_PER_IP",
  "SIGNUP_PER_IP",
  "ACCOUNT_MAIL",
  "CHAT_PER_USER",
  "CHECKOUT_PER_USER",
];

/**
 * Every rate limit out of the way, for servers (and harness processes) whose traffic comes from one
 * address at machine speed: e2e, load, rolling restart, bench. The real limits are tested by the server suites.
 * @type {Record<string, string>}
 */
export const HARNESS_RATE_LIMITS = Object.fromEntries(LIMITS.map((name) => [`RATE_LIMIT_${name}`, HIGH_LIMIT]));
