/**
 * The path of the page being rendered, set by the proxy on every page request (and overwritten there, so a
 * client cannot choose it). Layouts get no pathname from Next; the chat layout needs it to load the open
 * conversation before it renders the chat view (see src/app/(app)/chat/layout.tsx).
 */
export const REQUEST_PATH_HEADER = "x-tally-pathname";
