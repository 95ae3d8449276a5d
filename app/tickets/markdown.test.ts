/**
 * The thread's sanitizer against hostile input: whatever a customer or an API client writes,
 * the HTML we insert carries no script, no event handler, no style, no frame and no link
 * outside http(s)/mailto. Both layers are tested: the whole pipeline and the sanitizer alone
 * (defence in depth should markdown-it ever let markup through).
 */
import { describe, expect, it } from "vitest";
import { renderMarkdown, sanitizeFragment } from "./markdown";

const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
const TAG = /<([a-zA-Z][\w-]*)((?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;

/** Every tag of an HTML fragment with its attributes (quoted values respected), decoded as a browser would. */
function tagsOf(html: string): Array<{ tag: string; attributes: Array<[string, string]> }> {
  const decode = (value: string) =>
    value
      .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&quot;/g, '"')
      .replace(/&colon;/gi, ":")
      .replace(/&amp;/g, "&");
  return [...html.matchAll(TAG)].map((match) => ({
    tag: match[1].toLowerCase(),
    attributes: [...match[2].matchAll(ATTRIBUTE)].map((attr): [string, string] => [attr[1].toLowerCase(), decode(attr[2] ?? attr[3] ?? attr[4] ?? "")]),
  }));
}

const ALLOWED_TAGS = new Set(["p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"]);
const ALLOWED_ATTRIBUTES = new Set(["href", "title", "rel", "target", "start", "style", "class"]);

function expectSafe(html: string) {
  for (const { tag, attributes } of tagsOf(html)) {
    expect(ALLOWED_TAGS.has(tag), `tag <${tag}> in ${html}`).toBe(true);
    for (const [name, value] of attributes) {
      expect(ALLOWED_ATTRIBUTES.has(name), `attribute ${name} in ${html}`).toBe(true);
      // As a browser reads a URL: control characters and spaces do not hide a scheme.
      if (name === "href") expect([...value].filter((char) => char.charCodeAt(0) > 0x20).join(""), html).toMatch(/^(?:https?:\/\/|mailto:)/i);
      if (name === "style") expect(value, html).toMatch(/^text-align:(?:left|right|center);?$/);
      if (name === "target") expect(value).toBe("_blank");
    }
  }
  // Whatever is not a tag is text: no "<" can open markup outside the tags found above.
  expect(html.replace(TAG, "").replace(/<\/[a-zA-Z][\w-]*\s*>/g, ""), html).not.toContain("<");
}

const HOSTILE = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
  "<img src=x onerror=alert(1)>",
  '<svg onload="alert(1)"><circle /></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](  javascript:alert(1))",
  "[click](<javascript:alert(1)>)",
  "[click](jav&#x61;script:alert(1))",
  "[click](jav&#97;script&colon;alert(1))",
  "[click](javascript%3Aalert(1))",
  "[click](java\u0000script:alert(1))",
  "[click](vbscript:msgbox(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](file:///etc/passwd)",
  "[ref]\n\n[ref]: javascript:alert(1)",
  "![x](https://evil.example/pixel.gif)",
  "![x](data:image/png;base64,iVBORw0KGgo=)",
  "<<script>script>alert(1)<</script>/script>",
  "<scr<script>ipt>alert(1)</script>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "[x](https://example.com\" onmouseover=\"alert(1))",
  '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
  "<details open ontoggle=alert(1)>",
  "```html\n<script>alert(1)</script>\n```",
  "`<img src=x onerror=alert(1)>`",
  "> <script>alert(1)</script>\n> [a](javascript:alert(1))",
  "- [a](javascript:alert(1))\n- <b onclick=alert(1)>b</b>",
  "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
  "<!-- comment --><script>alert(1)</script>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "[//evil.example](//evil.example)",
  "www.example.com/<script>alert(1)</script>",
];

describe("the safety check", () => {
  it("is not vacuous: it fails on unsafe HTML", () => {
    for (const bad of ["<img src=x>", '<a href="javascript:x()">a</a>', '<a href="jav&#x61;script:x()">a</a>', '<p onclick="x()">a</p>', '<td style="position:fixed">a</td>', "<p>a</p><scr<x>"]) {
      expect(() => expectSafe(bad), bad).toThrow();
    }
    expect(() => expectSafe('<p>a &lt;script&gt; <a href="https://example.com" rel="noopener" target="_blank">b</a></p>')).not.toThrow();
  });
});

describe("renderMarkdown", () => {
  it("renders ordinary markdown", () => {
    const html = renderMarkdown("# Refund\n\n**Bold**, _em_, `code` and ~~old~~.\n\n- one\n- two\n\n1. first\n\n> quoted\n\nline one\nline two");
    expect(html).toContain("<h1>Refund</h1>");
    expect(html).toContain("<strong>Bold</strong>");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<s>old</s>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("<ol>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain("line one<br />\nline two");
    expectSafe(html);
  });

  it("keeps http(s) and mailto links, opening outside the admin without a referrer", () => {
    const html = renderMarkdown('[Tracking](https://track.example/123 "Carrier") and mail@example.com and https://example.org');
    expect(html).toContain('<a href="https://track.example/123" title="Carrier" rel="noopener noreferrer nofollow" target="_blank">Tracking</a>');
    expect(html).toContain('<a href="mailto:mail@example.com" rel="noopener noreferrer nofollow" target="_blank">mail@example.com</a>');
    expect(html).toContain('<a href="https://example.org" rel="noopener noreferrer nofollow" target="_blank">https://example.org</a>');
    expectSafe(html);
  });

  it.each(HOSTILE.map((input) => [input]))("neutralises %j", (input) => {
    const html = renderMarkdown(input);
    expectSafe(html);
  });

  it("shows raw HTML as text instead of dropping what the customer wrote", () => {
    expect(renderMarkdown("<b>hello</b> <script>alert(1)</script>")).toBe("<p>&lt;b&gt;hello&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>");
    // Refused links stay readable as text.
    expect(renderMarkdown("[click](javascript:alert(1))")).toBe("<p>[click](javascript:alert(1))</p>");
    // Images become links (no pixel loads with the page).
    expect(renderMarkdown("![x](https://evil.example/p.gif)")).toBe('<p>!<a href="https://evil.example/p.gif" rel="noopener noreferrer nofollow" target="_blank">x</a></p>');
  });

  it("refuses relative and protocol-relative links (they would navigate inside the app)", () => {
    expect(renderMarkdown("[x](/app/staff)")).not.toContain("<a");
    expect(renderMarkdown("[x](//evil.example)")).not.toContain("<a");
    expect(renderMarkdown("[x](#top)")).not.toContain("<a");
  });

  it("survives pathological nesting without throwing", () => {
    const html = renderMarkdown(`${"> ".repeat(500)}deep ${"[".repeat(2000)}x${"]".repeat(2000)} ${"*".repeat(5000)}`);
    expectSafe(html);
  });
});

describe("sanitizeFragment (the second layer alone)", () => {
  const RAW = [
    '<p onclick="alert(1)">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="//evil.example">x</a>',
    '<img src="x" onerror="alert(1)">',
    '<svg><script>alert(1)</script></svg>',
    '<style>body{display:none}</style><p style="color:red;position:fixed">x</p>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<td style="text-align:left;background:url(javascript:alert(1))">x</td>',
    '<code class="language-js evil">x</code>',
  ];

  it.each(RAW.map((input) => [input]))("cleans %j", (input) => {
    const html = sanitizeFragment(input);
    expectSafe(html);
    expect(html).not.toContain("alert(1)</script>");
  });

  it("drops the contents of script and style, forces safe link attributes, keeps harmless styles only", () => {
    expect(sanitizeFragment("<script>alert(1)</script><p>ok</p>")).toBe("<p>ok</p>");
    expect(sanitizeFragment('<a href="https://example.com" target="_self" rel="opener" onclick="x()">x</a>')).toBe('<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">x</a>');
    expect(sanitizeFragment('<a href="javascript:alert(1)">x</a>')).toBe('<a rel="noopener noreferrer nofollow" target="_blank">x</a>');
    expect(sanitizeFragment('<td style="text-align:right;position:fixed">1</td>')).toBe('<td style="text-align:right">1</td>');
    expect(sanitizeFragment('<code class="language-js evil">x</code>')).toBe('<code class="language-js">x</code>');
  });
});
