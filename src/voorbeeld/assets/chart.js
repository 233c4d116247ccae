// The chart: for 1 January of every year, the ambtelijke fusies (top panel) and the
// municipalities taking part in them (bottom panel), each bar split by form, with the figures a
// study published for that date marked beside the registry's own count. Bars are simple enough
// to draw as SVG by hand; no chart library is needed.

import { request } from "./graphql.js";
import { Statistiek } from "./queries.js";
import { h, s } from "./dom.js";
import { FIRST_YEAR, longDate } from "./dates.js";
import { KENGETAL, label } from "./labels.js";

const FORMS = ["FUSIEORGANISATIE", "CENTRUMCONSTRUCTIE"];

/** Each panel counts one thing, and shows the published figure of the same kind. */
const PANELS = [
  { key: "fusies", title: "Ambtelijke fusies", kengetal: "AANTAL_AMBTELIJKE_FUSIEORGANISATIES" },
  { key: "gemeenten", title: "Deelnemende gemeenten", kengetal: "AANTAL_DEELNEMENDE_GEMEENTEN" },
];

// Geometry in SVG units; the SVG scales to the width of its box.
const WIDTH = 1100;
const LEFT = 44;
const RIGHT = 12;
const PANEL_HEIGHT = 180;
const PANEL_TOPS = [40, 300];
const HEIGHT = PANEL_TOPS[1] + PANEL_HEIGHT + 30;

/** 1 January of every year from FIRST_YEAR up to this year, as `YYYY-MM-DD`. */
export function yearStarts(now = new Date()) {
  const dates = [];
  for (let year = FIRST_YEAR; year <= now.getFullYear(); year += 1) dates.push(`${year}-01-01`);
  return dates;
}

/**
 * The counts for each date, one small `Statistiek` request per date. They run in parallel; the
 * browser queues what exceeds its connections per host.
 */
export async function loadYears(dates, { signal } = {}) {
  const answers = await Promise.all(dates.map((peildatum) => request(Statistiek, { peildatum }, { signal })));
  return answers.map(({ statistiek }) => toYear(statistiek));
}

function toYear(statistiek) {
  // Participants per form come from perVorm; a municipality takes part in at most one fusie of
  // reikwijdte VOLLEDIG on a date, so the two add up to aantalDeelnemendeGemeenten.
  const full = (vorm) =>
    statistiek.perVorm.find((v) => v.vorm === vorm && v.reikwijdte === "VOLLEDIG") ?? { aantal: 0, aantalDeelnemendeGemeenten: 0 };
  return {
    peildatum: statistiek.peildatum,
    jaar: Number(statistiek.peildatum.slice(0, 4)),
    fusies: {
      totaal: statistiek.aantalAmbtelijkeFusies,
      FUSIEORGANISATIE: statistiek.aantalFusieorganisaties,
      CENTRUMCONSTRUCTIE: statistiek.aantalCentrumconstructies,
    },
    gemeenten: {
      totaal: statistiek.aantalDeelnemendeGemeenten,
      FUSIEORGANISATIE: full("FUSIEORGANISATIE").aantalDeelnemendeGemeenten,
      CENTRUMCONSTRUCTIE: full("CENTRUMCONSTRUCTIE").aantalDeelnemendeGemeenten,
    },
    kengetallen: statistiek.kengetallen,
  };
}

/** A scale from 0 to a round number above `max`, with room above the bars for labels. */
function scale(max) {
  const rough = Math.max(max * 1.3, 4) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough);
  const top = Math.ceil((max * 1.3) / step) * step || step * 4;
  return { step, top, px: PANEL_HEIGHT / top };
}

/**
 * Draws `years` into `svg`. `onSelect(peildatum)` is called when a reader picks a year (click or
 * Enter).
 */
