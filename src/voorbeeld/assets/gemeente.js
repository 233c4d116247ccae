// One municipality's page: its existence, its lineage (voorgangers and opvolgers through
// herindelingen) and its ambtelijke fusies through time, as a timeline and a table. Chosen by
// CBS code or name in the form, or by clicking a municipality anywhere on the page.

import { describe, isAbort, request } from "./graphql.js";
import { Gemeente, GemeentenZoeken } from "./queries.js";
import { h, s, setStatus } from "./dom.js";
import { FIRST_YEAR, longDate, parseDate, period, shortDate, today } from "./dates.js";
import { EINDREDEN, HERINDELING, REIKWIJDTE, ROL, VORM, label } from "./labels.js";

const CBS_CODE = /^GM\d{4}$/i;

/** A button that opens municipality `g` on this page. */
function link(g, open) {
  return h("button", { type: "button", class: "gemeente-link", "data-code": g.code, title: g.code, onclick: () => open(g.code) }, g.naam);
}

function existence(g) {
  if (g.einddatum) return `bestond ${period(g.begindatum, g.einddatum)}`;
  if (g.begindatum) return `bestaat sinds ${shortDate(g.begindatum)}`;
  return `bestaat sinds ${FIRST_YEAR} of eerder`;
}

function lineage(g, open) {
  const list = (items, none) =>
    items.length
      ? h("ul", { class: "lijn" }, items.map((x) => h("li", { "data-code": x.code }, link(x, open), h("span", { class: "klein" }, ` ${existence(x)}`))))
      : h("p", { class: "leeg" }, none);
  const names = (items) => items.flatMap((x, i) => [i ? ", " : "", link(x, open)]);
  return h(
    "div",
    { class: "afstamming" },
    h("div", { class: "voorgangers" }, h("h4", {}, "Voorgangers"), list(g.voorgangers, "Geen: de gemeente ontstond niet uit een herindeling in het register.")),
    h("div", { class: "opvolgers" }, h("h4", {}, "Opvolgers"), list(g.opvolgers, "Geen: de gemeente is niet opgegaan in een andere.")),
    h(
      "div",
      { class: "herindelingen" },
      h("h4", {}, "Herindelingen"),
      g.herindelingen.length
        ? h(
            "ul",
            {},
            g.herindelingen.map((r) =>
              h(
                "li",
                { "data-sleutel": r.sleutel },
                h("span", { class: "datum" }, longDate(r.datum)),
                ` · ${label(HERINDELING, r.soort)}: `,
                names(r.opgeheven),
                " → ",
                names([...r.nieuw, ...r.ontvangend]),
              ),
            ),
          )
        : h("p", { class: "leeg" }, "Geen."),
    ),
  );
}

// Timeline geometry, in SVG units.
const LINE_WIDTH = 1100;
const LABEL_WIDTH = 300;
const ROW = 26;

/** A bar per deelname on a time axis from FIRST_YEAR to today, over the municipality's own existence. */
function timeline(g) {
  const start = parseDate(`${FIRST_YEAR}-01-01`).getTime();
  const end = parseDate(today()).getTime();
  const x = (iso, fallback) => {
    const t = iso ? Math.min(Math.max(parseDate(iso).getTime(), start), end) : fallback;
    return LABEL_WIDTH + ((t - start) / (end - start)) * (LINE_WIDTH - LABEL_WIDTH - 10);
  };
  const height = 28 + g.deelnames.length * ROW;
  const svg = s("svg", { class: "tijdlijn", viewBox: `0 0 ${LINE_WIDTH} ${height}`, role: "img", "aria-label": `Ambtelijke fusies van ${g.naam} door de tijd` });
  const lived = s("rect", { class: "bestaan", x: x(g.begindatum, start), y: 0, width: x(g.einddatum, end) - x(g.begindatum, start), height: height - 20 });
  lived.append(s("title", {}, `${g.naam} ${existence(g)}`));
  svg.append(lived);
  for (let year = FIRST_YEAR + 1; year <= new Date().getFullYear(); year += 1) {
    if (year % 5) continue;
    const at = x(`${year}-01-01`);
    svg.append(s("line", { class: "rasterlijn", x1: at, x2: at, y1: 0, y2: height - 20 }), s("text", { class: "as-label", x: at, y: height - 6, "text-anchor": "middle" }, year));
  }
  g.deelnames.forEach((d, i) => {
    const y = 6 + i * ROW;
    const fusie = d.ambtelijkeFusie;
    const x1 = x(d.begindatum, start);
    const x2 = x(d.einddatum, end);
    svg.append(
      s("text", { class: "tijdlijn-label", x: LABEL_WIDTH - 8, y: y + 13, "text-anchor": "end" }, `${fusie.afkorting ?? fusie.naam} (${label(ROL, d.rol)})`),
      s(
        "rect",
        { class: `deel ${fusie.vorm.toLowerCase()} ${fusie.reikwijdte === "GEDEELTELIJK" ? "gedeeltelijk" : ""}`, x: x1, y, width: Math.max(x2 - x1, 2), height: ROW - 8 },
        s("title", {}, `${fusie.naam}: ${label(ROL, d.rol)}, ${period(d.begindatum, d.einddatum)}`),
      ),
    );
  });
  return svg;
}

