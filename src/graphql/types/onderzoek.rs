//! Studies, the figures they published, and evaluation outcomes.

use async_graphql::{Context, ID, Object};

use super::bron::{Bron, bronnen};
use super::fusie::AmbtelijkeFusie;
use super::onzekere_velden;
use super::wijziging::{Wijziging, history_of};
use crate::domain::NodeId;
use crate::domain::{Doel, KengetalSoort, Motief, Realisatie, Risico, Tevredenheid};
use crate::entity::{
    evaluatie, evaluatie_bevinding, evaluatie_doel, evaluatie_motief, evaluatie_risico, kengetal, onderzoek,
    onderzoek_fusie,
};
use crate::error::AppError;
use crate::graphql::context::{many, one, required};
use crate::graphql::loaders::{
    BevindingenOfEvaluatie, BronId, BronnenOfEvaluatie, BronnenOfOnderzoek, DoelenOfEvaluatie, EvaluatiesOfOnderzoek,
    FusieId, KengetallenOfOnderzoek, MotievenOfEvaluatie, OnderzoekId, OrganisatiesOfOnderzoek, RisicosOfEvaluatie,
};
use crate::graphql::scalars::Date;

pub struct Onderzoek(pub onderzoek::Model);

/// A study (onderzoek) about ambtelijke fusies, with the figures it published.
#[Object]
impl Onderzoek {
    /// Global ID (Relay), derived from the key.
    pub async fn id(&self) -> ID {
        ID(NodeId::Onderzoek(self.0.sleutel.clone()).encode())
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Onderzoek(self.0.sleutel.clone())).await
    }

    /// Stable key (slug).
    async fn sleutel(&self) -> &str {
        &self.0.sleutel
    }

    /// Title of the study.
    async fn titel(&self) -> &str {
        &self.0.titel
    }

    /// Who performed it.
    async fn uitvoerder(&self) -> &str {
        &self.0.uitvoerder
    }

    /// Who commissioned it.
    async fn opdrachtgever(&self) -> Option<&str> {
        self.0.opdrachtgever.as_deref()
    }

    /// Publication date.
    async fn publicatiedatum(&self) -> Option<Date> {
        self.0.publicatiedatum.map(Date)
    }

    /// Where the study can be read.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Parliamentary reference (Kamerstuk) under which it was sent to parliament.
    async fn kamerstuk(&self) -> Option<&str> {
        self.0.kamerstuk.as_deref()
    }

    /// Fields whose value the sources do not verify.
    async fn onzekere_velden(&self) -> Vec<String> {
        onzekere_velden(&self.0.onzekere_velden)
    }

    /// Note on this record.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// Figures the study published (kengetallen), as the study's claims.
    async fn kengetallen(&self, ctx: &Context<'_>) -> Result<Vec<Kengetal>, AppError> {
        let rows: Vec<_> = many(ctx, KengetallenOfOnderzoek(self.0.id)).await?;
        Ok(rows.into_iter().map(Kengetal).collect())
    }

    /// Evaluation outcomes of the study.
    async fn evaluaties(&self, ctx: &Context<'_>) -> Result<Vec<Evaluatie>, AppError> {
        let rows: Vec<_> = many(ctx, EvaluatiesOfOnderzoek(self.0.id)).await?;
        Ok(rows.into_iter().map(Evaluatie).collect())
    }

    /// Organisations the study counted or described, as far as a source attributes them to it,
    /// each matched to the registry's ambtelijke fusie where the registry holds it. Incomplete when
    /// the study's own list is not known: compare with its published count.
    async fn organisaties(&self, ctx: &Context<'_>) -> Result<Vec<OnderzoekOrganisatie>, AppError> {
        let mut rows: Vec<onderzoek_fusie::Model> = many(ctx, OrganisatiesOfOnderzoek(self.0.id)).await?;
        rows.sort_by_key(|r| r.volgorde);
        Ok(rows.into_iter().map(OnderzoekOrganisatie).collect())
    }

    /// Public sources backing this record.
    async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
        bronnen(ctx, BronnenOfOnderzoek(self.0.id)).await
    }
}

pub struct OnderzoekOrganisatie(pub onderzoek_fusie::Model);

/// An organisation a study counted or described, with the registry's ambtelijke fusie it is.
#[Object]
impl OnderzoekOrganisatie {
    /// The organisation's name as the source gives it.
    async fn naam(&self) -> &str {
        &self.0.naam
    }

    /// The registry's ambtelijke fusie for this organisation; null when the registry does not hold it.
    async fn ambtelijke_fusie(&self, ctx: &Context<'_>) -> Result<Option<AmbtelijkeFusie>, AppError> {
        match self.0.ambtelijke_fusie_id {
            Some(id) => Ok(one(ctx, FusieId(id)).await?.map(AmbtelijkeFusie::from)),
            None => Ok(None),
        }
    }

