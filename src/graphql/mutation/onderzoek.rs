//! Mutations of studies, evaluation outcomes and the sources cited for records.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::parse::optional_sleutel;
use crate::auth::require;
use crate::domain::{
    CbsCode, Doel, KengetalSoort, Motief, NodeId, Realisatie, Risico, Sleutel, Tevredenheid, TokenRol,
};
use crate::error::{AppError, InField};
use crate::graphql::context::db;
use crate::graphql::scalars::Date;
use crate::graphql::types::{Bron, Evaluatie, Onderzoek};
use crate::service::bron::{self as bron_service, AddBronvermelding, HolderKey, NewBronvermelding};
use crate::service::onderzoek::{
    self as onderzoek_service, AddEvaluatie, NewBevinding, NewDoel, NewKengetal, NewMotief, NewRisico,
    RegisterOnderzoek,
};

/// A source cited for a record: an existing source by its sleutel, or a new source, described by
/// the other fields, that is created with that sleutel.
#[derive(InputObject)]
pub struct BronvermeldingInput {
    /// Sleutel of the source (lower-case letters, digits and dashes). When no source has it yet,
    /// a new source is created and `titel` is required.
    pub bron: String,
    /// Title of a new source. For an existing source, leave it out (or give the stored title).
    pub titel: Option<String>,
    /// Address (http or https) of a new source.
    pub url: Option<String>,
    /// Publisher or author of a new source.
    pub uitgever: Option<String>,
    /// Publication date of a new source.
    pub datum: Option<Date>,
    /// What the source supports for the citing record, or what it leaves unverified.
    pub toelichting: Option<String>,
}

impl BronvermeldingInput {
    /// The citation, with the source's sleutel parsed; a malformed one is `BAD_USER_INPUT` on
    /// `field` (`bronnen` in a new record, `bron` when citing for an existing one). Surrounding
    /// spaces are dropped, as they were before the sleutel was parsed here.
    fn parse(self, field: &str) -> Result<NewBronvermelding, AppError> {
        let bron = Sleutel::parse(self.bron.trim()).map_err(|_| {
            AppError::bad_input(
                field,
                format!("'{}' is not the sleutel of a source: use lower-case letters, digits and dashes", self.bron),
            )
        })?;
        Ok(NewBronvermelding {
            bron,
            titel: self.titel,
            url: self.url,
            uitgever: self.uitgever,
            datum: self.datum.map(|d| d.0),
            toelichting: self.toelichting,
        })
    }
}

/// A figure a study published.
#[derive(InputObject)]
pub struct KengetalInput {
    /// Key of the figure within the study, unique within it (lower-case letters, digits, dashes).
    pub sleutel: String,
    /// What kind of figure it is.
    pub soort: KengetalSoort,
    /// The date the figure is about.
    pub peildatum: Option<Date>,
    /// The published value (a finite number).
    pub waarde: f64,
    /// Unit of the value, where it is not a plain count.
    pub eenheid: Option<String>,
    /// What is counted or measured; must not be empty.
    pub omschrijving: String,
    /// Note, e.g. on uncertainty about what the figure includes.
    pub opmerking: Option<String>,
}

/// A new study with the figures it published.
#[derive(InputObject)]
pub struct RegistreerOnderzoekInput {
    /// Stable key: lower-case letters, digits and dashes, e.g. `samen-sterker-2016`.
    pub sleutel: String,
    /// Title of the study; must not be empty.
    pub titel: String,
    /// Who performed it; must not be empty.
    pub uitvoerder: String,
    /// Who commissioned it.
    pub opdrachtgever: Option<String>,
    /// Publication date.
    pub publicatiedatum: Option<Date>,
    /// Where the study can be read (http or https).
    pub url: Option<String>,
    /// Parliamentary reference (Kamerstuk).
    pub kamerstuk: Option<String>,
    /// Note on the study.
    pub opmerking: Option<String>,
    /// Figures the study published, each with its own key.
    #[graphql(default)]
    pub kengetallen: Vec<KengetalInput>,
    /// Sources backing the study.
    pub bronnen: Option<Vec<BronvermeldingInput>>,
}

/// A motive recorded by an evaluation.
#[derive(InputObject)]
pub struct EvaluatieMotiefInput {
    /// The motive.
    pub motief: Motief,
    /// Explanation, in particular for ANDERS.
    pub toelichting: Option<String>,
}

/// A goal recorded by an evaluation, with how far it was reached.
#[derive(InputObject)]
pub struct EvaluatieDoelInput {
    /// The goal.
    pub doel: Doel,
    /// How far it was reached.
    pub realisatie: Realisatie,
    /// Target value, for a quantified goal.
    pub streefwaarde: Option<f64>,
    /// Value reached, for a quantified goal.
    pub gerealiseerde_waarde: Option<f64>,
    /// Unit of the values, e.g. EUR.
    pub eenheid: Option<String>,
    /// Explanation.
    pub toelichting: Option<String>,
}

