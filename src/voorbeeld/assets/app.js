// The entry point: wires the four parts of the page together. Each part is its own module and
// talks to the API through graphql.js (queries over fetch) or live.js (the subscription).
//
// The address bar remembers what is shown (#peildatum=2015-01-01&gemeente=GM0489), so a view
// can be linked to and survives a reload.

import { comparisonRows, drawChart, loadYears, yearStarts } from "./chart.js";
import { isDate, today } from "./dates.js";
import { setStatus } from "./dom.js";
import { createFusiesTable } from "./fusies.js";
import { createGemeentePage } from "./gemeente.js";
import { describe } from "./graphql.js";
import { startLive } from "./live.js";

const byId = (id) => document.getElementById(id);

const address = new URLSearchParams(window.location.hash.slice(1));
function remember(key, value) {
  address.set(key, value);
  window.history.replaceState(null, "", `#${address}`);
}

const gemeente = createGemeentePage({
  form: byId("gemeente-form"),
  input: byId("gemeente-zoek"),
  status: byId("gemeente-status"),
  content: byId("gemeente-inhoud"),
  onShown: (code) => remember("gemeente", code),
});

function openGemeente(code) {
  gemeente.open(code);
  byId("gemeente").scrollIntoView({ behavior: "smooth", block: "start" });
}

const fusies = createFusiesTable({
  form: byId("fusies-form"),
  dateInput: byId("peildatum"),
  partialInput: byId("gedeeltelijk"),
  status: byId("fusies-status"),
  body: byId("fusies-tabel").tBodies[0],
  onGemeente: openGemeente,
  onPeildatum: (peildatum) => remember("peildatum", peildatum),
});

async function showChart() {
  const status = byId("grafiek-status");
  try {
    const years = await loadYears(yearStarts());
    drawChart(byId("grafiek-svg"), years, {
      onSelect: (peildatum) => {
        fusies.show(peildatum);
        byId("fusies").scrollIntoView({ behavior: "smooth", block: "start" });
      },
    });
    const rows = comparisonRows(years);
    const table = byId("vergelijking");
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = rows.length === 0;
    setStatus(status, "");
  } catch (error) {
    setStatus(status, `Kon de grafiek niet laden: ${describe(error)}`, "fout");
  }
}

// Changes often come in bursts (a herindeling touches many records): refresh once, shortly
// after the last one.
let refreshTimer = null;
function refreshAfterChange() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    fusies.refresh();
    gemeente.reload();
  }, 400);
}

const start = address.get("peildatum");
fusies.show(start && isDate(start) ? start : today());
const code = address.get("gemeente");
if (code && /^GM\d{4}$/.test(code)) gemeente.open(code);
showChart();
startLive({ list: byId("live-lijst"), status: byId("live-status"), onChange: refreshAfterChange });