    /// Whether the registry holds this organisation.
    async fn in_register(&self) -> bool {
        self.0.ambtelijke_fusie_id.is_some()
    }

    /// The source that ties the organisation to the study.
    async fn bron(&self, ctx: &Context<'_>) -> Result<Option<Bron>, AppError> {
        match self.0.bron_id {
            Some(id) => Ok(one(ctx, BronId(id)).await?.map(|bron| Bron { bron, vermelding: None })),
            None => Ok(None),
        }
    }

    /// What the source says about the organisation's place in the study.
    async fn toelichting(&self) -> Option<&str> {
        self.0.toelichting.as_deref()
    }
}

pub struct Kengetal(pub kengetal::Model);

impl Kengetal {
    /// The figure's global ID, made of its study's key and its own key.
    async fn node_id(&self, ctx: &Context<'_>) -> Result<NodeId, AppError> {
        let onderzoek = required(ctx, OnderzoekId(self.0.onderzoek_id)).await?;
        Ok(NodeId::Kengetal { onderzoek: onderzoek.sleutel, sleutel: self.0.sleutel.clone() })
    }
}

/// A figure a study published, e.g. the number of ambtelijke fusieorganisaties on a date.
#[Object]
impl Kengetal {
    /// Global ID (Relay), derived from the study's key and the figure's key.
    pub async fn id(&self, ctx: &Context<'_>) -> Result<ID, AppError> {
        Ok(ID(self.node_id(ctx).await?.encode()))
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &self.node_id(ctx).await?).await
    }

    /// Key of the figure within its study.
    async fn sleutel(&self) -> &str {
        &self.0.sleutel
    }

    /// What kind of figure it is.
    async fn soort(&self) -> KengetalSoort {
        self.0.soort
    }

    /// The date the figure is about.
    async fn peildatum(&self) -> Option<Date> {
        self.0.peildatum.map(Date)
    }

    /// The published value.
    async fn waarde(&self) -> f64 {
        self.0.waarde
    }

    /// Unit of the value, where it is not a plain count.
    async fn eenheid(&self) -> Option<&str> {
        self.0.eenheid.as_deref()
    }

    /// What is counted or measured.
    async fn omschrijving(&self) -> &str {
        &self.0.omschrijving
    }

    /// Note, e.g. on uncertainty about what the figure includes.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// The study that published it.
    async fn onderzoek(&self, ctx: &Context<'_>) -> Result<Onderzoek, AppError> {
        required(ctx, OnderzoekId(self.0.onderzoek_id)).await.map(Onderzoek)
    }
}

pub struct Evaluatie(pub evaluatie::Model);

/// The outcome of a study or report: for one ambtelijke fusie, or for all fusies a study covered.
#[Object]
impl Evaluatie {
    /// Global ID (Relay), derived from the key.
    pub async fn id(&self) -> ID {
        ID(NodeId::Evaluatie(self.0.sleutel.clone()).encode())
    }

    /// The record's formal history: every logged change of it, oldest first, with its time, its
    /// author, whether it corrected the register, and the record's state after it. A shipped
    /// record's first change is the bundled dataset's load.
    async fn geschiedenis(&self, ctx: &Context<'_>) -> Result<Vec<Wijziging>, AppError> {
        history_of(ctx, &NodeId::Evaluatie(self.0.sleutel.clone())).await
    }

    /// Stable key (slug).
    async fn sleutel(&self) -> &str {
        &self.0.sleutel
    }

    /// The study it comes from; null when the outcome is reported by other public sources.
    async fn onderzoek(&self, ctx: &Context<'_>) -> Result<Option<Onderzoek>, AppError> {
        match self.0.onderzoek_id {
            Some(id) => Ok(one(ctx, OnderzoekId(id)).await?.map(Onderzoek)),
            None => Ok(None),
        }
    }

    /// The ambtelijke fusie evaluated; null when the outcome covers all fusies the study covered.
    async fn ambtelijke_fusie(&self, ctx: &Context<'_>) -> Result<Option<AmbtelijkeFusie>, AppError> {
        match self.0.ambtelijke_fusie_id {
            Some(id) => Ok(one(ctx, FusieId(id)).await?.map(AmbtelijkeFusie::from)),
            None => Ok(None),
        }
    }

    /// Date the outcome was published.
    async fn datum(&self) -> Option<Date> {
        self.0.datum.map(Date)
    }

    /// Summary of the outcome.
    async fn samenvatting(&self) -> &str {
        &self.0.samenvatting
    }

    /// Satisfaction of the municipalities.
    async fn tevredenheid(&self) -> Tevredenheid {
        self.0.tevredenheid
    }

    /// Whether the advantages outweigh the disadvantages; null when the source does not say.
    async fn voordelen_wegen_op(&self) -> Option<bool> {
        self.0.voordelen_wegen_op
    }

    /// How far the goals were reached taken together, where the source judges only the goals as a
    /// whole; null when it gives no such judgement. The goals' own `realisatie` then stays ONBEKEND
    /// unless the source gives a result for that goal.
    async fn doelrealisatie(&self) -> Option<Realisatie> {
        self.0.doelrealisatie
    }

