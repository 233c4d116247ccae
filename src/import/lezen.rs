//! Reading an import file: CSV or JSON into rows, each parsed into a typed record or into the
//! list of its bad cells. Only the form of a value is checked here (a date, a CBS code, a known
//! enum value); the registry's rules are the service layer's, which checks them when a row is
//! applied.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use sea_orm::ActiveEnum;

use super::{Bestand, FouteRij, Record, Rij};
use crate::domain::{CbsCode, HerindelingSoort, Rechtsvorm, Reikwijdte, Rol, parse_datum, tekst};
use crate::service::fusie::{NieuweDeelname, NieuweFusie};
use crate::service::gemeente::NieuweGemeente;
use crate::service::herindeling::NieuweHerindeling;

/// Every column an import file may have, in the order the documentation lists them.
pub const KOLOMMEN: [&str; 17] = [
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
const LIJSTEN: [&str; 4] = ["leden", "opgeheven", "ontvangend", "nieuw"];

/// The values of the `soort` column.
const SOORTEN: &str = "gemeente, herindeling, fusieorganisatie, centrumconstructie or deelname";

/// One cell with a value; empty cells are left out.
#[derive(Debug, Clone)]
enum Waarde {
    Tekst(String),
    Lijst(Vec<String>),
}

/// A row as read, before its values are parsed.
struct Ruw {
    regel: u64,
    velden: BTreeMap<&'static str, Waarde>,
}

fn kolom(naam: &str) -> Option<&'static str> {
    let naam = naam.trim().to_lowercase();
    KOLOMMEN.iter().find(|k| **k == naam).copied()
}

fn fout(regel: u64, kolom: Option<&str>, reden: impl Into<String>) -> FouteRij {
    FouteRij { regel, kolom: kolom.map(str::to_owned), reden: reden.into() }
}

