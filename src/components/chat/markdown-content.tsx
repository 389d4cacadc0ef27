import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import remend from "remend";

import { MARKDOWN_STYLES } from "./markdown-styles";

/**
 * A reply still arriving may end inside a marker: remend closes what was opened (bold, italic,
 * code, links as plain text), and a marker that has nothing after it yet (a lone trailing `` ` ``
 * or `**`) is left out until its text arrives. A closing marker left out this way is put back by
 * remend, so "**done**" still renders bold.
 */
export function healStreamingMarkdown(text: string): string {
  return remend(text.replace(/[*_`~]+$/, ""), { linkMode: "text-only", katex: false });
}

/**
 * `streaming`: the text is a reply still arriving (see healStreamingMarkdown). Loaded on demand
 * through `./markdown` (react-markdown, remark-gfm and remend stay out of the first load).
 */
export function MarkdownContent({ children, streaming = false }: { children: string; streaming?: boolean }) {
  return (
    <div className={MARKDOWN_STYLES}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        components={{
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
        }}
      >
        {streaming ? healStreamingMarkdown(children) : children}
      </ReactMarkdown>
    </div>
  );
}
