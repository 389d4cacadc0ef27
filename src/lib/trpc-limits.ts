/**
 * Most calls one /api/trpc request may carry. The server refuses larger batches (400) and the
 * browser's link splits at the same bound, so the app's own UI never hits the refusal.
 */
export const TRPC_MAX_BATCH_SIZE = 20;
