// The achievement summary's rich-text editor: django-prose-editor's Tiptap/ProseMirror bundle,
// started here rather than by the package's own preset script, because that one needs an inline
// import map and lets Tiptap inject a <style> element, both of which the strict CSP forbids.
// The relative import resolves inside STATIC_URL. The textarea stays the form field: the editor
// writes its HTML back on every change (and fires "input", so word-count.js keeps counting);
// the server sanitises it again on save (nominations/summary.py).
import {
  Blockquote,
  Bold,
  BulletList,
  Document,
  Dropcursor,
  Editor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  Italic,
  ListItem,
  Menu,
  OrderedList,
  Paragraph,
  Table,
  TableCell,
  TableHeader,
  TableRow,
  Text,
  Underline,
} from "../django_prose_editor/editor.js";

// Word puts a list on the clipboard as paragraphs with a typed bullet or number
// ("MsoListParagraph", style "mso-list"), not as <ul>/<ol>. Turn runs of such paragraphs into a
// real list before the editor reads them; Tiptap has no rule for it (hand-written for that).
const MARKER = /^\s*(?:[\u00b7\u2022\u25aa\u25cf\u2013o§\-]|\(?[0-9]+[.)]|\(?[a-zA-Z][.)]|[ivxIVX]+[.)])\s*/;
function isWordListItem(node) {
  return (
    node.nodeType === 1 &&
    node.tagName === "P" &&
    (/MsoListParagraph/.test(node.className) || /mso-list/.test(node.getAttribute("data-style") || ""))
  );
}
// Style attributes are renamed before any parsing: Chrome checks them against the page's CSP
// even in a detached document, and reports every one of Word's as a violation. The summary keeps
// no styles anyway (nominations/summary.py).
const STYLE_ATTRIBUTE = /(<[a-zA-Z][^>]*?\s)style\s*=/g;
export function cleanPastedHtml(html) {
  html = html.replace(STYLE_ATTRIBUTE, "$1data-style=");
  if (!/mso-list|MsoListParagraph/.test(html)) return html;
  const doc = new DOMParser().parseFromString(html, "text/html");
  const paragraphs = Array.from(doc.body.querySelectorAll("p")).filter(isWordListItem);
  let list = null;
  let previous = null;
  for (const p of paragraphs) {
    let ordered = false;
    const ignored = Array.from(p.querySelectorAll("span")).filter((span) =>
      /mso-list:\s*Ignore/i.test(span.getAttribute("data-style") || ""),
    );
    if (ignored.length) {
      ordered = /[0-9a-zA-Z][.)]/.test(ignored[0].textContent);
      ignored.forEach((span) => span.remove());
    } else {
      const match = p.textContent.match(MARKER);
      if (match) {
        ordered = /[0-9a-zA-Z][.)]/.test(match[0]);
        const first = p.firstChild;
        if (first && first.nodeType === 3) first.textContent = first.textContent.replace(MARKER, "");
      }
    }
    const tag = ordered ? "OL" : "UL";
    if (!list || previous !== p.previousElementSibling || list.tagName !== tag) {
      list = doc.createElement(tag);
      p.before(list);
    }
    const item = doc.createElement("li");
    const para = doc.createElement("p");
    while (p.firstChild) para.append(p.firstChild);
    item.append(para);
    list.append(item);
    previous = list;
    p.remove();
  }
  return doc.body.innerHTML;
}

function start(textarea) {
  if (textarea.closest(".prose-editor")) return;
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor summary-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const editor = new Editor({
    element: wrapper,
    injectCSS: false,
    extensions: [
      Document,
      Paragraph,
      Text,
      HardBreak,
      History,
      Dropcursor,
      Gapcursor,
      Menu,
      Bold,
      Italic,
      Underline,
      Heading.configure({ levels: [3, 4] }),
      BulletList,
      OrderedList,
      ListItem,
      Blockquote,
      Table,
      TableRow,
      TableHeader,
      TableCell,
    ],
    content: textarea.value,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": label ? label.textContent.trim() : "",
        "aria-describedby": textarea.getAttribute("aria-describedby") || "",
      },
      transformPastedHTML: cleanPastedHtml,
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  if (label) label.addEventListener("click", () => editor.commands.focus());
  return editor;
}

document.querySelectorAll("textarea[data-summary-editor]").forEach(start);
