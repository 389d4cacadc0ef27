/**
 * A reply's text pieces, sent as at most one frame per `frameMs`. Each frame costs the same on the
 * wire path (serialization, the response's stream chain, a socket write) and a render in the
 * browser, whatever its length, so a fast model's token-by-token pieces are merged: the first
 * piece goes out at once (time to first token is unchanged), a piece arriving `frameMs` or more
 * after the last frame also goes out at once (a slow model streams as before), and pieces
 * arriving sooner wait, merged, until `frameMs` after the last frame. `frameMs` 0 sends every piece.
 */
export interface DeltaFramer {
  push(text: string): void;
  /** Sends what is waiting now (before the reply's last event). */
  flush(): void;
}

export function deltaFramer(send: (text: string) => void, frameMs: number, now = () => performance.now()): DeltaFramer {
  let waiting = "";
  let lastFrameAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!waiting) return;
    const text = waiting;
    waiting = "";
    lastFrameAt = now();
    send(text);
  };

  return {
    push(text) {
      if (!text) return;
      if (frameMs <= 0) return send(text);
      waiting += text;
      if (timer) return;
      const wait = lastFrameAt + frameMs - now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
  };
}
