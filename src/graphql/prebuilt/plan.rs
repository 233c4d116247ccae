//! What a selection asks of a municipality and of the types below it, read from the document once
//! for all the rows it will answer for. Only what [`super::build`] can answer is planned: any
//! other field, a directive, an argument other than a `peildatum`, a fragment on a type it does
//! not know or a response key asked twice gives no plan, and the resolvers answer instead.

use std::collections::HashMap;

use async_graphql::parser::types::{Field, FragmentDefinition, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Context, InputType, Name, Positioned, Value, Variables};
use chrono::NaiveDate;

use crate::domain::{HerindelingRol, Vorm};
use crate::graphql::scalars::Date;

/// The fields asked of one type, in document order, each under its response key.
pub type Plan<F> = Vec<(Name, F)>;

/// A field of `Gemeente` that the built path answers.
pub enum GemeenteVeld {
    Typename,
    Id,
    Code,
    Naam,
    Begindatum,
    Einddatum,
    TooiUri,
    Opmerking,
    Versie,
    Provincie(Plan<ProvincieVeld>),
    AmbtelijkeFusies(Option<NaiveDate>, Plan<FusieVeld>),
    Deelnames(Option<NaiveDate>, Plan<DeelnameVeld>),
    Herindelingen(Plan<HerindelingVeld>),
}

/// A field of `Herindeling` that the built path answers.
pub enum HerindelingVeld {
    Typename,
    Id,
    Sleutel,
    Soort,
    Datum,
    TooiUri,
    Opmerking,
    /// `opgeheven`, `ontvangend` or `nieuw`: the municipalities with that role.
    Gemeenten(HerindelingRol, Plan<GemeenteVeld>),
}

/// A field of `Provincie` that the built path answers.
pub enum ProvincieVeld {
    Typename,
    Id,
    Code,
    Naam,
    TooiUri,
}

/// A field of an ambtelijke fusie, with the form it is limited to when it was asked in a
/// fragment on `Fusieorganisatie` or `Centrumconstructie`.
pub struct FusieVeld {
    pub only: Option<Vorm>,
    pub veld: FusieVeldSoort,
}

/// What a [`FusieVeld`] asks.
pub enum FusieVeldSoort {
    Typename,
    Id,
    Sleutel,
    Naam,
    Afkorting,
    Vorm,
    Rechtsvorm,
    RechtsvormOmschrijving,
    Reikwijdte,
    Begindatum,
    Einddatum,
    Eindreden,
    EindredenToelichting,
    TooiSoId,
    CbsGrCode,
    OnzekereVelden,
    Opmerking,
    Versie,
    Deelnames(Option<NaiveDate>, Plan<DeelnameVeld>),
    /// The participating municipalities, any role.
    Gemeenten(Option<NaiveDate>, Plan<GemeenteVeld>),
}

/// A field of `Deelname` that the built path answers.
pub enum DeelnameVeld {
    Typename,
    Rol,
    Begindatum,
    Einddatum,
    Taken,
    OnzekereVelden,
    Opmerking,
    Versie,
    Gemeente(Plan<GemeenteVeld>),
}

/// Which objects a fragment's type condition applies to: none (the fragment does not fit the
/// type, so no plan), all of them, or only the fusies of one form.
type Applies = Option<Option<Vorm>>;

/// A field of a selection under its response key, with the form of fusie it is limited to.
type Collected<'a> = (Name, Option<Vorm>, &'a Positioned<Field>);

/// The parts of the executed document a plan is read from.
pub struct Document<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
}

impl<'a> Document<'a> {
    /// The document of the request `ctx` belongs to.
    pub fn of(ctx: &Context<'a>) -> Self {
        // `query_env` is public but hidden in async-graphql's documentation; the version is
        // pinned exactly (Cargo.toml), and the tests compare every answer with the resolvers'.
        let env = ctx.query_env;
        Self { fragments: &env.fragments, operation: &env.operation.node, variables: &env.variables }
    }

    /// The fields of `set` that apply to an object answering to one of `names`, fragments
    /// spread, in document order. `None` when the set holds a directive, a fragment on another
    /// type, or a response key twice.
    pub fn fields(&self, set: &'a SelectionSet, names: &[&str]) -> Option<Vec<(Name, &'a Positioned<Field>)>> {
        let fields = self.fields_where(set, &|condition| names.contains(&condition).then_some(None))?;
        Some(fields.into_iter().map(|(key, _, field)| (key, field)).collect())
    }

    fn fields_where(&self, set: &'a SelectionSet, applies: &dyn Fn(&str) -> Applies) -> Option<Vec<Collected<'a>>> {
        let mut found = Vec::new();
        self.collect(set, applies, None, &mut found)?;
        let mut keys: Vec<&Name> = found.iter().map(|(key, _, _)| key).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|pair| pair[0] == pair[1]) {
            return None;
        }
        Some(found)
    }

