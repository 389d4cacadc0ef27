// Chat input limits, enforced by the server's zod inputs (src/server/api/routers/chat.ts) and
// shown by the browser's composer. Plain constants so the client bundle pulls in no server code.
export const MAX_MESSAGE_CHARS = 8000;
export const MAX_TITLE_CHARS = 120;
export const MAX_SEARCH_CHARS = 100;
