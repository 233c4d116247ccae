//! The registry's enumerations, each defined once: the same type is a database column
//! (stored as its upper-case name) and a GraphQL enum.

use async_graphql::Enum;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};

/// The two forms of an ambtelijke fusie described in the 2016 BZK study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Vorm {
    /// A new organisation employs the civil servants of all participants and serves them all.
    #[sea_orm(string_value = "FUSIEORGANISATIE")]
    Fusieorganisatie,
    /// One municipality (the centrumgemeente) provides the civil service to one or more others.
    #[sea_orm(string_value = "CENTRUMCONSTRUCTIE")]
    Centrumconstructie,
}

/// Legal form of the arrangement under the Wet gemeenschappelijke regelingen (Wgr), or outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Rechtsvorm {
    /// Public body with legal personality (Wgr art. 8).
    #[sea_orm(string_value = "OPENBAAR_LICHAAM")]
    OpenbaarLichaam,
    /// Business-operations body with legal personality (Wgr, since 2015).
    #[sea_orm(string_value = "BEDRIJFSVOERINGSORGANISATIE")]
    Bedrijfsvoeringsorganisatie,
    /// Joint body without legal personality.
    #[sea_orm(string_value = "GEMEENSCHAPPELIJK_ORGAAN")]
    GemeenschappelijkOrgaan,
    /// Centrumgemeente arrangement: one municipality performs tasks for the others.
    #[sea_orm(string_value = "CENTRUMGEMEENTEREGELING")]
    Centrumgemeenteregeling,
    /// Wgr arrangement without a body of its own ("regeling zonder meer").
    #[sea_orm(string_value = "REGELING_ZONDER_MEER")]
    RegelingZonderMeer,
    /// Private-law contract (e.g. a service agreement), outside the Wgr.
    #[sea_orm(string_value = "PRIVAATRECHTELIJK")]
    Privaatrechtelijk,
    /// The sources do not establish the legal form.
    #[sea_orm(string_value = "ONBEKEND")]
    Onbekend,
}

/// Scope of an ambtelijke fusie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Reikwijdte {
    /// The whole civil service of the participants is pooled.
    #[sea_orm(string_value = "VOLLEDIG")]
    Volledig,
    /// Only some tasks are pooled (e.g. back office); often mislabelled as a fusion.
    #[sea_orm(string_value = "GEDEELTELIJK")]
    Gedeeltelijk,
}

/// Why an ambtelijke fusie ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Eindreden {
    /// The participants merged into one municipality (herindeling).
    #[sea_orm(string_value = "HERINDELING")]
    Herindeling,
    /// The participants disentangled and went back to civil services of their own.
    #[sea_orm(string_value = "ONTVLOCHTEN")]
    Ontvlochten,
    /// The arrangement was dissolved for another reason.
    #[sea_orm(string_value = "OPGEHEVEN")]
    Opgeheven,
    /// The participants continued in another cooperation.
    #[sea_orm(string_value = "OPGEGAAN_IN_ANDERE_SAMENWERKING")]
    OpgegaanInAndereSamenwerking,
    /// The sources do not say why it ended.
    #[sea_orm(string_value = "ONBEKEND")]
    Onbekend,
}

/// Role of a municipality in an ambtelijke fusie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Rol {
    /// Participant of a fusieorganisatie.
    #[sea_orm(string_value = "DEELNEMER")]
    Deelnemer,
    /// Host municipality of a centrumconstructie, providing the civil service.
    #[sea_orm(string_value = "CENTRUMGEMEENTE")]
    Centrumgemeente,
    /// Municipality served by the centrumgemeente of a centrumconstructie.
    #[sea_orm(string_value = "AFNEMER")]
    Afnemer,
}

/// Kind of herindeling, as the TOOI register types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum HerindelingSoort {
    /// Municipalities merge into a new municipality with a new code.
    #[sea_orm(string_value = "SAMENVOEGING")]
    Samenvoeging,
    /// Municipalities are absorbed into an existing one.
    #[sea_orm(string_value = "UITBREIDING")]
    Uitbreiding,
    /// A municipality is re-established under a new code, typically a renaming after a reshuffle.
    #[sea_orm(string_value = "HERSCHIKKING")]
    Herschikking,
    /// Part of a municipality is split off to another.
    #[sea_orm(string_value = "AFSPLITSING")]
    Afsplitsing,
}

/// Role of a municipality in a herindeling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum HerindelingRol {
    /// Abolished: ceases to exist the day before the herindeling.
    #[sea_orm(string_value = "OPGEHEVEN")]
    Opgeheven,
    /// Existing municipality that receives territory and continues.
    #[sea_orm(string_value = "ONTVANGEND")]
    Ontvangend,
    /// Municipality created by the herindeling.
    #[sea_orm(string_value = "NIEUW")]
    Nieuw,
}

/// Kind of figure a study published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(60))")]
pub enum KengetalSoort {
    /// Number of ambtelijke fusieorganisaties the study counted.
    #[sea_orm(string_value = "AANTAL_AMBTELIJKE_FUSIEORGANISATIES")]
    AantalAmbtelijkeFusieorganisaties,
    /// Number of municipalities taking part in them.
    #[sea_orm(string_value = "AANTAL_DEELNEMENDE_GEMEENTEN")]
    AantalDeelnemendeGemeenten,
    /// Any other figure; see its description.
    #[sea_orm(string_value = "OVERIG")]
    Overig,
}

