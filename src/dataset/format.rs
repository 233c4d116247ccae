//! Serde mirror of the files under `data/`. Field names follow the files, which follow the
//! database columns; see `data/README.md` for what each field means.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::{
    Doel, Eindreden, HerindelingSoort, KengetalSoort, Motief, Realisatie, Rechtsvorm, Reikwijdte, Risico, Rol,
    Tevredenheid, Vorm,
};

/// Every record of the bundled dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Public sources, cited by the other records.
    pub bronnen: Vec<BronRecord>,
    /// The twelve provinces.
    pub provincies: Vec<ProvincieRecord>,
    /// Every municipality that existed 1999–2023.
    pub gemeenten: Vec<GemeenteRecord>,
    /// Municipal reorganisations 2000–2023.
    pub herindelingen: Vec<HerindelingRecord>,
    /// Ambtelijke fusies and the partial cooperations recorded beside them.
    pub ambtelijke_fusies: Vec<FusieRecord>,
    /// Studies with their published figures.
    pub onderzoeken: Vec<OnderzoekRecord>,
    /// Evaluation outcomes.
    pub evaluaties: Vec<EvaluatieRecord>,
}

impl Dataset {
    /// Parses the files compiled into the binary.
    ///
    /// # Errors
    /// A parse error naming the file, which can only happen when a data file was edited into an
    /// invalid shape; the dataset test catches that before a release.
    pub fn bundled() -> Result<Self, DatasetError> {
        Ok(Self {
            bronnen: parse("bronnen.json", include_str!("../../data/bronnen.json"))?,
            provincies: parse("provincies.json", include_str!("../../data/provincies.json"))?,
            gemeenten: parse("gemeenten.json", include_str!("../../data/gemeenten.json"))?,
            herindelingen: parse("herindelingen.json", include_str!("../../data/herindelingen.json"))?,
            ambtelijke_fusies: parse("ambtelijke_fusies.json", include_str!("../../data/ambtelijke_fusies.json"))?,
            onderzoeken: parse("onderzoeken.json", include_str!("../../data/onderzoeken.json"))?,
            evaluaties: parse("evaluaties.json", include_str!("../../data/evaluaties.json"))?,
        })
    }
}

/// A bundled data file that does not match the format.
#[derive(Debug, thiserror::Error)]
#[error("data/{file} is not valid: {source}")]
pub struct DatasetError {
    file: &'static str,
    #[source]
    source: serde_json::Error,
}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, DatasetError> {
    serde_json::from_str(text).map_err(|source| DatasetError { file, source })
}