/// A risk recorded by an evaluation.
#[derive(InputObject)]
pub struct EvaluatieRisicoInput {
    /// The risk.
    pub risico: Risico,
    /// Whether the participants experienced it; leave out when the source does not say.
    pub ervaren: Option<bool>,
    /// Explanation.
    pub toelichting: Option<String>,
}

/// A further finding of an evaluation outcome.
#[derive(InputObject)]
pub struct EvaluatieBevindingInput {
    /// The finding; must not be empty.
    pub omschrijving: String,
    /// The source's own words, in Dutch.
    pub citaat: Option<String>,
}

/// A new evaluation outcome: from a study, about an ambtelijke fusie, or both.
#[derive(InputObject)]
pub struct LegEvaluatieVastInput {
    /// Stable key: lower-case letters, digits and dashes.
    pub sleutel: String,
    /// Key of the study the outcome comes from. Give this, `ambtelijkeFusie`, or both.
    pub onderzoek: Option<String>,
    /// Key of the ambtelijke fusie evaluated; leave out when the outcome covers all fusies of the study.
    pub ambtelijke_fusie: Option<String>,
    /// Date the outcome was published; not before the study's publication date.
    pub datum: Option<Date>,
    /// Summary of the outcome; must not be empty.
    pub samenvatting: String,
    /// Satisfaction of the municipalities.
    pub tevredenheid: Tevredenheid,
    /// Whether the advantages outweigh the disadvantages; leave out when the source does not say.
    pub voordelen_wegen_op: Option<bool>,
    /// How far the goals were reached taken together, for a source that judges only the goals as
    /// a whole; then give each goal's `realisatie` as ONBEKEND unless the source judges that goal.
    pub doelrealisatie: Option<Realisatie>,
    /// What the judgement on the goals as a whole rests on.
    pub doelrealisatie_toelichting: Option<String>,
    /// Motives, in the order the source gives them.
    #[graphql(default)]
    pub motieven: Vec<EvaluatieMotiefInput>,
    /// Goals with their realisation, in the order the source gives them.
    #[graphql(default)]
    pub doelen: Vec<EvaluatieDoelInput>,
    /// Risks named, in the order the source gives them.
    #[graphql(default)]
    pub risicos: Vec<EvaluatieRisicoInput>,
    /// Further findings, in the order the source gives them.
    #[graphql(default)]
    pub bevindingen: Vec<EvaluatieBevindingInput>,
    /// Note on the evaluation.
    pub opmerking: Option<String>,
    /// Sources backing the evaluation.
    pub bronnen: Option<Vec<BronvermeldingInput>>,
}

/// A source to cite for an existing record.
#[derive(InputObject)]
pub struct VoegBronToeInput {
    /// Global ID of the citing record: a Gemeente, AmbtelijkeFusie, Herindeling, Onderzoek or Evaluatie.
    pub entiteit: ID,
    /// The source: an existing one by its sleutel, or a new one.
    pub bron: BronvermeldingInput,
}

/// The result of registering a study.
#[derive(SimpleObject)]
pub struct OnderzoekPayload {
    /// The study as stored, with its figures and sources.
    pub onderzoek: Onderzoek,
}

/// The result of recording an evaluation outcome.
#[derive(SimpleObject)]
pub struct EvaluatiePayload {
    /// The evaluation as stored, with its motives, goals, risks and sources.
    pub evaluatie: Evaluatie,
}

/// The result of citing a source.
#[derive(SimpleObject)]
pub struct BronnenPayload {
    /// All sources the record cites after the change, in citation order.
    pub bronnen: Vec<Bron>,
}

/// The citations of a new record; the first malformed source sleutel is `BAD_USER_INPUT` on
/// `bronnen`.
fn bronnen(input: Option<Vec<BronvermeldingInput>>) -> Result<Vec<NewBronvermelding>, AppError> {
    input.unwrap_or_default().into_iter().map(|b| b.parse("bronnen")).collect()
}

impl KengetalInput {
    /// The figure, with its sleutel parsed; a malformed one is `BAD_USER_INPUT` on `kengetallen`.
    fn parse(self) -> Result<NewKengetal, AppError> {
        let sleutel = Sleutel::parse(&self.sleutel).map_err(|_| {
            AppError::bad_input(
                "kengetallen",
                format!("'{}' is not a sleutel for a figure: use lower-case letters, digits and dashes", self.sleutel),
            )
        })?;
        Ok(NewKengetal {
            sleutel,
            soort: self.soort,
            peildatum: self.peildatum.map(|d| d.0),
            waarde: self.waarde,
            eenheid: self.eenheid,
            omschrijving: self.omschrijving,
            opmerking: self.opmerking,
        })
    }
}

