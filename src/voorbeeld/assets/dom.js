// Builds DOM nodes from data. Text from the API only ever becomes a text node, never markup:
// the page's Content-Security-Policy (`require-trusted-types-for 'script'`) makes Chromium
// refuse HTML strings anyway.

// A namespace name, not an address: nothing is fetched from it.
const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** An HTML element: `h("td", { class: "getal" }, 16)`. */
export function h(tag, attributes, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** An SVG element: `s("rect", { x: 0, y: 0, width: 10, height: 20 })`. */
export function s(tag, attributes, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Shows `text` in a section's status line; `kind` "fout" marks an error. */
export function setStatus(element, text, kind = "") {
  element.textContent = text;
  element.className = kind ? `status ${kind}` : "status";
}
