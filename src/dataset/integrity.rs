//! The rules of the registry, checked over the bundled dataset before it ships. The dataset test
//! asserts that this finds nothing; a data edit that breaks a rule fails the build's tests.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};

use super::format::{BronRecord, Citation, Dataset, DeelnameRecord, FusieRecord};
use crate::domain::{CbsCode, MissingBegin, Periode, Reikwijdte, Rol, Vorm};

/// Every rule violation in `dataset`, one line each; empty when the dataset is sound.
pub fn problems(dataset: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    let bronnen: HashSet<&str> = dataset.bronnen.iter().map(|b| b.sleutel.as_str()).collect();
    let provincies: HashSet<&str> = dataset.provincies.iter().map(|p| p.code.as_str()).collect();
    let cite = |what: String, citations: &[Citation], out: &mut Vec<String>| {
        if citations.is_empty() {
            out.push(format!("{what} cites no source"));
        }
        for c in citations.iter().filter(|c| !bronnen.contains(c.bron.as_str())) {
            out.push(format!("{what} cites unknown source '{}'", c.bron));
        }
    };
    unique(&mut out, "bron", dataset.bronnen.iter().map(|b| b.sleutel.as_str()));
    unique(&mut out, "provincie", dataset.provincies.iter().map(|p| p.code.as_str()));
    unique(&mut out, "gemeente", dataset.gemeenten.iter().map(|g| g.code.as_str()));
    unique(&mut out, "herindeling", dataset.herindelingen.iter().map(|h| h.sleutel.as_str()));
    unique(&mut out, "ambtelijke fusie", dataset.ambtelijke_fusies.iter().map(|f| f.sleutel.as_str()));
    unique(&mut out, "onderzoek", dataset.onderzoeken.iter().map(|o| o.sleutel.as_str()));
    unique(&mut out, "evaluatie", dataset.evaluaties.iter().map(|e| e.sleutel.as_str()));

    for p in &dataset.provincies {
        cite(format!("provincie {}", p.code), &p.bronnen, &mut out);
    }

    // Rule 1 and 2 for municipalities.
    let mut gemeenten: HashMap<&str, Periode> = HashMap::new();
    for g in &dataset.gemeenten {
        if CbsCode::parse(&g.code).map(|c| c.to_string()).ok().as_deref() != Some(g.code.as_str()) {
            out.push(format!("gemeente '{}' has no valid CBS code", g.code));
        }
        if !provincies.contains(g.provincie.as_str()) {
            out.push(format!("gemeente {} lies in unknown provincie {}", g.code, g.provincie));
        }
        match Periode::new(g.begindatum, g.einddatum) {
            Ok(periode) => {
                gemeenten.insert(g.code.as_str(), periode);
            }
            Err(err) => out.push(format!("gemeente {}: {err}", g.code)),
        }
        cite(format!("gemeente {}", g.code), &g.bronnen, &mut out);
    }

    // Herindelingen end the abolished the day before and start the new on the day.
    for h in &dataset.herindelingen {
        let day_before = h.datum.checked_sub_days(Days::new(1));
        for code in h.opgeheven.iter().chain(&h.ontvangend).chain(&h.nieuw) {
            if !gemeenten.contains_key(code.as_str()) {
                out.push(format!("herindeling {} names unknown gemeente {code}", h.sleutel));
            }
        }
        for code in &h.opgeheven {
            if let Some(p) = gemeenten.get(code.as_str()).filter(|p| p.einde() != day_before) {
                out.push(format!(
                    "herindeling {}: abolished {code} ends {:?}, not the day before",
                    h.sleutel,
                    p.einde()
                ));
            }
        }
        for code in &h.nieuw {
            if let Some(p) = gemeenten.get(code.as_str()).filter(|p| p.begin() != Some(h.datum)) {
                out.push(format!("herindeling {}: new {code} begins {:?}, not on the day", h.sleutel, p.begin()));
            }
        }
        if h.opgeheven.is_empty() {
            out.push(format!("herindeling {} abolishes no municipality", h.sleutel));
        }
        cite(format!("herindeling {}", h.sleutel), &h.bronnen, &mut out);
    }

    // A fusie's period against the "Geldend van ... t/m ..." period of the regulations it cites.
    let regelingen: HashMap<&str, &BronRecord> =
        dataset.bronnen.iter().filter(|b| b.geldend_van.is_some()).map(|b| (b.sleutel.as_str(), b)).collect();
    for f in &dataset.ambtelijke_fusies {
        for regeling in f.bronnen.iter().filter_map(|c| regelingen.get(c.bron.as_str())) {
            out.extend(regeling_problems(f, regeling));
        }
    }

    // Rules 2, 3 and 5 per fusie; rule 4 across them.
    let mut volledig: HashMap<&str, Vec<(&str, Periode)>> = HashMap::new();
    for f in &dataset.ambtelijke_fusies {
        cite(format!("ambtelijke fusie {}", f.sleutel), &f.bronnen, &mut out);
        let Ok(fusie_periode) = Periode::new(f.begindatum, f.einddatum) else {
            out.push(format!("ambtelijke fusie {}: einddatum before begindatum", f.sleutel));
            continue;
        };
        let mut deelnames = Vec::new();
        for d in &f.deelnames {
            let what = format!("deelname of {} in {}", d.gemeente, f.sleutel);
            let Ok(periode) = Periode::new(d.begindatum, d.einddatum) else {
                out.push(format!("{what}: einddatum before begindatum"));
                continue;
            };
            match gemeenten.get(d.gemeente.as_str()) {
                None => out.push(format!("{what}: unknown gemeente")),
                Some(bestaan) if !bestaan.contains(&periode) => {
                    out.push(format!("{what}: lies outside the municipality's existence"));
                }
                Some(_) => {}
            }
            if !fusie_periode.contains(&periode) {
                out.push(format!("{what}: lies outside the fusie's period"));
            }
            if f.reikwijdte == Reikwijdte::Volledig {
                volledig.entry(d.gemeente.as_str()).or_default().push((f.sleutel.as_str(), periode));
            }
            deelnames.push((d, periode));
        }
        out.extend(form_problems(f, fusie_periode, &deelnames));
    }
    for (gemeente, periodes) in &volledig {
        for (i, (a, pa)) in periodes.iter().enumerate() {
            for (b, pb) in &periodes[i + 1..] {
                if a != b && pa.overlaps(pb) {
                    out.push(format!("gemeente {gemeente} is in two full ambtelijke fusies at once: {a} and {b}"));
                }
            }
        }
    }

    let fusies: HashSet<&str> = dataset.ambtelijke_fusies.iter().map(|f| f.sleutel.as_str()).collect();
    let onderzoeken: HashSet<&str> = dataset.onderzoeken.iter().map(|o| o.sleutel.as_str()).collect();
    for o in &dataset.onderzoeken {
        cite(format!("onderzoek {}", o.sleutel), &o.bronnen, &mut out);
        unique(&mut out, &format!("kengetal of {}", o.sleutel), o.kengetallen.iter().map(|k| k.sleutel.as_str()));
        unique(&mut out, &format!("organisation of {}", o.sleutel), o.organisaties.iter().map(|g| g.naam.as_str()));
        for org in &o.organisaties {
            if let Some(f) = org.ambtelijke_fusie.as_deref().filter(|f| !fusies.contains(f)) {
                out.push(format!(
                    "onderzoek {}: organisation '{}' refers to unknown ambtelijke fusie {f}",
                    o.sleutel, org.naam
                ));
            }
            if !bronnen.contains(org.bron.as_str()) {
                out.push(format!(
                    "onderzoek {}: organisation '{}' cites unknown source '{}'",
                    o.sleutel, org.naam, org.bron
                ));
            }
        }
    }
    for e in &dataset.evaluaties {
        cite(format!("evaluatie {}", e.sleutel), &e.bronnen, &mut out);
        if let Some(o) = e.onderzoek.as_deref().filter(|o| !onderzoeken.contains(o)) {
            out.push(format!("evaluatie {} refers to unknown onderzoek {o}", e.sleutel));
        }
        if let Some(f) = e.ambtelijke_fusie.as_deref().filter(|f| !fusies.contains(f)) {
            out.push(format!("evaluatie {} refers to unknown ambtelijke fusie {f}", e.sleutel));
        }
        if e.onderzoek.is_none() && e.ambtelijke_fusie.is_none() {
            out.push(format!("evaluatie {} is about nothing: it names neither a study nor a fusie", e.sleutel));
        }
    }
    out
}