function participations(g) {
  return h(
    "table",
    { class: "deelnames" },
    h("thead", {}, h("tr", {}, h("th", {}, "Ambtelijke fusie"), h("th", {}, "Vorm"), h("th", {}, "Rol"), h("th", {}, "Deelname"), h("th", {}, "Fusie"))),
    h(
      "tbody",
      {},
      g.deelnames.map((d) => {
        const f = d.ambtelijkeFusie;
        const ended = f.einddatum ? `${period(f.begindatum, f.einddatum)}, ${label(EINDREDEN, f.eindreden)}` : period(f.begindatum, null);
        return h(
          "tr",
          { "data-sleutel": f.sleutel },
          h("th", { scope: "row" }, f.naam, f.reikwijdte === "GEDEELTELIJK" ? h("span", { class: "label" }, label(REIKWIJDTE, f.reikwijdte)) : null),
          h("td", {}, h("span", { class: `vorm ${f.vorm.toLowerCase()}` }, label(VORM, f.vorm))),
          h("td", {}, label(ROL, d.rol), d.taken ? h("div", { class: "klein" }, d.taken) : null),
          h("td", {}, period(d.begindatum, d.einddatum)),
          h("td", {}, ended),
        );
      }),
    ),
  );
}

function render(g, open) {
  return [
    h("h3", { class: "gemeente-naam", "data-code": g.code }, g.naam, h("span", { class: "code" }, g.code)),
    h("p", { class: "feiten" }, `Provincie ${g.provincie.naam} · ${existence(g)}`),
    h("section", { class: "deel-sectie" }, h("h4", { class: "kopje" }, "Herkomst en opvolging"), lineage(g, open)),
    h(
      "section",
      { class: "deel-sectie" },
      h("h4", { class: "kopje" }, "Ambtelijke fusies door de tijd"),
      g.deelnames.length
        ? [h("div", { class: "schuif" }, timeline(g)), h("div", { class: "schuif" }, participations(g))]
        : h("p", { class: "leeg" }, "Geen deelname aan een ambtelijke fusie in het register."),
    ),
  ];
}

/**
 * Wires the municipality page to its form. `onShown(code)` reports the municipality shown (for
 * the address bar).
 */
export function createGemeentePage({ form, input, status, content, onShown }) {
  let controller = null;

  async function run(work) {
    controller?.abort();
    controller = new AbortController();
    try {
      await work(controller.signal);
    } catch (error) {
      if (!isAbort(error)) setStatus(status, `Kon de gemeente niet laden: ${describe(error)}`, "fout");
    }
  }

  let shown = null;

  function open(code) {
    input.value = code;
    return run(async (signal) => {
      setStatus(status, `Laden: ${code}…`);
      const { gemeente } = await request(Gemeente, { code }, { signal });
      if (!gemeente) {
        content.replaceChildren();
        setStatus(status, `Geen gemeente met CBS-code ${code}.`, "fout");
        return;
      }
      content.replaceChildren(...render(gemeente, open));
      setStatus(status, "");
      shown = gemeente.code;
      onShown(gemeente.code);
    });
  }

  function search(naam) {
    return run(async (signal) => {
      setStatus(status, `Zoeken: ${naam}…`);
      const { gemeenten } = await request(GemeentenZoeken, { naam, first: 20 }, { signal });
      const found = gemeenten.edges.map((e) => e.node);
      if (found.length === 1) return open(found[0].code);
      content.replaceChildren(
        h("ul", { class: "zoekresultaat" }, found.map((g) => h("li", {}, link(g, open), h("span", { class: "klein" }, ` ${g.code}, ${g.provincie.naam}, ${existence(g)}`)))),
      );
      const more = gemeenten.totalCount > found.length ? ` (de eerste ${found.length} van ${gemeenten.totalCount})` : "";
      setStatus(status, found.length ? `Gemeenten met “${naam}” in de naam${more}:` : `Geen gemeente met “${naam}” in de naam.`, found.length ? "" : "fout");
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (CBS_CODE.test(text)) open(text.toUpperCase());
    else if (text) search(text);
  });
  /** Loads the municipality shown again, e.g. after a change in the registry. */
  function reload() {
    if (shown) open(shown);
  }

  return { open, reload };
}
