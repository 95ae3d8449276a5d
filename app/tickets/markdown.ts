/**
 * Ticket messages are markdown written by customers (through the intake API) and staff; the
 * thread shows them as HTML, so this is where hostile input meets the admin. Two layers:
 *   1. markdown-it with raw HTML disabled (any `<tag>` in the source is shown as text), images
 *      off (no tracking pixels, no data: URLs) and links limited to http(s) and mailto;
 *   2. sanitize-html over its output, with a small allowlist of tags, attributes and URL
 *      schemes: should a markdown-it bug or a future option let markup through, it still
 *      cannot carry a script, an event handler, a style or a dangerous link.
 * Server-only in practice (loaders render, pages receive the safe HTML), though it holds no
 * secrets: both libraries would also run in the browser.
 */
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

/** Schemes a link may use; anything else (javascript:, data:, vbscript:, file:, relative) is text. */
const LINK_SCHEMES = ["http", "https", "mailto"];
const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

const markdown = new MarkdownIt("default", { html: false, linkify: true, breaks: true, typographer: false });
markdown.disable(["image"]);
// markdown-it's default check only refuses a few schemes; an allowlist refuses the rest too.
// It sees the destination after entity decoding and percent-encoding, so "jav&#x61;script:"
// and "javascript&colon;" arrive here decoded and fail the prefix test like the plain form.
markdown.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "title", "rel", "target"], ol: ["start"], th: ["style"], td: ["style"], code: ["class"] },
  // Tables align cells with style="text-align:..."; nothing else in a style survives.
  allowedStyles: { th: { "text-align": [/^(?:left|right|center)$/] }, td: { "text-align": [/^(?:left|right|center)$/] } },
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  // Disallowed tags are dropped with their content for script-like tags, kept as text otherwise.
  disallowedTagsMode: "discard",
  transformTags: {
    // Links open outside the admin iframe and tell the target nothing about where they came from.
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...(attribs.href ? { href: attribs.href } : {}), ...(attribs.title ? { title: attribs.title } : {}), rel: "noopener noreferrer nofollow", target: "_blank" },
    }),
  },
};

/** The second layer alone: any HTML fragment reduced to the allowlist. */
export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).trim();
}

/** Renders a message's markdown to HTML that is safe to insert into the page. */
export function renderMarkdown(source: string): string {
  return sanitizeFragment(markdown.render(source));
}