/// Where a fusie contradicts the version of its own regulation that it cites: the version was in
/// force only while the fusie did not exist, or the regulation lapsed while the fusie is recorded
/// as running on.
fn regeling_problems(f: &FusieRecord, regeling: &BronRecord) -> Vec<String> {
    let mut out = Vec::new();
    let Some(van) = regeling.geldend_van else { return out };
    let what = format!("ambtelijke fusie {} against its regulation {}", f.sleutel, regeling.sleutel);
    if let Some(einde) = f.einddatum.filter(|einde| *einde < van) {
        out.push(format!("{what}: ends {einde}, before the cited version is in force (geldend van {van})"));
    }
    if let (Some(begin), Some(tot)) = (f.begindatum, regeling.geldend_tot)
        && tot < begin
    {
        out.push(format!("{what}: begins {begin}, after the cited version ended (t/m {tot})"));
    }
    if let Some(vervallen) = regeling.vervallen_per {
        match f.einddatum {
            None => out.push(format!("{what}: the regulation lapsed on {vervallen}, but the fusie has no end")),
            Some(einde) if einde >= vervallen => {
                out.push(format!("{what}: the regulation lapsed on {vervallen}, but the fusie runs until {einde}"));
            }
            Some(_) => {}
        }
    }
    if regeling.geldend_tot.is_none()
        && regeling.vervallen_per.is_none()
        && let Some(einde) = f.einddatum
    {
        out.push(format!("{what}: the cited version is in force up to today, but the fusie ended on {einde}"));
    }
    out
}