    /// What the judgement on the goals as a whole rests on, e.g. the source's words.
    async fn doelrealisatie_toelichting(&self) -> Option<&str> {
        self.0.doelrealisatie_toelichting.as_deref()
    }

    /// Further findings of the outcome, in the source's order.
    async fn bevindingen(&self, ctx: &Context<'_>) -> Result<Vec<EvaluatieBevinding>, AppError> {
        let mut rows: Vec<evaluatie_bevinding::Model> = many(ctx, BevindingenOfEvaluatie(self.0.id)).await?;
        rows.sort_by_key(|r| r.volgorde);
        Ok(rows.into_iter().map(EvaluatieBevinding).collect())
    }

    /// Motives for entering the fusie, in the order the source gives them.
    async fn motieven(&self, ctx: &Context<'_>) -> Result<Vec<EvaluatieMotief>, AppError> {
        let rows: Vec<_> = many(ctx, MotievenOfEvaluatie(self.0.id)).await?;
        Ok(rows.into_iter().map(EvaluatieMotief).collect())
    }

    /// Goals and how far they were reached.
    async fn doelen(&self, ctx: &Context<'_>) -> Result<Vec<EvaluatieDoel>, AppError> {
        let rows: Vec<_> = many(ctx, DoelenOfEvaluatie(self.0.id)).await?;
        Ok(rows.into_iter().map(EvaluatieDoel).collect())
    }

    /// Risks named, and whether they were experienced.
    async fn risicos(&self, ctx: &Context<'_>) -> Result<Vec<EvaluatieRisico>, AppError> {
        let rows: Vec<_> = many(ctx, RisicosOfEvaluatie(self.0.id)).await?;
        Ok(rows.into_iter().map(EvaluatieRisico).collect())
    }

    /// Fields whose value the sources do not verify.
    async fn onzekere_velden(&self) -> Vec<String> {
        onzekere_velden(&self.0.onzekere_velden)
    }

    /// Note on this record.
    async fn opmerking(&self) -> Option<&str> {
        self.0.opmerking.as_deref()
    }

    /// Public sources backing this record.
    async fn bronnen(&self, ctx: &Context<'_>) -> Result<Vec<Bron>, AppError> {
        bronnen(ctx, BronnenOfEvaluatie(self.0.id)).await
    }
}

pub struct EvaluatieMotief(pub evaluatie_motief::Model);

/// A motive recorded by an evaluation.
#[Object]
impl EvaluatieMotief {
    /// The motive.
    async fn motief(&self) -> Motief {
        self.0.motief
    }

    /// Explanation, in particular for ANDERS.
    async fn toelichting(&self) -> Option<&str> {
        self.0.toelichting.as_deref()
    }
}

pub struct EvaluatieBevinding(pub evaluatie_bevinding::Model);

/// A further finding of an evaluation outcome.
#[Object]
impl EvaluatieBevinding {
    /// The finding.
    async fn omschrijving(&self) -> &str {
        &self.0.omschrijving
    }

    /// The source's own words, in Dutch, where recorded.
    async fn citaat(&self) -> Option<&str> {
        self.0.citaat.as_deref()
    }
}

pub struct EvaluatieDoel(pub evaluatie_doel::Model);

/// A goal recorded by an evaluation, with how far it was reached.
#[Object]
impl EvaluatieDoel {
    /// The goal.
    async fn doel(&self) -> Doel {
        self.0.doel
    }

    /// How far this goal was reached, as far as a source says so for this goal; ONBEKEND when a
    /// source judges only the goals as a whole (see `Evaluatie.doelrealisatie`).
    async fn realisatie(&self) -> Realisatie {
        self.0.realisatie
    }

    /// Target value, for a quantified goal (e.g. a saving).
    async fn streefwaarde(&self) -> Option<f64> {
        self.0.streefwaarde
    }

    /// Value reached, for a quantified goal.
    async fn gerealiseerde_waarde(&self) -> Option<f64> {
        self.0.gerealiseerde_waarde
    }

    /// Unit of the values, e.g. EUR.
    async fn eenheid(&self) -> Option<&str> {
        self.0.eenheid.as_deref()
    }

    /// Explanation.
    async fn toelichting(&self) -> Option<&str> {
        self.0.toelichting.as_deref()
    }
}

pub struct EvaluatieRisico(pub evaluatie_risico::Model);

/// A risk recorded by an evaluation.
#[Object]
impl EvaluatieRisico {
    /// The risk.
    async fn risico(&self) -> Risico {
        self.0.risico
    }

    /// Whether the participants experienced it; null when the source does not say.
    async fn ervaren(&self) -> Option<bool> {
        self.0.ervaren
    }

    /// Explanation.
    async fn toelichting(&self) -> Option<&str> {
        self.0.toelichting.as_deref()
    }
}
