// Readable Dutch words for the API's enum values.

export const VORM = {
  FUSIEORGANISATIE: "fusieorganisatie",
  CENTRUMCONSTRUCTIE: "centrumconstructie",
};

export const ROL = {
  DEELNEMER: "deelnemer",
  CENTRUMGEMEENTE: "centrumgemeente",
  AFNEMER: "afnemer",
};

export const RECHTSVORM = {
  OPENBAAR_LICHAAM: "openbaar lichaam",
  BEDRIJFSVOERINGSORGANISATIE: "bedrijfsvoeringsorganisatie",
  GEMEENSCHAPPELIJK_ORGAAN: "gemeenschappelijk orgaan",
  CENTRUMGEMEENTEREGELING: "centrumgemeenteregeling",
  REGELING_ZONDER_MEER: "regeling zonder meer",
  PRIVAATRECHTELIJK: "privaatrechtelijk",
  ONBEKEND: "onbekend",
};

export const REIKWIJDTE = {
  VOLLEDIG: "volledig",
  GEDEELTELIJK: "gedeeltelijk",
};

export const HERINDELING = {
  SAMENVOEGING: "samenvoeging",
  UITBREIDING: "uitbreiding",
  HERSCHIKKING: "herschikking",
  AFSPLITSING: "afsplitsing",
};

export const WIJZIGING = {
  AANGEMAAKT: "aangemaakt",
  GEWIJZIGD: "gewijzigd",
  BEEINDIGD: "beëindigd",
  VERWIJDERD: "verwijderd",
};

export const KENGETAL = {
  AANTAL_AMBTELIJKE_FUSIEORGANISATIES: "ambtelijke fusieorganisaties",
  AANTAL_DEELNEMENDE_GEMEENTEN: "deelnemende gemeenten",
  OVERIG: "overig",
};

export const EINDREDEN = {
  HERINDELING: "herindeling",
  ONTVLOCHTEN: "ontvlochten",
  OPGEHEVEN: "opgeheven",
  OPGEGAAN_IN_ANDERE_SAMENWERKING: "opgegaan in andere samenwerking",
  ONBEKEND: "reden onbekend",
};

/** The word for `value` in `table`, or the value itself when the table does not know it. */
export function label(table, value) {
  return table[value] ?? String(value ?? "").toLowerCase().replaceAll("_", " ");
}