/// Rule 5: the roles that fit each form, one host on every day of a centrumconstructie, and
/// at least two participants when a fusieorganisatie starts.
fn form_problems(f: &FusieRecord, periode: Periode, deelnames: &[(&DeelnameRecord, Periode)]) -> Vec<String> {
    let mut out = Vec::new();
    let allowed: &[Rol] = match f.vorm {
        Vorm::Fusieorganisatie => &[Rol::Deelnemer],
        Vorm::Centrumconstructie => &[Rol::Centrumgemeente, Rol::Afnemer],
    };
    for (d, _) in deelnames.iter().filter(|(d, _)| !allowed.contains(&d.rol)) {
        out.push(format!("{}: role {:?} of {} does not fit a {:?}", f.sleutel, d.rol, d.gemeente, f.vorm));
    }
    match f.vorm {
        Vorm::Fusieorganisatie => {
            // A deelname without begin in a fusie with one is reported by the period rule
            // (rule 3); counting it here keeps that one mistake from being reported twice.
            let at_start = deelnames
                .iter()
                .filter(|(d, p)| {
                    d.rol == Rol::Deelnemer && f.begindatum.is_none_or(|start| p.is_valid_on(start, MissingBegin::Open))
                })
                .count();
            if at_start < 2 {
                out.push(format!(
                    "{}: a fusieorganisatie needs two deelnemers when it starts, has {at_start}",
                    f.sleutel
                ));
            }
        }
        Vorm::Centrumconstructie => {
            if !deelnames.iter().any(|(d, _)| d.rol == Rol::Afnemer) {
                out.push(format!("{}: a centrumconstructie needs an afnemer", f.sleutel));
            }
            let mut hosts: Vec<Periode> =
                deelnames.iter().filter(|(d, _)| d.rol == Rol::Centrumgemeente).map(|(_, p)| *p).collect();
            hosts.sort_by_key(Periode::begin);
            if !covers_exactly(periode, &hosts) {
                out.push(format!("{}: not exactly one centrumgemeente on every day of its period", f.sleutel));
            }
        }
    }
    out
}

/// Whether `parts` (sorted by begin) follow each other without gap or overlap and span `whole`.
fn covers_exactly(whole: Periode, parts: &[Periode]) -> bool {
    let Some(first) = parts.first() else { return false };
    if first.begin() != whole.begin() {
        return false;
    }
    let mut end: Option<NaiveDate> = first.einde();
    for part in &parts[1..] {
        let next_day = end.and_then(|e| e.checked_add_days(Days::new(1)));
        if next_day.is_none() || part.begin() != next_day {
            return false;
        }
        end = part.einde();
    }
    end == whole.einde()
}

fn unique<'a>(out: &mut Vec<String>, what: &str, keys: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for key in keys {
        if !seen.insert(key) {
            out.push(format!("{what} '{key}' occurs twice"));
        }
    }
}