fn lijst(tekst: &str) -> Vec<String> {
    tekst.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl Bestand {
    /// Reads CSV text: a header row naming the columns, then one record per line. Rows whose
    /// first cell starts with `#` (comments) and rows whose cells are all empty are skipped.
    pub fn csv(tekst: &str) -> Self {
        // Comments are skipped here rather than by the reader, whose line count leaves them out.
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(tekst.as_bytes());
        let koppen = match reader.headers() {
            Ok(koppen) => koppen.clone(),
            Err(e) => return Self::alleen_fout(fout(1, None, format!("cannot read the header row: {e}"))),
        };
        let mut teller = Regelteller { tekst: tekst.as_bytes(), byte: 0, regel: 1 };
        let header_regel = koppen.position().map_or(1, |p| teller.regel_op(p.byte()));
        let mut fouten = Vec::new();
        let mut gezien = HashSet::new();
        let mut kolommen = Vec::new();
        for naam in &koppen {
            match kolom(naam) {
                Some(k) if gezien.insert(k) => kolommen.push(k),
                Some(k) => fouten.push(fout(header_regel, Some(k), "the column is named twice in the header row")),
                None => fouten.push(fout(
                    header_regel,
                    Some(naam),
                    format!("unknown column; the columns are: {}", KOLOMMEN.join(", ")),
                )),
            }
        }
        if !gezien.contains("soort") {
            fouten.push(fout(header_regel, Some("soort"), "the header row has no column 'soort'"));
        }
        if !fouten.is_empty() {
            return Self { rijen: Vec::new(), fouten };
        }

        let mut bestand = Self { rijen: Vec::new(), fouten };
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let regel = e.position().map_or(0, |p| teller.regel_op(p.byte()));
                    bestand.fouten.push(fout(regel, None, format!("not valid CSV: {e}")));
                    continue;
                }
            };
            let regel = record.position().map_or(0, |p| teller.regel_op(p.byte()));
            if record.iter().all(str::is_empty) || record.get(0).is_some_and(|cel| cel.starts_with('#')) {
                continue;
            }
            if record.len() != kolommen.len() {
                bestand.fouten.push(fout(
                    regel,
                    None,
                    format!("the row has {} fields, the header row {}", record.len(), kolommen.len()),
                ));
                continue;
            }
            let velden = kolommen
                .iter()
                .zip(record.iter())
                .filter(|(_, cel)| !cel.is_empty())
                .map(|(k, cel)| {
                    let waarde =
                        if LIJSTEN.contains(k) { Waarde::Lijst(lijst(cel)) } else { Waarde::Tekst(cel.to_owned()) };
                    (*k, waarde)
                })
                .collect();
            bestand.voeg_toe(Ruw { regel, velden });
        }
        bestand
    }

    /// Reads JSON text: an array of objects with the same keys as the CSV columns; lists are
    /// arrays of strings, and a missing key or `null` is an empty cell. A row's line is the line
    /// on which its object starts.
    pub fn json(tekst: &str) -> Self {
        let waarden: Vec<serde_json::Value> = match serde_json::from_str(tekst) {
            Ok(waarden) => waarden,
            Err(e) => {
                let regel = u64::try_from(e.line()).unwrap_or(0);
                return Self::alleen_fout(fout(regel, None, format!("not a JSON array of objects: {e}")));
            }
        };
        let regels = begin_regels(tekst);
        let mut bestand = Self { rijen: Vec::new(), fouten: Vec::new() };
        for (index, waarde) in waarden.into_iter().enumerate() {
            let regel = regels.get(index).copied().unwrap_or(0);
            let serde_json::Value::Object(object) = waarde else {
                bestand.fouten.push(fout(regel, None, "expected an object with the columns as keys"));
                continue;
            };
            let mut velden = BTreeMap::new();
            let mut goed = true;
            for (sleutel, waarde) in object {
                let Some(k) = kolom(&sleutel) else {
                    bestand.fouten.push(fout(
                        regel,
                        Some(&sleutel),
                        format!("unknown key; the keys are: {}", KOLOMMEN.join(", ")),
                    ));
                    goed = false;
                    continue;
                };
                match json_waarde(k, waarde) {
                    Ok(Some(waarde)) => {
                        velden.insert(k, waarde);
                    }
                    Ok(None) => {}
                    Err(reden) => {
                        bestand.fouten.push(fout(regel, Some(k), reden));
                        goed = false;
                    }
                }
            }
            if goed {
                bestand.voeg_toe(Ruw { regel, velden });
            }
        }
        bestand
    }

    fn alleen_fout(fout: FouteRij) -> Self {
        Self { rijen: Vec::new(), fouten: vec![fout] }
    }

    fn voeg_toe(&mut self, ruw: Ruw) {
        match lees_rij(ruw) {
            Ok(rij) => self.rijen.push(rij),
            Err(fouten) => self.fouten.extend(fouten),
        }
    }
}

/// Line numbers from byte offsets. The CSV reader's own line of a record is that of the blank
/// lines before it, if any; this counts from the record's first character. Offsets only grow, so
/// the text is scanned once.
struct Regelteller<'a> {
    tekst: &'a [u8],
    byte: usize,
    regel: u64,
}

impl Regelteller<'_> {
    fn regel_op(&mut self, byte: u64) -> u64 {
        let mut doel = usize::try_from(byte).unwrap_or(usize::MAX).min(self.tekst.len());
        while self.tekst.get(doel).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            doel += 1;
        }
        if doel < self.byte {
            return self.regel;
        }
        let nieuw = self.tekst.get(self.byte..doel).map_or(0, |deel| deel.iter().filter(|b| **b == b'\n').count());
        self.regel += u64::try_from(nieuw).unwrap_or(0);
        self.byte = doel;
        self.regel
    }
}

