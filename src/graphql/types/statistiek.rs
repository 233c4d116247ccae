//! The registry's counts for one reference date, beside the study figures for that date.

use async_graphql::Object;

use super::gemeente::Provincie;
use super::onderzoek::{Kengetal, OnderzoekOrganisatie};
use crate::domain::{Reikwijdte, Vorm};
use crate::graphql::scalars::Date;
use crate::store::statistiek as telling;

pub struct Statistiek(pub telling::Statistiek);

/// Counts of the registry on one reference date (peildatum). The headline counts of ambtelijke
/// fusies cover reikwijdte VOLLEDIG only; partial cooperations are counted apart.
#[Object]
impl Statistiek {
    /// The reference date counted.
    async fn peildatum(&self) -> Date {
        Date(self.0.peildatum)
    }

    /// Municipalities existing on the date.
    async fn aantal_gemeenten(&self) -> u64 {
        self.0.aantal_gemeenten
    }

    /// Ambtelijke fusies of reikwijdte VOLLEDIG running on the date, both forms.
    async fn aantal_ambtelijke_fusies(&self) -> u64 {
        self.0.aantal_ambtelijke_fusies
    }

    /// Fusieorganisaties of reikwijdte VOLLEDIG running on the date.
    async fn aantal_fusieorganisaties(&self) -> u64 {
        self.0.aantal_fusieorganisaties
    }

    /// Centrumconstructies of reikwijdte VOLLEDIG running on the date.
    async fn aantal_centrumconstructies(&self) -> u64 {
        self.0.aantal_centrumconstructies
    }

    /// Partial cooperations (reikwijdte GEDEELTELIJK) running on the date, not in the counts above.
    async fn aantal_gedeeltelijke_samenwerkingen(&self) -> u64 {
        self.0.aantal_gedeeltelijke_samenwerkingen
    }

    /// Distinct municipalities taking part in an ambtelijke fusie of reikwijdte VOLLEDIG on the date.
    async fn aantal_deelnemende_gemeenten(&self) -> u64 {
        self.0.aantal_deelnemende_gemeenten
    }

    /// Counts per form and scope.
    async fn per_vorm(&self) -> Vec<VormStatistiek> {
        self.0.per_vorm.iter().cloned().map(VormStatistiek).collect()
    }

    /// Counts per province, ordered by province name.
    async fn per_provincie(&self) -> Vec<ProvincieStatistiek> {
        self.0.per_provincie.iter().cloned().map(ProvincieStatistiek).collect()
    }

    /// Figures that studies published for this date, each beside the registry's own count.
    async fn kengetallen(&self) -> Vec<KengetalVergelijking> {
        self.0.kengetallen.iter().cloned().map(KengetalVergelijking).collect()
    }
}

pub struct VormStatistiek(telling::VormTelling);

/// Count of ambtelijke fusies of one form and scope.
#[Object]
impl VormStatistiek {
    /// The form.
    async fn vorm(&self) -> Vorm {
        self.0.vorm
    }

    /// The scope.
    async fn reikwijdte(&self) -> Reikwijdte {
        self.0.reikwijdte
    }

    /// Number running on the date.
    async fn aantal(&self) -> u64 {
        self.0.aantal
    }

    /// Distinct municipalities taking part in them on the date.
    async fn aantal_deelnemende_gemeenten(&self) -> u64 {
        self.0.aantal_deelnemende_gemeenten
    }
}

pub struct ProvincieStatistiek(telling::ProvincieTelling);

/// Counts for one province on the date.
#[Object]
impl ProvincieStatistiek {
    /// The province.
    async fn provincie(&self) -> Provincie {
        Provincie(self.0.provincie.clone())
    }

    /// Municipalities of the province existing on the date.
    async fn aantal_gemeenten(&self) -> u64 {
        self.0.aantal_gemeenten
    }

    /// Of those, the ones in an ambtelijke fusie of reikwijdte VOLLEDIG.
    async fn aantal_deelnemende_gemeenten(&self) -> u64 {
        self.0.aantal_deelnemende_gemeenten
    }

    /// Ambtelijke fusies of reikwijdte VOLLEDIG with at least one participant in the province.
    async fn aantal_ambtelijke_fusies(&self) -> u64 {
        self.0.aantal_ambtelijke_fusies
    }
}

pub struct KengetalVergelijking(telling::KengetalVergelijking);

/// A figure a study published for the date, beside what the registry counts.
#[Object]
impl KengetalVergelijking {
    /// The published figure (the study's claim).
    async fn kengetal(&self) -> Kengetal {
        Kengetal(self.0.kengetal.clone())
    }

    /// The registry's own count of the same thing from its records: for a count of ambtelijke
    /// fusieorganisaties, the ambtelijke fusies of reikwijdte VOLLEDIG (both forms); for a count
    /// of municipalities, the distinct participants of those. Null when there is no counterpart.
    async fn register_waarde(&self) -> Option<u64> {
        self.0.register_waarde
    }

    /// Published value minus the registry's count; null when there is no counterpart.
    async fn verschil(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.0.register_waarde.map(|register| self.0.kengetal.waarde - register as f64)
    }

    /// For a count of organisations: which of the organisations the study counted are known, and
    /// whether the registry holds them. Null for other figures.
    async fn dekking(&self) -> Option<OnderzoekDekking> {
        self.0
            .organisaties
            .as_ref()
            .map(|organisaties| OnderzoekDekking { waarde: self.0.kengetal.waarde, organisaties: organisaties.clone() })
    }
}

pub struct OnderzoekDekking {
    waarde: f64,
    organisaties: Vec<crate::entity::onderzoek_fusie::Model>,
}

/// The organisations behind a study's count, as far as sources attribute them to the study.
#[Object]
impl OnderzoekDekking {
    /// Organisations attributed to the study that the registry holds.
    async fn in_register(&self) -> Vec<OnderzoekOrganisatie> {
        self.organisaties
            .iter()
            .filter(|o| o.ambtelijke_fusie_id.is_some())
            .cloned()
            .map(OnderzoekOrganisatie)
            .collect()
    }

    /// Organisations attributed to the study that the registry lacks.
    async fn niet_in_register(&self) -> Vec<OnderzoekOrganisatie> {
        self.organisaties
            .iter()
            .filter(|o| o.ambtelijke_fusie_id.is_none())
            .cloned()
            .map(OnderzoekOrganisatie)
            .collect()
    }

    /// How many of the organisations counted no known source attributes to the study: the
    /// published value minus the attributed ones (never below zero).
    async fn aantal_niet_toegeschreven(&self) -> u64 {
        let bekend = u64::try_from(self.organisaties.len()).unwrap_or(u64::MAX);
        // A count is a small whole number; anything else leaves nothing unattributed.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let gepubliceerd = if self.waarde.is_finite() && self.waarde > 0.0 { self.waarde.round() as u64 } else { 0 };
        gepubliceerd.saturating_sub(bekend)
    }
}