    fn collect(
        &self,
        set: &'a SelectionSet,
        applies: &dyn Fn(&str) -> Applies,
        within: Option<Vorm>,
        found: &mut Vec<Collected<'a>>,
    ) -> Option<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !field.node.directives.is_empty() {
                        return None;
                    }
                    found.push((field.node.response_key().node.clone(), within, field));
                }
                Selection::FragmentSpread(spread) => {
                    let fragment = &self.fragments.get(&spread.node.fragment_name.node)?.node;
                    if !spread.node.directives.is_empty() || !fragment.directives.is_empty() {
                        return None;
                    }
                    let limited = narrowed(within, applies(&fragment.type_condition.node.on.node)?)?;
                    self.collect(&fragment.selection_set.node, applies, limited, found)?;
                }
                Selection::InlineFragment(inline) => {
                    if !inline.node.directives.is_empty() {
                        return None;
                    }
                    let limited = match &inline.node.type_condition {
                        Some(condition) => narrowed(within, applies(&condition.node.on.node)?)?,
                        None => within,
                    };
                    self.collect(&inline.node.selection_set.node, applies, limited, found)?;
                }
            }
        }
        Some(())
    }

    /// The plan for a municipality's selection `set`.
    pub fn gemeente(&self, set: &'a SelectionSet) -> Option<Plan<GemeenteVeld>> {
        let fields = self.fields(set, &["Gemeente", "Node"])?;
        fields
            .into_iter()
            .map(|(key, field)| {
                let field = &field.node;
                let veld = match field.name.node.as_str() {
                    "provincie" => GemeenteVeld::Provincie(self.provincie(without_arguments(field)?)?),
                    "ambtelijkeFusies" => {
                        GemeenteVeld::AmbtelijkeFusies(self.peildatum(field)?, self.fusie(&field.selection_set.node)?)
                    }
                    "deelnames" => {
                        GemeenteVeld::Deelnames(self.peildatum(field)?, self.deelname(&field.selection_set.node)?)
                    }
                    "herindelingen" => GemeenteVeld::Herindelingen(self.herindeling(without_arguments(field)?)?),
                    name => {
                        without_arguments(field)?;
                        match name {
                            "__typename" => GemeenteVeld::Typename,
                            "id" => GemeenteVeld::Id,
                            "code" => GemeenteVeld::Code,
                            "naam" => GemeenteVeld::Naam,
                            "begindatum" => GemeenteVeld::Begindatum,
                            "einddatum" => GemeenteVeld::Einddatum,
                            "tooiUri" => GemeenteVeld::TooiUri,
                            "opmerking" => GemeenteVeld::Opmerking,
                            "versie" => GemeenteVeld::Versie,
                            _ => return None,
                        }
                    }
                };
                Some((key, veld))
            })
            .collect()
    }

    fn herindeling(&self, set: &'a SelectionSet) -> Option<Plan<HerindelingVeld>> {
        let fields = self.fields(set, &["Herindeling", "Node"])?;
        fields
            .into_iter()
            .map(|(key, field)| {
                let field = &field.node;
                let set = without_arguments(field)?;
                let veld = match field.name.node.as_str() {
                    "__typename" => HerindelingVeld::Typename,
                    "id" => HerindelingVeld::Id,
                    "sleutel" => HerindelingVeld::Sleutel,
                    "soort" => HerindelingVeld::Soort,
                    "datum" => HerindelingVeld::Datum,
                    "tooiUri" => HerindelingVeld::TooiUri,
                    "opmerking" => HerindelingVeld::Opmerking,
                    "opgeheven" => HerindelingVeld::Gemeenten(HerindelingRol::Opgeheven, self.gemeente(set)?),
                    "ontvangend" => HerindelingVeld::Gemeenten(HerindelingRol::Ontvangend, self.gemeente(set)?),
                    "nieuw" => HerindelingVeld::Gemeenten(HerindelingRol::Nieuw, self.gemeente(set)?),
                    _ => return None,
                };
                Some((key, veld))
            })
            .collect()
    }

    fn provincie(&self, set: &'a SelectionSet) -> Option<Plan<ProvincieVeld>> {
        let fields = self.fields(set, &["Provincie", "Node"])?;
        fields
            .into_iter()
            .map(|(key, field)| {
                let field = &field.node;
                without_arguments(field)?;
                let veld = match field.name.node.as_str() {
                    "__typename" => ProvincieVeld::Typename,
                    "id" => ProvincieVeld::Id,
                    "code" => ProvincieVeld::Code,
                    "naam" => ProvincieVeld::Naam,
                    "tooiUri" => ProvincieVeld::TooiUri,
                    _ => return None,
                };
                Some((key, veld))
            })
            .collect()
    }

    /// The plan for an ambtelijke fusie's selection `set`.
    pub fn fusie(&self, set: &'a SelectionSet) -> Option<Plan<FusieVeld>> {
        let fields = self.fields_where(set, &|condition| match condition {
            "AmbtelijkeFusie" | "Node" => Some(None),
            "Fusieorganisatie" => Some(Some(Vorm::Fusieorganisatie)),
            "Centrumconstructie" => Some(Some(Vorm::Centrumconstructie)),
            _ => None,
        })?;
        fields
            .into_iter()
            .map(|(key, only, field)| {
                let field = &field.node;
                let veld = match field.name.node.as_str() {
                    "deelnames" => {
                        FusieVeldSoort::Deelnames(self.peildatum(field)?, self.deelname(&field.selection_set.node)?)
                    }
                    "gemeenten" => {
                        FusieVeldSoort::Gemeenten(self.peildatum(field)?, self.gemeente(&field.selection_set.node)?)
                    }
                    name => {
                        without_arguments(field)?;
                        match name {
                            "__typename" => FusieVeldSoort::Typename,
                            "id" => FusieVeldSoort::Id,
                            "sleutel" => FusieVeldSoort::Sleutel,
                            "naam" => FusieVeldSoort::Naam,
                            "afkorting" => FusieVeldSoort::Afkorting,
                            "vorm" => FusieVeldSoort::Vorm,
                            "rechtsvorm" => FusieVeldSoort::Rechtsvorm,
                            "rechtsvormOmschrijving" => FusieVeldSoort::RechtsvormOmschrijving,
                            "reikwijdte" => FusieVeldSoort::Reikwijdte,
                            "begindatum" => FusieVeldSoort::Begindatum,
                            "einddatum" => FusieVeldSoort::Einddatum,
                            "eindreden" => FusieVeldSoort::Eindreden,
                            "eindredenToelichting" => FusieVeldSoort::EindredenToelichting,
                            "tooiSoId" => FusieVeldSoort::TooiSoId,
                            "cbsGrCode" => FusieVeldSoort::CbsGrCode,
                            "onzekereVelden" => FusieVeldSoort::OnzekereVelden,
                            "opmerking" => FusieVeldSoort::Opmerking,
                            "versie" => FusieVeldSoort::Versie,
                            _ => return None,
                        }
                    }
                };
                Some((key, FusieVeld { only, veld }))
            })
            .collect()
    }

    fn deelname(&self, set: &'a SelectionSet) -> Option<Plan<DeelnameVeld>> {
        let fields = self.fields(set, &["Deelname", "Node"])?;
        fields
            .into_iter()
            .map(|(key, field)| {
                let field = &field.node;
                let veld = match field.name.node.as_str() {
                    "gemeente" => DeelnameVeld::Gemeente(self.gemeente(without_arguments(field)?)?),
                    name => {
                        without_arguments(field)?;
                        match name {
                            "__typename" => DeelnameVeld::Typename,
                            "rol" => DeelnameVeld::Rol,
                            "begindatum" => DeelnameVeld::Begindatum,
                            "einddatum" => DeelnameVeld::Einddatum,
                            "taken" => DeelnameVeld::Taken,
                            "onzekereVelden" => DeelnameVeld::OnzekereVelden,
                            "opmerking" => DeelnameVeld::Opmerking,
                            "versie" => DeelnameVeld::Versie,
                            _ => return None,
                        }
                    }
                };
                Some((key, veld))
            })
            .collect()
    }

    /// The `peildatum` argument of `field`, its only argument; `None` for any other argument or
    /// a value the `Date` scalar refuses (the resolvers then answer with the coded error).
    fn peildatum(&self, field: &Field) -> Option<Option<NaiveDate>> {
        let mut peildatum = None;
        for (name, value) in &field.arguments {
            if name.node != "peildatum" {
                return None;
            }
            let value = value.node.clone().into_const_with(|variable| self.variable(&variable).ok_or(()));
            peildatum = <Option<Date>>::parse(Some(value.ok()?)).ok()?.map(|Date(d)| d);
        }
        Some(peildatum)
    }

    /// A variable's value as async-graphql reads it: given, or else its declared default.
    fn variable(&self, name: &Name) -> Option<Value> {
        let declared = self.operation.variable_definitions.iter().find(|d| &d.node.name.node == name)?;
        self.variables.get(name).or_else(|| declared.node.default_value()).cloned()
    }
}

/// The selection set of `field`, when it has no arguments.
fn without_arguments(field: &Field) -> Option<&SelectionSet> {
    field.arguments.is_empty().then_some(&field.selection_set.node)
}

/// The limit of a fragment of `applies` inside one limited to `within`; `None` when the two
/// limits exclude each other.
fn narrowed(within: Option<Vorm>, applies: Option<Vorm>) -> Option<Option<Vorm>> {
    match (within, applies) {
        (Some(a), Some(b)) if a != b => None,
        (Some(a), _) | (None, Some(a)) => Some(Some(a)),
        (None, None) => Some(None),
    }
}
