//! Reading an import file: CSV or JSON into rows, each parsed into a typed record or into the
//! list of its bad cells. Only the form of a value is checked here (a date, a CBS code, a known
//! enum value); the registry's rules are the service layer's, which checks them when a row is
//! applied.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use sea_orm::ActiveEnum;

use super::{ParsedFile, Record, Row, RowError};
use crate::domain::{CbsCode, HerindelingSoort, Periode, Rechtsvorm, Reikwijdte, Rol, Sleutel, parse_datum, tekst};
use crate::service::fusie::{AddDeelname, NewFusie, RegisterCentrumconstructie, RegisterFusieorganisatie};
use crate::service::gemeente::NewGemeente;
use crate::service::herindeling::NewHerindeling;

/// Every column an import file may have, in the order the documentation lists them.
pub const COLUMNS: [&str; 17] = [
    "soort",
    "sleutel",
    "code",
    "naam",
    "afkorting",
    "provincie",
    "rechtsvorm",
    "reikwijdte",
    "rol",
    "begindatum",
    "einddatum",
    "leden",
    "centrumgemeente",
    "herindelingsoort",
    "opgeheven",
    "ontvangend",
    "nieuw",
];

/// The columns that hold lists of CBS codes (`|`-separated in CSV, arrays in JSON).
const LIST_COLUMNS: [&str; 4] = ["leden", "opgeheven", "ontvangend", "nieuw"];

/// The values of the `soort` column.
const SOORT_VALUES: &str = "gemeente, herindeling, fusieorganisatie, centrumconstructie or deelname";

/// One cell with a value; empty cells are left out.
#[derive(Debug, Clone)]
enum Cell {
    Tekst(String),
    Lijst(Vec<String>),
}

/// A row as read, before its values are parsed.
struct RawRow {
    line: u64,
    fields: BTreeMap<&'static str, Cell>,
}

fn column(naam: &str) -> Option<&'static str> {
    let naam = naam.trim().to_lowercase();
    COLUMNS.iter().find(|k| **k == naam).copied()
}

fn error(line: u64, column: Option<&str>, reason: impl Into<String>) -> RowError {
    RowError { line, column: column.map(str::to_owned), reason: reason.into() }
}

