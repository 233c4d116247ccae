// Every GraphQL operation this page sends, in one place, each with a name.
//
// A name shows up in the server's logs and traces, in GraphQL-aware proxies and in a code
// generator's output (`StatistiekQuery`, `FusiesOpPeildatumQuery`, …), so a team can tell its
// requests apart. The operations are small on purpose: the server limits depth (12) and
// complexity per request, and a list page to 100 items, so the page asks several small
// questions (one `Statistiek` per year, fusies a page at a time) rather than one huge one.
//
// Copy a document into the IDE at /graphql to try it with the example variables beside it
// (tests/voorbeeld.rs runs each operation with exactly those).

/** Freezes a document with its operation name, refusing anonymous operations. */
function operation(document) {
  const match = /^\s*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(document);
  if (!match) throw new Error(`every operation needs a name: ${document.trim().slice(0, 40)}…`);
  return Object.freeze({ type: match[1], name: match[2], document: document.trim() });
}

// Fields of a change, shared by the query and the subscription. `node` is the changed record
// as it is now (null once deleted); the inline fragments pick a readable name for each type.
const WIJZIGING_VELDEN = `
fragment WijzigingVelden on Wijziging {
  volgnummer
  soort
  entiteit
  entiteitId
  tijdstip
  door
  node {
    __typename
    ... on Gemeente { code naam }
    ... on AmbtelijkeFusie { sleutel naam }
    ... on Deelname { rol gemeente { naam } ambtelijkeFusie { naam } }
    ... on Herindeling { sleutel }
    ... on Onderzoek { titel }
    ... on Bron { titel }
  }
}`;

/**
 * The registry's counts on one date, with the figures studies published for that date beside
 * them. The chart sends it once per year, for 1 January.
 * Variables: `{ "peildatum": "2015-01-01" }`
 */
export const Statistiek = operation(`
query Statistiek($peildatum: Date!) {
  statistiek(peildatum: $peildatum) {
    peildatum
    aantalAmbtelijkeFusies
    aantalFusieorganisaties
    aantalCentrumconstructies
    aantalDeelnemendeGemeenten
    perVorm { vorm reikwijdte aantal aantalDeelnemendeGemeenten }
    kengetallen {
      registerWaarde
      verschil
      kengetal {
        soort
        waarde
        peildatum
        omschrijving
        onderzoek { titel uitvoerder publicatiedatum }
      }
    }
  }
}`);

/**
 * One page of the ambtelijke fusies running on a date, with the municipalities taking part
 * that day. Follow `pageInfo.endCursor` while `hasNextPage`.
 * Variables: `{ "peildatum": "2015-01-01", "reikwijdte": "VOLLEDIG", "first": 25, "after": null }`
 * (`reikwijdte` null includes partial cooperations).
 */
export const FusiesOpPeildatum = operation(`
query FusiesOpPeildatum($peildatum: Date!, $reikwijdte: Reikwijdte, $first: Int!, $after: String) {
  ambtelijkeFusies(peildatum: $peildatum, reikwijdte: $reikwijdte, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        sleutel
        naam
        afkorting
        vorm
        rechtsvorm
        reikwijdte
        begindatum
        einddatum
        deelnames(peildatum: $peildatum) {
          rol
          gemeente { code naam }
        }
      }
    }
  }
}`);

/**
 * One municipality: its existence, its lineage through herindelingen, and every participation
 * in an ambtelijke fusie over time.
 * Variables: `{ "code": "GM0489" }`
 */
export const Gemeente = operation(`
query Gemeente($code: String!) {
  gemeente(code: $code) {
    code
    naam
    begindatum
    einddatum
    provincie { naam }
    voorgangers { code naam begindatum einddatum }
    opvolgers { code naam begindatum einddatum }
    herindelingen {
      sleutel
      soort
      datum
      opgeheven { code naam }
      ontvangend { code naam }
      nieuw { code naam }
    }
    deelnames {
      rol
      begindatum
      einddatum
      taken
      ambtelijkeFusie { sleutel naam afkorting vorm reikwijdte begindatum einddatum eindreden }
    }
  }
}`);

/**
 * Municipalities whose name contains a text, of any period.
 * Variables: `{ "naam": "barend", "first": 20 }`
 */
export const GemeentenZoeken = operation(`
query GemeentenZoeken($naam: String!, $first: Int!) {
  gemeenten(naam: $naam, first: $first) {
    totalCount
    edges { node { code naam begindatum einddatum provincie { naam } } }
  }
}`);

/**
 * How many changes the log holds. Volgnummers run from 1 without gaps, so this is also the
 * newest volgnummer: the live list subscribes from a little before it.
 * Variables: `{}`
 */
export const AantalWijzigingen = operation(`
query AantalWijzigingen {
  wijzigingen(first: 1) { totalCount }
}`);

/**
 * Changes in commit order: first those logged after `vanaf`, then each new one as it is
 * committed. After a reconnect, subscribe again from the last volgnummer seen.
 * Variables: `{ "vanaf": 0 }` (without `vanaf`, only new changes).
 */
export const Wijzigingen = operation(`
subscription Wijzigingen($vanaf: Int) {
  wijzigingen(vanaf: $vanaf) { ...WijzigingVelden }
}
${WIJZIGING_VELDEN}`);