/// Overall satisfaction of the municipalities with their ambtelijke fusie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Tevredenheid {
    /// Satisfied: the fusion contributes to the goals.
    #[sea_orm(string_value = "TEVREDEN")]
    Tevreden,
    /// Mixed judgement.
    #[sea_orm(string_value = "GEMENGD")]
    Gemengd,
    /// Dissatisfied.
    #[sea_orm(string_value = "ONTEVREDEN")]
    Ontevreden,
    /// The source does not report satisfaction.
    #[sea_orm(string_value = "ONBEKEND")]
    Onbekend,
}

/// Motive for entering an ambtelijke fusie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(60))")]
pub enum Motief {
    /// More capacity to deliver (uitvoeringskracht).
    #[sea_orm(string_value = "UITVOERINGSKRACHT")]
    Uitvoeringskracht,
    /// A stronger position in the region.
    #[sea_orm(string_value = "POSITIE_IN_REGIO")]
    PositieInRegio,
    /// Preventing or anticipating a municipal merger (herindeling).
    #[sea_orm(string_value = "HERINDELING_VOORKOMEN_OF_VOORUITLOPEN")]
    HerindelingVoorkomenOfVooruitlopen,
    /// Carrying through a reorganisation.
    #[sea_orm(string_value = "REORGANISATIE")]
    Reorganisatie,
    /// Another motive; see the explanation.
    #[sea_orm(string_value = "ANDERS")]
    Anders,
}

/// Goal of an ambtelijke fusie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(60))")]
pub enum Doel {
    /// Better internal and external service (dienstverlening).
    #[sea_orm(string_value = "DIENSTVERLENING")]
    Dienstverlening,
    /// A less vulnerable civil service (kwetsbaarheid).
    #[sea_orm(string_value = "KWETSBAARHEID")]
    Kwetsbaarheid,
    /// Controlling or reducing overhead costs (bedrijfsvoeringslasten).
    #[sea_orm(string_value = "BEDRIJFSVOERINGSLASTEN")]
    Bedrijfsvoeringslasten,
    /// Higher quality of the work.
    #[sea_orm(string_value = "KWALITEIT")]
    Kwaliteit,
    /// Another goal; see the explanation.
    #[sea_orm(string_value = "ANDERS")]
    Anders,
}

/// To what extent a goal was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Realisatie {
    /// The goal was reached.
    #[sea_orm(string_value = "GEREALISEERD")]
    Gerealiseerd,
    /// The goal was partly reached.
    #[sea_orm(string_value = "DEELS_GEREALISEERD")]
    DeelsGerealiseerd,
    /// The goal was not reached.
    #[sea_orm(string_value = "NIET_GEREALISEERD")]
    NietGerealiseerd,
    /// The source does not say whether it was reached.
    #[sea_orm(string_value = "ONBEKEND")]
    Onbekend,
}

/// Risk of an ambtelijke fusie named by a study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(60))")]
pub enum Risico {
    /// The political primacy of the council and executive comes under pressure.
    #[sea_orm(string_value = "POLITIEK_PRIMAAT")]
    PolitiekPrimaat,
    /// Local policy freedom comes under pressure.
    #[sea_orm(string_value = "LOKALE_BELEIDSVRIJHEID")]
    LokaleBeleidsvrijheid,
    /// A change of key figures changes the dynamics and views on the fusion.
    #[sea_orm(string_value = "WISSELING_SLEUTELFIGUREN")]
    WisselingSleutelfiguren,
    /// Diverging motives and goals among the participants hurt the organisation.
    #[sea_orm(string_value = "UITEENLOPENDE_MOTIEVEN_EN_DOELEN")]
    UiteenlopendeMotievenEnDoelen,
    /// Another risk; see the explanation.
    #[sea_orm(string_value = "ANDERS")]
    Anders,
}

/// Role of an API token. Reads need no token; every write needs at least `EDITOR`, and an
/// `ADMIN` may do everything an editor may, plus deleting to correct mistakes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum TokenRol {
    /// May register and change records of the registry.
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    /// May do everything an editor may, and delete records to correct mistakes.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

impl TokenRol {
    /// Whether a token with this role may do what needs `required`: an admin may do everything an
    /// editor may.
    pub fn allows(self, required: TokenRol) -> bool {
        self.rank() >= required.rank()
    }

    /// The role as typed on the command line (`editor`, `admin`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    /// Position in the order of privilege; explicit so that reordering the variants changes nothing.
    fn rank(self) -> u8 {
        match self {
            Self::Editor => 1,
            Self::Admin => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TokenRol;

    #[test]
    fn an_admin_may_do_what_an_editor_may_but_not_the_reverse() {
        assert!(TokenRol::Admin.allows(TokenRol::Editor));
        assert!(TokenRol::Admin.allows(TokenRol::Admin));
        assert!(TokenRol::Editor.allows(TokenRol::Editor));
        assert!(!TokenRol::Editor.allows(TokenRol::Admin));
    }

    #[test]
    fn the_command_line_spells_roles_in_lower_case() {
        use clap::ValueEnum;
        for rol in TokenRol::value_variants() {
            let parsed = TokenRol::from_str(rol.cli_name(), false);
            assert_eq!(parsed, Ok(*rol));
        }
        assert!(TokenRol::from_str("EDITOR", false).is_err());
    }
}