/// A citation of a source by a record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// `sleutel` of the cited source.
    pub bron: String,
    /// What this source supports or leaves unverified for this record.
    pub toelichting: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BronRecord {
    pub sleutel: String,
    pub titel: String,
    pub uitgever: Option<String>,
    pub url: Option<String>,
    pub datum: Option<NaiveDate>,
    pub opmerking: Option<String>,
    /// For a regulation (CVDR): first day of the version cited, as "Geldend van" gives it.
    #[serde(default)]
    pub geldend_van: Option<NaiveDate>,
    /// Last day of that version ("t/m"); `None` for "t/m heden" or when not recorded.
    #[serde(default)]
    pub geldend_tot: Option<NaiveDate>,
    /// The day the regulation as a whole lapsed ("Regeling vervallen per"), if it did.
    #[serde(default)]
    pub vervallen_per: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvincieRecord {
    pub code: String,
    pub naam: String,
    pub tooi_uri: Option<String>,
    pub bronnen: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GemeenteRecord {
    pub code: String,
    pub naam: String,
    pub provincie: String,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub tooi_uri: Option<String>,
    #[serde(default)]
    pub opmerking: Option<String>,
    pub bronnen: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HerindelingRecord {
    pub sleutel: String,
    pub soort: HerindelingSoort,
    pub datum: NaiveDate,
    pub opgeheven: Vec<String>,
    pub ontvangend: Vec<String>,
    pub nieuw: Vec<String>,
    pub tooi_uri: Option<String>,
    #[serde(default)]
    pub opmerking: Option<String>,
    pub bronnen: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FusieRecord {
    pub sleutel: String,
    pub vorm: Vorm,
    pub naam: String,
    pub afkorting: Option<String>,
    pub rechtsvorm: Rechtsvorm,
    pub rechtsvorm_omschrijving: Option<String>,
    pub reikwijdte: Reikwijdte,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub eindreden: Option<Eindreden>,
    pub eindreden_toelichting: Option<String>,
    pub tooi_so_id: Option<String>,
    pub cbs_gr_code: Option<String>,
    #[serde(default)]
    pub onzeker: Vec<String>,
    pub opmerking: Option<String>,
    pub deelnames: Vec<DeelnameRecord>,
    pub bronnen: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeelnameRecord {
    pub gemeente: String,
    pub rol: Rol,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub taken: Option<String>,
    #[serde(default)]
    pub onzeker: Vec<String>,
    #[serde(default)]
    pub opmerking: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnderzoekRecord {
    pub sleutel: String,
    pub titel: String,
    pub uitvoerder: String,
    pub opdrachtgever: Option<String>,
    pub publicatiedatum: Option<NaiveDate>,
    pub url: Option<String>,
    pub kamerstuk: Option<String>,
    #[serde(default)]
    pub onzeker: Vec<String>,
    pub opmerking: Option<String>,
    pub kengetallen: Vec<KengetalRecord>,
    /// Organisations the study counted or described, as far as a source attributes them.
    #[serde(default)]
    pub organisaties: Vec<OnderzoekOrganisatieRecord>,
    pub bronnen: Vec<Citation>,
}

/// An organisation a study counted or described.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnderzoekOrganisatieRecord {
    /// The name the source gives.
    pub naam: String,
    /// `sleutel` of the registry's ambtelijke fusie; `None` when the registry does not hold it.
    pub ambtelijke_fusie: Option<String>,
    /// `sleutel` of the source that ties the organisation to the study.
    pub bron: String,
    pub toelichting: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KengetalRecord {
    pub sleutel: String,
    pub soort: KengetalSoort,
    pub peildatum: Option<NaiveDate>,
    pub waarde: f64,
    pub eenheid: Option<String>,
    pub omschrijving: String,
    pub opmerking: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluatieRecord {
    pub sleutel: String,
    pub onderzoek: Option<String>,
    pub ambtelijke_fusie: Option<String>,
    pub datum: Option<NaiveDate>,
    pub samenvatting: String,
    pub tevredenheid: Tevredenheid,
    pub voordelen_wegen_op: Option<bool>,
    /// Realisation of the goals as a whole, for sources that judge only that.
    #[serde(default)]
    pub doelrealisatie: Option<Realisatie>,
    #[serde(default)]
    pub doelrealisatie_toelichting: Option<String>,
    pub motieven: Vec<MotiefRecord>,
    pub doelen: Vec<DoelRecord>,
    pub risicos: Vec<RisicoRecord>,
    /// Further findings, in the source's order.
    #[serde(default)]
    pub bevindingen: Vec<BevindingRecord>,
    #[serde(default)]
    pub onzeker: Vec<String>,
    pub opmerking: Option<String>,
    pub bronnen: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotiefRecord {
    pub motief: Motief,
    pub toelichting: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoelRecord {
    pub doel: Doel,
    pub realisatie: Realisatie,
    pub streefwaarde: Option<f64>,
    pub gerealiseerde_waarde: Option<f64>,
    pub eenheid: Option<String>,
    pub toelichting: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BevindingRecord {
    pub omschrijving: String,
    /// The source's own words, in Dutch.
    pub citaat: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RisicoRecord {
    pub risico: Risico,
    pub ervaren: Option<bool>,
    pub toelichting: Option<String>,
}