/// One JSON value as a cell: text, or for list columns an array of strings (or one `|`-separated
/// string).
fn json_waarde(kolom: &str, waarde: serde_json::Value) -> Result<Option<Waarde>, String> {
    let is_lijst = LIJSTEN.contains(&kolom);
    match waarde {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(tekst) => {
            let tekst = tekst.trim();
            if tekst.is_empty() {
                Ok(None)
            } else if is_lijst {
                Ok(Some(Waarde::Lijst(lijst(tekst))))
            } else {
                Ok(Some(Waarde::Tekst(tekst.to_owned())))
            }
        }
        serde_json::Value::Array(items) if is_lijst => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(code) => Ok(code.trim().to_owned()),
                _ => Err("expected an array of CBS codes as strings, e.g. [\"GM0537\", \"GM0575\"]".to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|codes| Some(Waarde::Lijst(codes.into_iter().filter(|c| !c.is_empty()).collect()))),
        _ if is_lijst => Err("expected an array of CBS codes as strings, e.g. [\"GM0537\", \"GM0575\"]".to_owned()),
        _ => Err("expected a string".to_owned()),
    }
}

/// The line on which each element of the top-level JSON array starts. Only called on text that
/// parsed as an array, so strings and nesting are well-formed.
fn begin_regels(tekst: &str) -> Vec<u64> {
    let mut regels = Vec::new();
    let (mut regel, mut diepte) = (1_u64, 0_usize);
    let (mut in_string, mut escape, mut verwacht) = (false, false, false);
    for b in tekst.bytes() {
        if b == b'\n' {
            regel += 1;
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
            regels.push(regel);
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
    regels
}

/// The cells of one row, handed out one column at a time; every problem is noted with its
/// column, and columns that the row's soort does not use are reported at the end.
struct Cellen {
    regel: u64,
    soort: &'static str,
    velden: BTreeMap<&'static str, Waarde>,
    fouten: Vec<FouteRij>,
}

impl Cellen {
    fn fout(&mut self, kolom: &str, reden: impl Into<String>) {
        self.fouten.push(fout(self.regel, Some(kolom), reden));
    }

    fn tekst(&mut self, kolom: &'static str) -> Option<String> {
        match self.velden.remove(kolom)? {
            Waarde::Tekst(tekst) => match tekst::check(kolom, &tekst) {
                Ok(()) => Some(tekst),
                Err(e) => {
                    self.fout(kolom, e.to_string());
                    None
                }
            },
            Waarde::Lijst(_) => {
                self.fout(kolom, "expected text, not a list");
                None
            }
        }
    }

    fn verplicht(&mut self, kolom: &'static str) -> Option<String> {
        let waarde = self.tekst(kolom);
        if waarde.is_none() && !self.fouten.iter().any(|f| f.kolom.as_deref() == Some(kolom)) {
            let soort = self.soort;
            self.fout(kolom, format!("required for soort {soort}"));
        }
        waarde
    }

    fn datum(&mut self, kolom: &'static str) -> Option<NaiveDate> {
        let tekst = self.tekst(kolom)?;
        match parse_datum(&tekst) {
            Ok(datum) => Some(datum),
            Err(e) => {
                self.fout(kolom, e.to_string());
                None
            }
        }
    }

    fn verplichte_datum(&mut self, kolom: &'static str) -> Option<NaiveDate> {
        let tekst = self.verplicht(kolom)?;
        self.velden.insert(kolom, Waarde::Tekst(tekst));
        self.datum(kolom)
    }

    fn keuze<T: ActiveEnum<Value = String>>(&mut self, kolom: &'static str, wat: &str) -> Option<T> {
        let tekst = self.tekst(kolom)?;
        let waarde = T::try_from_value(&tekst.to_uppercase()).ok();
        if waarde.is_none() {
            self.fout(kolom, format!("'{tekst}' is not a {wat}: use one of {}", T::values().join(", ")));
        }
        waarde
    }

    fn verplichte_keuze<T: ActiveEnum<Value = String>>(&mut self, kolom: &'static str, wat: &str) -> Option<T> {
        let tekst = self.verplicht(kolom)?;
        self.velden.insert(kolom, Waarde::Tekst(tekst));
        self.keuze(kolom, wat)
    }

    fn code(&mut self, kolom: &'static str) -> Option<String> {
        let tekst = self.verplicht(kolom)?;
        match CbsCode::parse(&tekst) {
            Ok(code) => Some(code.to_string()),
            Err(e) => {
                self.fout(kolom, e.to_string());
                None
            }
        }
    }

    fn codes(&mut self, kolom: &'static str) -> Vec<String> {
        let codes = match self.velden.remove(kolom) {
            None => return Vec::new(),
            Some(Waarde::Lijst(codes)) => codes,
            Some(Waarde::Tekst(tekst)) => lijst(&tekst),
        };
        let mut goed = Vec::new();
        for tekst in codes {
            match CbsCode::parse(&tekst) {
                Ok(code) => goed.push(code.to_string()),
                Err(e) => self.fout(kolom, e.to_string()),
            }
        }
        goed
    }

    /// Reports the columns left over (filled, but not used by this soort) and ends the row.
    fn klaar(mut self) -> Result<(), Vec<FouteRij>> {
        let over: Vec<&'static str> = self.velden.keys().copied().collect();
        for kolom in over {
            let soort = self.soort;
            self.fout(kolom, format!("does not apply to soort {soort}; leave it empty"));
        }
        if self.fouten.is_empty() { Ok(()) } else { Err(self.fouten) }
    }
}

/// Parses one row into its record, or returns every bad cell of it.
fn lees_rij(mut ruw: Ruw) -> Result<Rij, Vec<FouteRij>> {
    let regel = ruw.regel;
    let soort = match ruw.velden.remove("soort") {
        Some(Waarde::Tekst(tekst)) => tekst.to_lowercase(),
        _ => return Err(vec![fout(regel, Some("soort"), format!("soort is empty: use {SOORTEN}"))]),
    };
    let soort: &'static str = match soort.as_str() {
        "gemeente" => "gemeente",
        "herindeling" => "herindeling",
        "fusieorganisatie" => "fusieorganisatie",
        "centrumconstructie" => "centrumconstructie",
        "deelname" => "deelname",
        _ => return Err(vec![fout(regel, Some("soort"), format!("unknown soort '{soort}': use {SOORTEN}"))]),
    };
    let mut c = Cellen { regel, soort, velden: ruw.velden, fouten: Vec::new() };
    let onvolledig = |regel| vec![fout(regel, None, "the row is incomplete")];
    let record = match soort {
        "gemeente" => {
            let code = c.code("code");
            let naam = c.verplicht("naam");
            let provincie = c.verplicht("provincie");
            let begindatum = c.datum("begindatum");
            let einddatum = c.datum("einddatum");
            c.klaar()?;
            let (Some(code), Some(naam), Some(provincie)) = (code, naam, provincie) else {
                return Err(onvolledig(regel));
            };
            Record::Gemeente(NieuweGemeente { code, naam, provincie, begindatum, einddatum })
        }
        "herindeling" => {
            let sleutel = c.tekst("sleutel");
            let soort = c.verplichte_keuze::<HerindelingSoort>("herindelingsoort", "herindelingsoort");
            let datum = c.verplichte_datum("begindatum");
            let opgeheven = c.codes("opgeheven");
            let ontvangend = c.codes("ontvangend");
            let nieuw = c.codes("nieuw");
            c.klaar()?;
            let (Some(soort), Some(datum)) = (soort, datum) else { return Err(onvolledig(regel)) };
            Record::Herindeling(NieuweHerindeling { sleutel, soort, datum, opgeheven, ontvangend, nieuw })
        }
        "fusieorganisatie" | "centrumconstructie" => {
            let sleutel = c.verplicht("sleutel");
            let naam = c.verplicht("naam");
            let afkorting = c.tekst("afkorting");
            let rechtsvorm = c.verplichte_keuze::<Rechtsvorm>("rechtsvorm", "rechtsvorm");
            let reikwijdte = if soort == "fusieorganisatie" {
                c.verplichte_keuze::<Reikwijdte>("reikwijdte", "reikwijdte")
            } else {
                c.keuze::<Reikwijdte>("reikwijdte", "reikwijdte").or_else(|| {
                    // A centrumconstructie is full unless said otherwise, as in the API; an
                    // unparsable value has been reported already.
                    (!c.fouten.iter().any(|f| f.kolom.as_deref() == Some("reikwijdte"))).then_some(Reikwijdte::Volledig)
                })
            };
            let begindatum = c.verplichte_datum("begindatum");
            let einddatum = c.datum("einddatum");
            let centrumgemeente = if soort == "centrumconstructie" { c.code("centrumgemeente") } else { None };
            let leden = c.codes("leden");
            c.klaar()?;
            let (Some(sleutel), Some(naam), Some(rechtsvorm), Some(reikwijdte), Some(begindatum)) =
                (sleutel, naam, rechtsvorm, reikwijdte, begindatum)
            else {
                return Err(onvolledig(regel));
            };
            let fusie = NieuweFusie { sleutel, naam, afkorting, rechtsvorm, reikwijdte, begindatum, einddatum };
            match centrumgemeente {
                Some(centrumgemeente) => Record::Centrumconstructie { fusie, centrumgemeente, afnemers: leden },
                None if soort == "fusieorganisatie" => Record::Fusieorganisatie { fusie, deelnemers: leden },
                None => return Err(onvolledig(regel)),
            }
        }
        _ => {
            let sleutel = c.verplicht("sleutel");
            let gemeente = c.code("code");
            let rol = c.verplichte_keuze::<Rol>("rol", "rol");
            let begindatum = c.verplichte_datum("begindatum");
            let einddatum = c.datum("einddatum");
            c.klaar()?;
            let (Some(sleutel), Some(gemeente), Some(rol), Some(begindatum)) = (sleutel, gemeente, rol, begindatum)
            else {
                return Err(onvolledig(regel));
            };
            Record::Deelname(NieuweDeelname { sleutel, gemeente, rol, begindatum, einddatum })
        }
    };
    Ok(Rij { regel, record })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kolommen(fouten: &[FouteRij]) -> Vec<(u64, Option<&str>)> {
        fouten.iter().map(|f| (f.regel, f.kolom.as_deref())).collect()
    }

    #[test]
    fn reads_every_soort_from_csv() {
        let bestand = Bestand::csv(
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
        assert!(bestand.fouten.is_empty(), "{:?}", bestand.fouten);
        let regels: Vec<u64> = bestand.rijen.iter().map(|r| r.regel).collect();
        assert_eq!(regels, [2, 5, 6, 7, 9]);
        let Record::Gemeente(gemeente) = &bestand.rijen[0].record else { panic!("a gemeente") };
        assert_eq!(gemeente.code, "GM1999");
        let Record::Fusieorganisatie { fusie, deelnemers } = &bestand.rijen[1].record else { panic!("a fusie") };
        assert_eq!(fusie.reikwijdte, Reikwijdte::Volledig);
        assert_eq!(deelnemers, &["GM0537", "GM0575"]);
        let Record::Centrumconstructie { fusie, centrumgemeente, afnemers } = &bestand.rijen[2].record else {
            panic!("a centrumconstructie")
        };
        assert_eq!((fusie.reikwijdte, centrumgemeente.as_str(), afnemers.len()), (Reikwijdte::Volledig, "GM0518", 1));
        let Record::Herindeling(herindeling) = &bestand.rijen[4].record else { panic!("a herindeling") };
        assert_eq!(herindeling.nieuw, ["GM1999"]);
    }

    #[test]
    fn columns_may_be_left_out_and_come_in_any_order() {
        let bestand = Bestand::csv("code,soort,naam,provincie\nGM1999,gemeente,Kust,PV28\n");
        assert!(bestand.fouten.is_empty(), "{:?}", bestand.fouten);
        assert_eq!(bestand.rijen.len(), 1);
    }

    #[test]
    fn every_bad_cell_is_named() {
        let bestand = Bestand::csv(
            "soort,sleutel,code,naam,rechtsvorm,reikwijdte,rol,begindatum,leden\n\
             fusie,x,,,,,,,\n\
             fusieorganisatie,kust,,Kust,WGR,,,2024-13-01,GM0537|Katwijk\n\
             deelname,kust,GM0546,Leiden,,,,,\n",
        );
        assert!(bestand.rijen.is_empty());
        assert_eq!(
            kolommen(&bestand.fouten),
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
        assert!(bestand.fouten[3].reden.contains("not a date"), "{}", bestand.fouten[3].reden);
        assert!(bestand.fouten[7].reden.contains("does not apply"), "{}", bestand.fouten[7].reden);
    }

    #[test]
    fn dates_beyond_year_9999_nul_and_overlong_text_are_refused() {
        let lange_naam = "a".repeat(crate::domain::tekst::limit("naam") + 1);
        let bestand = Bestand::csv(&format!(
            "soort,code,naam,provincie,begindatum\n\
             gemeente,GM1999,Kust,PV28,+10000-01-01\n\
             gemeente,GM1998,\"Ku\0st\",PV28,2024-01-01\n\
             gemeente,GM1997,{lange_naam},PV28,2024-01-01\n"
        ));
        assert!(bestand.rijen.is_empty());
        assert_eq!(kolommen(&bestand.fouten), [(2, Some("begindatum")), (3, Some("naam")), (4, Some("naam"))]);
        assert!(bestand.fouten[1].reden.contains("NUL"), "{}", bestand.fouten[1].reden);
        assert!(bestand.fouten[2].reden.contains("longer than 200"), "{}", bestand.fouten[2].reden);
    }

    #[test]
    fn a_bad_header_stops_before_the_rows() {
        let bestand = Bestand::csv("soort,sleutel,kleur\ndeelname,kust,rood\n");
        assert_eq!(kolommen(&bestand.fouten), [(1, Some("kleur"))]);
        let bestand = Bestand::csv("sleutel\nkust\n");
        assert_eq!(kolommen(&bestand.fouten), [(1, Some("soort"))]);
    }

    #[test]
    fn lines_count_blank_lines_and_newlines_inside_quotes() {
        let bestand = Bestand::csv(
            "\nsoort,code,naam,provincie\r\n\r\ngemeente,GM1998,\"Twee\nregels\",PV28\r\ngemeente,GM1999,Kust,PV28\r\n",
        );
        assert!(bestand.fouten.is_empty(), "{:?}", bestand.fouten);
        assert_eq!(bestand.rijen.iter().map(|r| r.regel).collect::<Vec<_>>(), [4, 6]);
        let bestand = Bestand::csv("\n\nsoort,kleur\n");
        assert_eq!(kolommen(&bestand.fouten), [(3, Some("kleur"))]);
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_is_named() {
        let bestand = Bestand::csv("soort,code,naam,provincie\ngemeente,GM1999,Kust\n");
        assert_eq!(kolommen(&bestand.fouten), [(2, None)]);
    }

    #[test]
    fn json_rows_carry_the_line_where_their_object_starts() {
        let bestand = Bestand::json(
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
        assert_eq!(bestand.rijen.iter().map(|r| r.regel).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(kolommen(&bestand.fouten), [(8, Some("rol")), (9, Some("leden"))]);
    }

    #[test]
    fn invalid_json_is_one_error_with_its_line() {
        let bestand = Bestand::json("[\n{\"soort\": }\n]");
        assert_eq!(kolommen(&bestand.fouten), [(2, None)]);
        assert!(bestand.rijen.is_empty());
    }
}
