// The live list of changes: a `Wijzigingen` subscription over /graphql/ws with the npm
// graphql-ws client (graphql-transport-ws subprotocol). It starts a few changes back, so the
// list is not empty on arrival, and then grows with every change committed anywhere.

import { createClient } from "graphql-ws";
import { describe, request } from "./graphql.js";
import { AantalWijzigingen, Wijzigingen } from "./queries.js";
import { h, setStatus } from "./dom.js";
import { clockTime, localDate, shortDate, today } from "./dates.js";
import { ROL, WIJZIGING, label } from "./labels.js";

/** How many logged changes the list shows on arrival. */
const BACKLOG = 8;
/** How many changes the list keeps; older ones drop off the bottom. */
const KEEP = 40;

/** The WebSocket endpoint on this page's own host: `wss:` when the page came over https. */
function socketUrl() {
  const url = new URL("/graphql/ws", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** What changed, in words, from the record as it is now. */
function subject(w) {
  const node = w.node;
  if (!node) return `${w.entiteit} (verwijderd)`;
  switch (node.__typename) {
    case "Gemeente":
      return `Gemeente ${node.naam} (${node.code})`;
    case "Fusieorganisatie":
    case "Centrumconstructie":
      return `${node.__typename} ${node.naam}`;
    case "Deelname":
      return `Deelname van ${node.gemeente.naam} aan ${node.ambtelijkeFusie.naam} (${label(ROL, node.rol)})`;
    case "Herindeling":
      return `Herindeling ${node.sleutel}`;
    case "Onderzoek":
      return `Onderzoek “${node.titel}”`;
    case "Bron":
      return `Bron “${node.titel}”`;
    default:
      return w.entiteit;
  }
}

/** The clock time of a change made today; the date too for an older one. */
function moment(timestamp) {
  const date = localDate(new Date(timestamp));
  return date === today() ? clockTime(timestamp) : `${shortDate(date)} ${clockTime(timestamp)}`;
}

function item(w, fresh) {
  const when = new Date(w.tijdstip);
  return h(
    "li",
    { "data-volgnummer": w.volgnummer, "data-entiteit": w.entiteit, class: fresh ? "nieuw" : null },
    h("span", { class: "volgnummer" }, `#${w.volgnummer}`),
    h("span", { class: `soort ${w.soort.toLowerCase()}` }, label(WIJZIGING, w.soort)),
    h("span", { class: "wat" }, subject(w)),
    h("span", { class: "wie" }, `door ${w.door} · `, h("time", { datetime: w.tijdstip, title: when.toISOString() }, moment(w.tijdstip))),
  );
}

/**
 * Starts the subscription and keeps `list` and `status` up to date; `onChange(wijziging)` hears
 * of every change committed after the page loaded. Returns a stop function.
 */
export async function startLive({ list, status, onChange = () => {} }) {
  let arrival;
  try {
    // Volgnummers run from 1 without gaps: the number of changes is the newest volgnummer.
    arrival = (await request(AantalWijzigingen)).wijzigingen.totalCount;
  } catch (error) {
    setStatus(status, `Kon het wijzigingenlog niet lezen: ${describe(error)}`, "fout");
    return () => {};
  }
  let lastSeen = Math.max(arrival - BACKLOG, 0);
  let freshCount = 0;

  const client = createClient({
    url: socketUrl(),
    // Keep retrying while the page is open: a restarted server should not end the list.
    retryAttempts: Infinity,
    on: {
      connecting: () => setStatus(status, "Verbinden…"),
      connected: () => setStatus(status, statusText(freshCount), "verbonden"),
      closed: (event) => {
        if (event?.code !== 1000) setStatus(status, "Verbinding verbroken; opnieuw verbinden…", "fout");
      },
    },
  });

  const stop = client.subscribe(
    {
      operationName: Wijzigingen.name,
      query: Wijzigingen.document,
      // The client sends this payload again after a reconnect, reading `variables` anew: the
      // subscription then resumes after the last change shown, and nothing is missed.
      get variables() {
        return { vanaf: lastSeen };
      },
    },
    {
      next: ({ data, errors }) => {
        if (errors?.length) {
          setStatus(status, `Fout in het abonnement: ${errors[0].message}`, "fout");
          return;
        }
        const w = data.wijzigingen;
        if (w.volgnummer <= lastSeen && list.querySelector(`[data-volgnummer="${w.volgnummer}"]`)) return;
        lastSeen = Math.max(lastSeen, w.volgnummer);
        const fresh = w.volgnummer > arrival;
        if (fresh) freshCount += 1;
        list.prepend(item(w, fresh));
        while (list.children.length > KEEP) list.lastElementChild.remove();
        setStatus(status, statusText(freshCount), "verbonden");
        if (fresh) onChange(w);
      },
      error: (error) => setStatus(status, `Abonnement beëindigd: ${problem(error)}`, "fout"),
      complete: () => setStatus(status, "Abonnement beëindigd door de server.", "fout"),
    },
  );
  return () => {
    stop();
    client.dispose();
  };
}

function statusText(count) {
  return count
    ? `Verbonden · ${count} ${count === 1 ? "nieuwe wijziging" : "nieuwe wijzigingen"} sinds het laden`
    : "Verbonden · wacht op nieuwe wijzigingen";
}

/** The sink's error: the GraphQL errors of an `error` message, a close event, or an exception. */
function problem(error) {
  if (Array.isArray(error)) return error.map((e) => e.message).join("; ");
  if (error && "code" in error && "reason" in error) return `verbinding gesloten (${error.code} ${error.reason})`;
  return describe(error);
}