fn split_list(tekst: &str) -> Vec<String> {
    tekst.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl ParsedFile {
    /// Reads CSV text: a header row naming the columns, then one record per line. Rows whose
    /// first cell starts with `#` (comments) and rows whose cells are all empty are skipped.
    pub fn csv(tekst: &str) -> Self {
        // Comments are skipped here rather than by the reader, whose line count leaves them out.
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(tekst.as_bytes());
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(e) => return Self::only_error(error(1, None, format!("cannot read the header row: {e}"))),
        };
        let mut counter = LineCounter { tekst: tekst.as_bytes(), byte: 0, line: 1 };
        let header_line = headers.position().map_or(1, |p| counter.line_at(p.byte()));
        let mut errors = Vec::new();
        let mut seen = HashSet::new();
        let mut columns = Vec::new();
        for naam in &headers {
            match column(naam) {
                Some(k) if seen.insert(k) => columns.push(k),
                Some(k) => errors.push(error(header_line, Some(k), "the column is named twice in the header row")),
                None => errors.push(error(
                    header_line,
                    Some(naam),
                    format!("unknown column; the columns are: {}", COLUMNS.join(", ")),
                )),
            }
        }
        if !seen.contains("soort") {
            errors.push(error(header_line, Some("soort"), "the header row has no column 'soort'"));
        }
        if !errors.is_empty() {
            return Self { rows: Vec::new(), errors };
        }

        let mut file = Self { rows: Vec::new(), errors };
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map_or(0, |p| counter.line_at(p.byte()));
                    file.errors.push(error(line, None, format!("not valid CSV: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| counter.line_at(p.byte()));
            if record.iter().all(str::is_empty) || record.get(0).is_some_and(|cel| cel.starts_with('#')) {
                continue;
            }
            if record.len() != columns.len() {
                file.errors.push(error(
                    line,
                    None,
                    format!("the row has {} fields, the header row {}", record.len(), columns.len()),
                ));
                continue;
            }
            let fields = columns
                .iter()
                .zip(record.iter())
                .filter(|(_, cel)| !cel.is_empty())
                .map(|(k, cel)| {
                    let waarde = if LIST_COLUMNS.contains(k) {
                        Cell::Lijst(split_list(cel))
                    } else {
                        Cell::Tekst(cel.to_owned())
                    };
                    (*k, waarde)
                })
                .collect();
            file.push_row(RawRow { line, fields });
        }
        file
    }

    /// Reads JSON text: an array of objects with the same keys as the CSV columns; lists are
    /// arrays of strings, and a missing key or `null` is an empty cell. A row's line is the line
    /// on which its object starts.
    pub fn json(tekst: &str) -> Self {
        let values: Vec<serde_json::Value> = match serde_json::from_str(tekst) {
            Ok(values) => values,
            Err(e) => {
                let line = u64::try_from(e.line()).unwrap_or(0);
                return Self::only_error(error(line, None, format!("not a JSON array of objects: {e}")));
            }
        };
        let lines = line_starts(tekst);
        let mut file = Self { rows: Vec::new(), errors: Vec::new() };
        for (index, waarde) in values.into_iter().enumerate() {
            let line = lines.get(index).copied().unwrap_or(0);
            let serde_json::Value::Object(object) = waarde else {
                file.errors.push(error(line, None, "expected an object with the columns as keys"));
                continue;
            };
            let mut fields = BTreeMap::new();
            let mut parsed = true;
            for (sleutel, waarde) in object {
                let Some(k) = column(&sleutel) else {
                    file.errors.push(error(
                        line,
                        Some(&sleutel),
                        format!("unknown key; the keys are: {}", COLUMNS.join(", ")),
                    ));
                    parsed = false;
                    continue;
                };
                match json_cell(k, waarde) {
                    Ok(Some(waarde)) => {
                        fields.insert(k, waarde);
                    }
                    Ok(None) => {}
                    Err(reason) => {
                        file.errors.push(error(line, Some(k), reason));
                        parsed = false;
                    }
                }
            }
            if parsed {
                file.push_row(RawRow { line, fields });
            }
        }
        file
    }

    fn only_error(error: RowError) -> Self {
        Self { rows: Vec::new(), errors: vec![error] }
    }

    fn push_row(&mut self, raw: RawRow) {
        match parse_row(raw) {
            Ok(rij) => self.rows.push(rij),
            Err(errors) => self.errors.extend(errors),
        }
    }
}

/// Line numbers from byte offsets. The CSV reader's own line of a record is that of the blank
/// lines before it, if any; this counts from the record's first character. Offsets only grow, so
/// the text is scanned once.
struct LineCounter<'a> {
    tekst: &'a [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut doel = usize::try_from(byte).unwrap_or(usize::MAX).min(self.tekst.len());
        while self.tekst.get(doel).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            doel += 1;
        }
        if doel < self.byte {
            return self.line;
        }
        let nieuw = self.tekst.get(self.byte..doel).map_or(0, |deel| deel.iter().filter(|b| **b == b'\n').count());
        self.line += u64::try_from(nieuw).unwrap_or(0);
        self.byte = doel;
        self.line
    }
}

/// One JSON value as a cell: text, or for list columns an array of strings (or one `|`-separated
/// string).
fn json_cell(column: &str, waarde: serde_json::Value) -> Result<Option<Cell>, String> {
    let is_list = LIST_COLUMNS.contains(&column);
    match waarde {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(tekst) => {
            let tekst = tekst.trim();
            if tekst.is_empty() {
                Ok(None)
            } else if is_list {
                Ok(Some(Cell::Lijst(split_list(tekst))))
            } else {
                Ok(Some(Cell::Tekst(tekst.to_owned())))
            }
        }
        serde_json::Value::Array(items) if is_list => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(code) => Ok(code.trim().to_owned()),
                _ => Err("expected an array of CBS codes as strings, e.g. [\"GM0537\", \"GM0575\"]".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|codes| Some(Cell::Lijst(codes.into_iter().filter(|c| !c.is_empty()).collect()))),
        _ if is_list => Err("expected an array of CBS codes as strings, e.g. [\"GM0537\", \"GM0575\"]".to_owned()),
        _ => Err("expected a string".to_owned()),
    }
}

