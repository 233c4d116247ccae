// The table of ambtelijke fusies running on a peildatum, with the municipalities taking part
// that day. The date input drives the `peildatum` variable; a newer choice cancels the request
// of an older one, so a slow answer never overwrites a newer one.

import { describe, isAbort, request } from "./graphql.js";
import { FusiesOpPeildatum } from "./queries.js";
import { h, setStatus } from "./dom.js";
import { isDate, longDate, period } from "./dates.js";
import { RECHTSVORM, REIKWIJDTE, ROL, VORM, label } from "./labels.js";

/** Page size: well below the server's maximum of 100, so each request stays small. */
const PAGE_SIZE = 25;

/** Every fusie on `peildatum`, following the cursor page by page. */
async function loadAll(peildatum, reikwijdte, signal) {
  const fusies = [];
  let after = null;
  for (;;) {
    const { ambtelijkeFusies: page } = await request(FusiesOpPeildatum, { peildatum, reikwijdte, first: PAGE_SIZE, after }, { signal });
    fusies.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return fusies;
    after = page.pageInfo.endCursor;
  }
}

/** The host first, then the others by name. */
function byRoleAndName(a, b) {
  const host = (d) => (d.rol === "CENTRUMGEMEENTE" ? 0 : 1);
  return host(a) - host(b) || a.gemeente.naam.localeCompare(b.gemeente.naam, "nl");
}

function row(fusie, onGemeente) {
  const members = [...fusie.deelnames].sort(byRoleAndName);
  return h(
    "tr",
    { "data-sleutel": fusie.sleutel, class: fusie.reikwijdte === "GEDEELTELIJK" ? "gedeeltelijk" : null },
    h(
      "th",
      { scope: "row" },
      h("span", { class: "fusie-naam" }, fusie.naam),
      fusie.afkorting ? h("span", { class: "afkorting" }, fusie.afkorting) : null,
      fusie.reikwijdte === "GEDEELTELIJK" ? h("span", { class: "label" }, label(REIKWIJDTE, fusie.reikwijdte)) : null,
    ),
    h(
      "td",
      { class: "vorm-cel" },
      h("span", { class: `vorm ${fusie.vorm.toLowerCase()}` }, label(VORM, fusie.vorm)),
      h("span", { class: "klein" }, label(RECHTSVORM, fusie.rechtsvorm)),
    ),
    h("td", { class: "looptijd" }, period(fusie.begindatum, fusie.einddatum)),
    h(
      "td",
      {},
      h(
        "ul",
        { class: "leden" },
        members.map((d) =>
          h(
            "li",
            { "data-code": d.gemeente.code, "data-rol": d.rol },
            h("button", { type: "button", class: "gemeente-link", title: d.gemeente.code, onclick: () => onGemeente(d.gemeente.code) }, d.gemeente.naam),
            d.rol === "CENTRUMGEMEENTE" ? h("span", { class: "rol" }, label(ROL, d.rol)) : null,
          ),
        ),
      ),
    ),
  );
}

/**
 * Wires the table to its form. `onGemeente(code)` opens a municipality; `onPeildatum(date)`
 * reports the date shown (for the address bar).
 */
export function createFusiesTable({ form, dateInput, partialInput, status, body, onGemeente, onPeildatum }) {
  let controller = null;

  async function show(peildatum) {
    if (!isDate(peildatum)) {
      setStatus(status, `Geen geldige datum: ${peildatum}`, "fout");
      return;
    }
    dateInput.value = peildatum;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const reikwijdte = partialInput.checked ? null : "VOLLEDIG";
    setStatus(status, `Laden: ambtelijke fusies op ${longDate(peildatum)}…`);
    body.closest("table").setAttribute("aria-busy", "true");
    try {
      const fusies = await loadAll(peildatum, reikwijdte, signal);
      body.replaceChildren(...fusies.map((fusie) => row(fusie, onGemeente)));
      const what = reikwijdte ? "ambtelijke fusies (volledig)" : "ambtelijke fusies en gedeeltelijke samenwerkingen";
      setStatus(status, `${fusies.length} ${what} op ${longDate(peildatum)}.`);
      body.closest("table").dataset.peildatum = peildatum;
      onPeildatum(peildatum);
    } catch (error) {
      if (isAbort(error)) return;
      body.replaceChildren();
      setStatus(status, `Kon de fusies niet laden: ${describe(error)}`, "fout");
    } finally {
      if (!signal.aborted) body.closest("table").setAttribute("aria-busy", "false");
    }
  }

  const refresh = () => {
    // A date input's value is empty while the date typed is incomplete: nothing is sent then.
    if (dateInput.value && dateInput.validity.valid && isDate(dateInput.value)) show(dateInput.value);
  };
  dateInput.addEventListener("change", refresh);
  partialInput.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  return { show, refresh };
}
