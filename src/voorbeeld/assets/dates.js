// Dates as the API sends them (`YYYY-MM-DD`, end dates inclusive) and as the page shows them.
// Calendar dates are handled in UTC so that no time zone shifts a day.

/** The first year the registry covers: municipalities are recorded from 1999 on. */
export const FIRST_YEAR = 1999;

const LONG = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const SHORT = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const TIME = new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** A `YYYY-MM-DD` string as a Date at midnight UTC. */
export function parseDate(iso) {
  return new Date(`${iso}T00:00:00Z`);
}

/** The day of `moment` in the reader's calendar, as `YYYY-MM-DD`. */
export function localDate(moment) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** Today in the reader's calendar, as `YYYY-MM-DD`. */
export function today() {
  return localDate(new Date());
}

/** "1 januari 2015". */
export function longDate(iso) {
  return LONG.format(parseDate(iso));
}

/** "1 jan 2015". */
export function shortDate(iso) {
  return SHORT.format(parseDate(iso));
}

/** The clock time of an RFC 3339 timestamp, in the reader's time zone. */
export function clockTime(timestamp) {
  return TIME.format(new Date(timestamp));
}

/** A period with an inclusive end: "1 jan 2014 – 31 dec 2023", "sinds 1 jan 2014", "tot …". */
export function period(begin, end) {
  if (begin && end) return `${shortDate(begin)} – ${shortDate(end)}`;
  if (begin) return `sinds ${shortDate(begin)}`;
  if (end) return `tot en met ${shortDate(end)}`;
  return "looptijd onbekend";
}

/** Whether `iso` is a real calendar date in `YYYY-MM-DD` form. */
export function isDate(iso) {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(parseDate(iso).getTime()) && parseDate(iso).toISOString().startsWith(iso);
}