export function drawChart(svg, years, { onSelect }) {
  const band = (WIDTH - LEFT - RIGHT) / years.length;
  const barWidth = Math.min(band * 0.72, 40);
  const bandX = (index) => LEFT + index * band;

  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  const layers = { grid: s("g", { class: "raster" }), bars: s("g", { class: "jaren" }) };

  const scales = PANELS.map((panel, i) => {
    const published = years.flatMap((y) => y.kengetallen.filter((k) => k.kengetal.soort === panel.kengetal).map((k) => k.kengetal.waarde));
    const sc = scale(Math.max(0, ...years.map((y) => y[panel.key].totaal), ...published));
    const top = PANEL_TOPS[i];
    const bottom = top + PANEL_HEIGHT;
    layers.grid.append(s("text", { class: "paneel-titel", x: LEFT, y: top - 22 }, panel.title));
    for (let value = 0; value <= sc.top; value += sc.step) {
      const y = bottom - value * sc.px;
      layers.grid.append(
        s("line", { class: value === 0 ? "as" : "rasterlijn", x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y }),
        s("text", { class: "as-label", x: LEFT - 6, y: y + 4, "text-anchor": "end" }, value),
      );
    }
    return { ...panel, ...sc, bottom };
  });

  years.forEach((year, index) => {
    const x0 = bandX(index);
    const center = x0 + band / 2;
    const group = s("g", {
      class: "jaar",
      "data-jaar": year.jaar,
      "data-peildatum": year.peildatum,
      tabindex: 0,
      role: "button",
      "aria-label": summary(year),
      onclick: () => onSelect(year.peildatum),
      onkeydown: (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onSelect(year.peildatum);
        }
      },
    });
    group.append(
      s("title", {}, summary(year)),
      s("rect", { class: "vlak-jaar", x: x0, y: PANEL_TOPS[0] - 8, width: band, height: HEIGHT - PANEL_TOPS[0] + 8 - 14 }),
    );
    for (const panel of scales) {
      group.append(bar(panel, year, center - barWidth / 2, barWidth));
      for (const k of year.kengetallen.filter((k) => k.kengetal.soort === panel.kengetal)) {
        group.append(marker(panel, year, k, x0, band));
      }
    }
    group.append(s("text", { class: "jaar-label", x: center, y: HEIGHT - 12, "text-anchor": "middle" }, year.jaar));
    layers.bars.append(group);
  });

  svg.replaceChildren(layers.grid, layers.bars);
}

/** One stacked bar: fusieorganisaties at the bottom, centrumconstructies on top. */
function bar(panel, year, x, width) {
  const counts = year[panel.key];
  const group = s("g", { class: "staaf", "data-reeks": panel.key, "data-totaal": counts.totaal });
  let y = panel.bottom;
  for (const form of FORMS) {
    const height = counts[form] * panel.px;
    y -= height;
    group.append(
      s("rect", { class: `deel ${form.toLowerCase()}`, "data-vorm": form, "data-waarde": counts[form], x, y, width, height }),
    );
  }
  // A published figure for this date gets its own labels (see `marker`); an empty year none.
  if (counts.totaal > 0 && !year.kengetallen.some((k) => k.kengetal.soort === panel.kengetal)) {
    group.append(s("text", { class: "waarde", x: x + width / 2, y: y - 4, "text-anchor": "middle" }, counts.totaal));
  }
  return group;
}

/**
 * The published figure as a dashed line across the year's band, at its value on the panel's
 * scale, and two labels at the top of the panel (kept free by the scale's headroom): the
 * study's figure and the registry's count, joined to the line by a thin leader.
 */
function marker(panel, year, vergelijking, x0, band) {
  const value = vergelijking.kengetal.waarde;
  const y = panel.bottom - value * panel.px;
  const top = panel.bottom - PANEL_HEIGHT;
  const barTop = panel.bottom - Math.max(value, year[panel.key].totaal) * panel.px;
  const center = x0 + band / 2;
  return s(
    "g",
    { class: "kengetal", "data-soort": vergelijking.kengetal.soort, "data-waarde": value, "data-register": vergelijking.registerWaarde },
    s("line", { class: "kengetal-lijn", x1: x0 - 3, x2: x0 + band + 3, y1: y, y2: y }),
    s("line", { class: "kengetal-leider", x1: center, x2: center, y1: top + 32, y2: barTop - 3 }),
    s("text", { class: "onderzoek-label", x: center, y: top + 11, "text-anchor": "middle" }, `onderzoek ${value}`),
    s("text", { class: "register-label", x: center, y: top + 26, "text-anchor": "middle" }, `register ${year[panel.key].totaal}`),
  );
}

function summary(year) {
  return (
    `${longDate(year.peildatum)}: ${year.fusies.totaal} ambtelijke fusies ` +
    `(${year.fusies.FUSIEORGANISATIE} fusieorganisaties, ${year.fusies.CENTRUMCONSTRUCTIE} centrumconstructies), ` +
    `${year.gemeenten.totaal} deelnemende gemeenten`
  );
}

/** Rows for the table that sets each published figure beside the registry's count. */
export function comparisonRows(years) {
  return years.flatMap((year) =>
    year.kengetallen.map((k) =>
      h(
        "tr",
        { "data-soort": k.kengetal.soort, "data-peildatum": year.peildatum },
        h("td", {}, longDate(k.kengetal.peildatum ?? year.peildatum)),
        h("td", { title: k.kengetal.omschrijving }, label(KENGETAL, k.kengetal.soort)),
        h("td", {}, `${k.kengetal.onderzoek.titel} (${k.kengetal.onderzoek.uitvoerder})`),
        h("td", { class: "getal onderzoek" }, k.kengetal.waarde),
        h("td", { class: "getal register" }, k.registerWaarde ?? "–"),
        h("td", { class: "getal" }, k.verschil === null || k.verschil === undefined ? "–" : signed(k.verschil)),
      ),
    ),
  );
}

function signed(number) {
  return number > 0 ? `+${number}` : String(number);
}