/// The line on which each element of the top-level JSON array starts. Only called on text that
/// parsed as an array, so strings and nesting are well-formed.
fn line_starts(tekst: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let (mut line, mut diepte) = (1_u64, 0_usize);
    let (mut in_string, mut escape, mut verwacht) = (false, false, false);
    for b in tekst.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escape {
                escape = false;
            } else if b == b'\\' {
                escape = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if diepte == 1 && verwacht && !b.is_ascii_whitespace() && b != b']' {
            lines.push(line);
            verwacht = false;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                diepte += 1;
                verwacht = diepte == 1;
            }
            b'}' | b']' => diepte = diepte.saturating_sub(1),
            b',' if diepte == 1 => verwacht = true,
            _ => {}
        }
    }
    lines
}

/// The cells of one row, handed out one column at a time; every problem is noted with its
/// column, and columns that the row's soort does not use are reported at the end.
struct Cells {
    line: u64,
    soort: &'static str,
    fields: BTreeMap<&'static str, Cell>,
    errors: Vec<RowError>,
}

impl Cells {
    fn error(&mut self, column: &str, reason: impl Into<String>) {
        self.errors.push(error(self.line, Some(column), reason));
    }

    fn tekst(&mut self, column: &'static str) -> Option<String> {
        match self.fields.remove(column)? {
            Cell::Tekst(tekst) => match tekst::check(column, &tekst) {
                Ok(()) => Some(tekst),
                Err(e) => {
                    self.error(column, e.to_string());
                    None
                }
            },
            Cell::Lijst(_) => {
                self.error(column, "expected text, not a list");
                None
            }
        }
    }

    fn required(&mut self, column: &'static str) -> Option<String> {
        let waarde = self.tekst(column);
        if waarde.is_none() && !self.errors.iter().any(|f| f.column.as_deref() == Some(column)) {
            let soort = self.soort;
            self.error(column, format!("required for soort {soort}"));
        }
        waarde
    }

    fn datum(&mut self, column: &'static str) -> Option<NaiveDate> {
        let tekst = self.tekst(column)?;
        match parse_datum(&tekst) {
            Ok(datum) => Some(datum),
            Err(e) => {
                self.error(column, e.to_string());
                None
            }
        }
    }

    fn required_date(&mut self, column: &'static str) -> Option<NaiveDate> {
        let tekst = self.required(column)?;
        self.fields.insert(column, Cell::Tekst(tekst));
        self.datum(column)
    }

    fn choice<T: ActiveEnum<Value = String>>(&mut self, column: &'static str, what: &str) -> Option<T> {
        let tekst = self.tekst(column)?;
        let waarde = T::try_from_value(&tekst.to_uppercase()).ok();
        if waarde.is_none() {
            self.error(column, format!("'{tekst}' is not a {what}: use one of {}", T::values().join(", ")));
        }
        waarde
    }

    fn required_choice<T: ActiveEnum<Value = String>>(&mut self, column: &'static str, what: &str) -> Option<T> {
        let tekst = self.required(column)?;
        self.fields.insert(column, Cell::Tekst(tekst));
        self.choice(column, what)
    }

    fn code(&mut self, column: &'static str) -> Option<CbsCode> {
        let tekst = self.required(column)?;
        match CbsCode::parse(&tekst) {
            Ok(code) => Some(code),
            Err(e) => {
                self.error(column, e.to_string());
                None
            }
        }
    }

    fn codes(&mut self, column: &'static str) -> Vec<CbsCode> {
        let codes = match self.fields.remove(column) {
            None => return Vec::new(),
            Some(Cell::Lijst(codes)) => codes,
            Some(Cell::Tekst(tekst)) => split_list(&tekst),
        };
        let mut parsed = Vec::new();
        for tekst in codes {
            match CbsCode::parse(&tekst) {
                Ok(code) => parsed.push(code),
                Err(e) => self.error(column, e.to_string()),
            }
        }
        parsed
    }

    /// A sleutel in `column`; `required` says whether an empty cell is an error.
    fn sleutel(&mut self, column: &'static str, required: bool) -> Option<Sleutel> {
        let tekst = if required { self.required(column)? } else { self.tekst(column)? };
        match Sleutel::parse(&tekst) {
            Ok(sleutel) => Some(sleutel),
            Err(e) => {
                self.error(column, e.to_string());
                None
            }
        }
    }

