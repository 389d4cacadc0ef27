/**
 * Bounds of the numbers a user sets, named once: the server's input schemas refuse outside them and
 * the forms check the same numbers before sending (src/lib holds no server code, so both import it).
 */
/** The largest low-balance alert threshold (credits). */
export const MAX_LOW_BALANCE_THRESHOLD = 100_000_000;
/** The largest auto top-up threshold (credits). */
export const MAX_AUTO_TOP_UP_THRESHOLD = 100_000_000;
/** The most auto top-ups a calendar month a user can allow. */
export const MAX_MONTHLY_TOP_UPS = 31;
