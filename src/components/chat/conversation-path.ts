/** The URL of one conversation; `/chat` alone opens the newest (or the empty chat before a first one). */
export function conversationPath(id: string | null): string {
  return id ? `/chat/${encodeURIComponent(id)}` : "/chat";
}

export function conversationIdFromPath(pathname: string | null): string | null {
  const match = /^\/chat\/([^/]+)\/?$/.exec(pathname ?? "");
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}
