// Mirrors the server's limits (src/server/api/routers/chat.ts) without pulling server code into
// the browser bundle; tests/ui/chat-limits.test.ts keeps the two equal.
export const MAX_MESSAGE_CHARS = 8000;
export const MAX_TITLE_CHARS = 120;