    /// The period of `begin` to `einde`; an end before the begin is the end's fault.
    fn periode(&mut self, begin: Option<NaiveDate>, einde: Option<NaiveDate>) -> Option<Periode> {
        match Periode::new(begin, einde) {
            Ok(periode) => Some(periode),
            Err(e) => {
                self.error("einddatum", e.to_string());
                None
            }
        }
    }

    /// Reports the columns left over (filled, but not used by this soort) and ends the row.
    fn finish(mut self) -> Result<(), Vec<RowError>> {
        let over: Vec<&'static str> = self.fields.keys().copied().collect();
        for column in over {
            let soort = self.soort;
            self.error(column, format!("does not apply to soort {soort}; leave it empty"));
        }
        if self.errors.is_empty() { Ok(()) } else { Err(self.errors) }
    }
}

/// Parses one row into its record, or returns every bad cell of it.
fn parse_row(mut raw: RawRow) -> Result<Row, Vec<RowError>> {
    let line = raw.line;
    let soort = match raw.fields.remove("soort") {
        Some(Cell::Tekst(tekst)) => tekst.to_lowercase(),
        _ => return Err(vec![error(line, Some("soort"), format!("soort is empty: use {SOORT_VALUES}"))]),
    };
    let soort: &'static str = match soort.as_str() {
        "gemeente" => "gemeente",
        "herindeling" => "herindeling",
        "fusieorganisatie" => "fusieorganisatie",
        "centrumconstructie" => "centrumconstructie",
        "deelname" => "deelname",
        _ => return Err(vec![error(line, Some("soort"), format!("unknown soort '{soort}': use {SOORT_VALUES}"))]),
    };
    let mut c = Cells { line, soort, fields: raw.fields, errors: Vec::new() };
    let incomplete = |line| vec![error(line, None, "the row is incomplete")];
    let record = match soort {
        "gemeente" => {
            let code = c.code("code");
            let naam = c.required("naam");
            let provincie = c.required("provincie");
            let begindatum = c.datum("begindatum");
            let einddatum = c.datum("einddatum");
            let periode = c.periode(begindatum, einddatum);
            c.finish()?;
            let (Some(code), Some(naam), Some(provincie), Some(periode)) = (code, naam, provincie, periode) else {
                return Err(incomplete(line));
            };
            Record::Gemeente(NewGemeente { code, naam, provincie, periode })
        }
        "herindeling" => {
            let sleutel = c.sleutel("sleutel", false);
            let soort = c.required_choice::<HerindelingSoort>("herindelingsoort", "herindelingsoort");
            let datum = c.required_date("begindatum");
            let opgeheven = c.codes("opgeheven");
            let ontvangend = c.codes("ontvangend");
            let nieuw = c.codes("nieuw");
            c.finish()?;
            let (Some(soort), Some(datum)) = (soort, datum) else { return Err(incomplete(line)) };
            let nieuwe_gemeenten = Vec::new();
            Record::Herindeling(NewHerindeling {
                sleutel,
                soort,
                datum,
                opgeheven,
                ontvangend,
                nieuw,
                nieuwe_gemeenten,
            })
        }
        "fusieorganisatie" | "centrumconstructie" => {
            let sleutel = c.sleutel("sleutel", true);
            let naam = c.required("naam");
            let afkorting = c.tekst("afkorting");
            let rechtsvorm = c.required_choice::<Rechtsvorm>("rechtsvorm", "rechtsvorm");
            let reikwijdte = if soort == "fusieorganisatie" {
                c.required_choice::<Reikwijdte>("reikwijdte", "reikwijdte")
            } else {
                c.choice::<Reikwijdte>("reikwijdte", "reikwijdte").or_else(|| {
                    // A centrumconstructie is full unless said otherwise, as in the API; an
                    // unparsable value has been reported already.
                    (!c.errors.iter().any(|f| f.column.as_deref() == Some("reikwijdte")))
                        .then_some(Reikwijdte::Volledig)
                })
            };
            let begindatum = c.required_date("begindatum");
            let einddatum = c.datum("einddatum");
            let periode = begindatum.and_then(|begin| c.periode(Some(begin), einddatum));
            let centrumgemeente = if soort == "centrumconstructie" { c.code("centrumgemeente") } else { None };
            let leden = c.codes("leden");
            if let Some(host) = centrumgemeente.as_ref().filter(|host| leden.contains(host)) {
                // The host is named in its own column; listing it among the afnemers too is the
                // host column's mistake.
                c.error("centrumgemeente", format!("{host} is listed twice"));
            }
            c.finish()?;
            let (Some(sleutel), Some(naam), Some(rechtsvorm), Some(reikwijdte), Some(periode)) =
                (sleutel, naam, rechtsvorm, reikwijdte, periode)
            else {
                return Err(incomplete(line));
            };
            let fusie = NewFusie { sleutel, naam, afkorting, rechtsvorm, reikwijdte, periode };
            match centrumgemeente {
                Some(centrumgemeente) => {
                    Record::Centrumconstructie(RegisterCentrumconstructie { fusie, centrumgemeente, afnemers: leden })
                }
                None if soort == "fusieorganisatie" => {
                    Record::Fusieorganisatie(RegisterFusieorganisatie { fusie, deelnemers: leden })
                }
                None => return Err(incomplete(line)),
            }
        }
        _ => {
            let sleutel = c.sleutel("sleutel", true);
            let gemeente = c.code("code");
            let rol = c.required_choice::<Rol>("rol", "rol");
            let begindatum = c.required_date("begindatum");
            let einddatum = c.datum("einddatum");
            let periode = begindatum.and_then(|begin| c.periode(Some(begin), einddatum));
            c.finish()?;
            let (Some(sleutel), Some(gemeente), Some(rol), Some(periode)) = (sleutel, gemeente, rol, periode) else {
                return Err(incomplete(line));
            };
            Record::Deelname(AddDeelname { sleutel, gemeente, rol, periode })
        }
    };
    Ok(Row { line, record })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(errors: &[RowError]) -> Vec<(u64, Option<&str>)> {
        errors.iter().map(|f| (f.line, f.column.as_deref())).collect()
    }

    #[test]
    fn reads_every_soort_from_csv() {
        let file = ParsedFile::csv(
            "soort,sleutel,code,naam,provincie,rechtsvorm,reikwijdte,rol,begindatum,einddatum,leden,centrumgemeente,herindelingsoort,opgeheven,ontvangend,nieuw\n\
             gemeente,,gm1999,Kust,PV28,,,,2027-01-01,,,,,,,\n\
             # a comment, with a comma\n\
             \n\
             fusieorganisatie,kust,,Kust,,OPENBAAR_LICHAAM,volledig,,2024-01-01,,GM0537 | GM0575,,,,,\n\
             centrumconstructie,duin,,Duin,,CENTRUMGEMEENTEREGELING,,,2024-01-01,,GM0603,GM0518,,,,\n\
             deelname,kust,GM0546,,,,,DEELNEMER,2025-01-01,,,,,,,\n\
             ,,,,,,,,,,,,,,,\n\
             herindeling,2027-01-01-kust,,,,,,,2027-01-01,,,,SAMENVOEGING,GM0537|GM0575,,GM1999\n",
        );
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let lines: Vec<u64> = file.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5, 6, 7, 9]);
        let Record::Gemeente(gemeente) = &file.rows[0].record else { panic!("a gemeente") };
        assert_eq!(gemeente.code.as_str(), "GM1999");
        let Record::Fusieorganisatie(fusie) = &file.rows[1].record else { panic!("a fusie") };
        assert_eq!(fusie.fusie.reikwijdte, Reikwijdte::Volledig);
        let deelnemers: Vec<&str> = fusie.deelnemers.iter().map(CbsCode::as_str).collect();
        assert_eq!(deelnemers, ["GM0537", "GM0575"]);
        let Record::Centrumconstructie(centrum) = &file.rows[2].record else { panic!("a centrumconstructie") };
        let seen = (centrum.fusie.reikwijdte, centrum.centrumgemeente.as_str(), centrum.afnemers.len());
        assert_eq!(seen, (Reikwijdte::Volledig, "GM0518", 1));
        let Record::Herindeling(herindeling) = &file.rows[4].record else { panic!("a herindeling") };
        assert_eq!(herindeling.nieuw.iter().map(CbsCode::as_str).collect::<Vec<_>>(), ["GM1999"]);
    }

    #[test]
    fn columns_may_be_left_out_and_come_in_any_order() {
        let file = ParsedFile::csv("code,soort,naam,provincie\nGM1999,gemeente,Kust,PV28\n");
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.rows.len(), 1);
    }

    #[test]
    fn every_bad_cell_is_named() {
        let file = ParsedFile::csv(
            "soort,sleutel,code,naam,rechtsvorm,reikwijdte,rol,begindatum,leden\n\
             fusie,x,,,,,,,\n\
             fusieorganisatie,kust,,Kust,WGR,,,2024-13-01,GM0537|Katwijk\n\
             deelname,kust,GM0546,Leiden,,,,,\n",
        );
        assert!(file.rows.is_empty());
        assert_eq!(
            columns(&file.errors),
            [
                (2, Some("soort")),
                (3, Some("rechtsvorm")),
                (3, Some("reikwijdte")),
                (3, Some("begindatum")),
                (3, Some("leden")),
                (4, Some("rol")),
                (4, Some("begindatum")),
                (4, Some("naam")),
            ]
        );
        assert!(file.errors[3].reason.contains("not a date"), "{}", file.errors[3].reason);
        assert!(file.errors[7].reason.contains("does not apply"), "{}", file.errors[7].reason);
    }

    #[test]
    fn dates_beyond_year_9999_nul_and_overlong_text_are_refused() {
        let long_name = "a".repeat(crate::domain::tekst::limit("naam") + 1);
        let file = ParsedFile::csv(&format!(
            "soort,code,naam,provincie,begindatum\n\
             gemeente,GM1999,Kust,PV28,+10000-01-01\n\
             gemeente,GM1998,\"Ku\0st\",PV28,2024-01-01\n\
             gemeente,GM1997,{long_name},PV28,2024-01-01\n"
        ));
        assert!(file.rows.is_empty());
        assert_eq!(columns(&file.errors), [(2, Some("begindatum")), (3, Some("naam")), (4, Some("naam"))]);
        assert!(file.errors[1].reason.contains("NUL"), "{}", file.errors[1].reason);
        assert!(file.errors[2].reason.contains("longer than 200"), "{}", file.errors[2].reason);
    }

    #[test]
    fn a_bad_header_stops_before_the_rows() {
        let file = ParsedFile::csv("soort,sleutel,kleur\ndeelname,kust,rood\n");
        assert_eq!(columns(&file.errors), [(1, Some("kleur"))]);
        let file = ParsedFile::csv("sleutel\nkust\n");
        assert_eq!(columns(&file.errors), [(1, Some("soort"))]);
    }

    #[test]
    fn lines_count_blank_lines_and_newlines_inside_quotes() {
        let file = ParsedFile::csv(
            "\nsoort,code,naam,provincie\r\n\r\ngemeente,GM1998,\"Twee\nregels\",PV28\r\ngemeente,GM1999,Kust,PV28\r\n",
        );
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 6]);
        let file = ParsedFile::csv("\n\nsoort,kleur\n");
        assert_eq!(columns(&file.errors), [(3, Some("kleur"))]);
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_is_named() {
        let file = ParsedFile::csv("soort,code,naam,provincie\ngemeente,GM1999,Kust\n");
        assert_eq!(columns(&file.errors), [(2, None)]);
    }

    #[test]
    fn json_rows_carry_the_line_where_their_object_starts() {
        let file = ParsedFile::json(
            r#"[
  { "soort": "gemeente", "code": "GM1999", "naam": "Kust, \"nieuw\" [x]", "provincie": "PV28",
    "begindatum": "2027-01-01", "einddatum": null },
  {
    "soort": "fusieorganisatie", "sleutel": "kust", "naam": "Kust", "rechtsvorm": "OPENBAAR_LICHAAM",
    "reikwijdte": "VOLLEDIG", "begindatum": "2024-01-01", "leden": ["GM0537", "GM0575"]
  },
  { "soort": "deelname", "sleutel": "kust", "code": "GM0546", "rol": 1, "begindatum": "2025-01-01" },
  { "soort": "deelname", "sleutel": "kust", "code": "GM0546", "rol": "DEELNEMER", "begindatum": "2025-01-01", "leden": "GM0001" }
]"#,
        );
        assert_eq!(file.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(columns(&file.errors), [(8, Some("rol")), (9, Some("leden"))]);
    }

    #[test]
    fn invalid_json_is_one_error_with_its_line() {
        let file = ParsedFile::json("[\n{\"soort\": }\n]");
        assert_eq!(columns(&file.errors), [(2, None)]);
        assert!(file.rows.is_empty());
    }
}