/// The record a global ID names as the one that cites, with its key parsed; `BAD_USER_INPUT` on
/// `entiteit` for a kind of record that cannot cite or a malformed key.
fn holder_key(id: &NodeId) -> Result<HolderKey, AppError> {
    const FIELD: &str = "entiteit";
    Ok(match id {
        NodeId::Gemeente(code) => HolderKey::Gemeente(CbsCode::parse(code).in_field(FIELD)?),
        NodeId::AmbtelijkeFusie(sleutel) => HolderKey::AmbtelijkeFusie(Sleutel::parse(sleutel).in_field(FIELD)?),
        NodeId::Herindeling(sleutel) => HolderKey::Herindeling(sleutel.clone()),
        NodeId::Onderzoek(sleutel) => HolderKey::Onderzoek(Sleutel::parse(sleutel).in_field(FIELD)?),
        NodeId::Evaluatie(sleutel) => HolderKey::Evaluatie(Sleutel::parse(sleutel).in_field(FIELD)?),
        NodeId::Provincie(_) | NodeId::Deelname { .. } | NodeId::Kengetal { .. } | NodeId::Bron(_) => {
            return Err(AppError::bad_input(
                FIELD,
                format!(
                    "'{}' cannot cite a source: sources are cited for a Gemeente, AmbtelijkeFusie, Herindeling, Onderzoek or Evaluatie",
                    id.encode()
                ),
            ));
        }
    })
}

#[derive(Default)]
pub struct OnderzoekMutation;

/// Changes to studies, evaluation outcomes and sources.
#[Object]
impl OnderzoekMutation {
    /// Registers a study with the figures it published and its sources.
    async fn registreer_onderzoek(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new study.")] input: RegistreerOnderzoekInput,
    ) -> Result<OnderzoekPayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = RegisterOnderzoek {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            titel: input.titel,
            uitvoerder: input.uitvoerder,
            opdrachtgever: input.opdrachtgever,
            publicatiedatum: input.publicatiedatum.map(|d| d.0),
            url: input.url,
            kamerstuk: input.kamerstuk,
            opmerking: input.opmerking,
            kengetallen: input.kengetallen.into_iter().map(KengetalInput::parse).collect::<Result<_, _>>()?,
            bronnen: bronnen(input.bronnen)?,
        };
        let onderzoek = onderzoek_service::register_onderzoek(&db(ctx)?, &caller.naam, command).await?;
        Ok(OnderzoekPayload { onderzoek: Onderzoek(onderzoek) })
    }

    /// Records the outcome of a study or report, for one ambtelijke fusie or for all a study covered.
    async fn leg_evaluatie_vast(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new evaluation outcome.")] input: LegEvaluatieVastInput,
    ) -> Result<EvaluatiePayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let command = AddEvaluatie {
            sleutel: Sleutel::parse(&input.sleutel).in_field("sleutel")?,
            onderzoek: optional_sleutel("onderzoek", input.onderzoek.as_deref())?,
            ambtelijke_fusie: optional_sleutel("ambtelijkeFusie", input.ambtelijke_fusie.as_deref())?,
            datum: input.datum.map(|d| d.0),
            samenvatting: input.samenvatting,
            tevredenheid: input.tevredenheid,
            voordelen_wegen_op: input.voordelen_wegen_op,
            doelrealisatie: input.doelrealisatie,
            doelrealisatie_toelichting: input.doelrealisatie_toelichting,
            motieven: input
                .motieven
                .into_iter()
                .map(|m| NewMotief { motief: m.motief, toelichting: m.toelichting })
                .collect(),
            doelen: input
                .doelen
                .into_iter()
                .map(|d| NewDoel {
                    doel: d.doel,
                    realisatie: d.realisatie,
                    streefwaarde: d.streefwaarde,
                    gerealiseerde_waarde: d.gerealiseerde_waarde,
                    eenheid: d.eenheid,
                    toelichting: d.toelichting,
                })
                .collect(),
            risicos: input
                .risicos
                .into_iter()
                .map(|r| NewRisico { risico: r.risico, ervaren: r.ervaren, toelichting: r.toelichting })
                .collect(),
            bevindingen: input
                .bevindingen
                .into_iter()
                .map(|b| NewBevinding { omschrijving: b.omschrijving, citaat: b.citaat })
                .collect(),
            opmerking: input.opmerking,
            bronnen: bronnen(input.bronnen)?,
        };
        let evaluatie = onderzoek_service::add_evaluatie(&db(ctx)?, &caller.naam, command).await?;
        Ok(EvaluatiePayload { evaluatie: Evaluatie(evaluatie) })
    }

    /// Cites a source for a record, creating the source when its sleutel is new.
    async fn voeg_bron_toe(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the source it cites.")] input: VoegBronToeInput,
    ) -> Result<BronnenPayload, AppError> {
        let caller = require(ctx, TokenRol::Editor)?;
        let entiteit = NodeId::decode(&input.entiteit)
            .map_err(|_| AppError::bad_input("entiteit", format!("'{}' is not an ID of this API", input.entiteit.0)))?;
        let command = AddBronvermelding { holder: holder_key(&entiteit)?, bronvermelding: input.bron.parse("bron")? };
        let bronnen = bron_service::add_bronvermelding(&db(ctx)?, &caller.naam, command).await?;
        Ok(BronnenPayload {
            bronnen: bronnen
                .into_iter()
                .map(|(bron, vermelding)| Bron { bron, vermelding: Some(vermelding) })
                .collect(),
        })
    }
}
