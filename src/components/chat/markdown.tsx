"use client";

import dynamic from "next/dynamic";
import { Suspense } from "react";

import { MARKDOWN_STYLES } from "./markdown-styles";

/**
 * The Markdown renderer (react-markdown, remark-gfm, remend) is the heaviest part of the chat's
 * JavaScript, so it is not in the page's first load (tests/deploy/first-load-js.test.ts): a
 * conversation that arrives with its messages is still rendered on the server and keeps that HTML
 * until the renderer's chunk has loaded; the chunk is fetched after the page has loaded, well
 * before a reply can stream. Until then a reply shows as plain text in the same box.
 */
const loadContent = () => import("./markdown-content");

/** Readable text of Markdown without its markers: the stand-in while the renderer loads. */
export function plainMarkdownText(text: string): string {
  return text
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, "")
    .replace(/[*_`~]+/g, "")
    .replace(/\]\([^)\s]*\)?/g, "")
    .replace(/[[\]]/g, "");
}

function PlainMarkdown({ children }: { children: string }) {
  return (
    <div className={MARKDOWN_STYLES}>
      <p className="whitespace-pre-wrap">{plainMarkdownText(children)}</p>
    </div>
  );
}

const LazyMarkdown = dynamic(() => loadContent().then((m) => m.MarkdownContent));

/** `streaming`: the text is a reply still arriving (see healStreamingMarkdown in markdown-content.tsx). */
export function Markdown({ children, streaming = false }: { children: string; streaming?: boolean }) {
  return (
    <Suspense fallback={<PlainMarkdown>{children}</PlainMarkdown>}>
      <LazyMarkdown streaming={streaming}>{children}</LazyMarkdown>
    </Suspense>
  );
}

if (typeof window !== "undefined") {
  // After the page has loaded and the browser is idle: the first reply then renders at once.
  const preload = () => void loadContent().catch(() => undefined);
  const whenIdle = () =>
    "requestIdleCallback" in window ? window.requestIdleCallback(preload, { timeout: 2000 }) : setTimeout(preload, 1);
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}
