//! sea-orm entities: plain table rows, no GraphQL. The API wraps them (see `graphql::types`),
//! so a column rename never breaks a client.

pub mod ambtelijke_fusie;
pub mod api_token;
pub mod bron;
pub mod bronvermelding;
pub mod deelname;
pub mod evaluatie;
pub mod evaluatie_bevinding;
pub mod evaluatie_doel;
pub mod evaluatie_motief;
pub mod evaluatie_risico;
pub mod gemeente;
pub mod herindeling;
pub mod herindeling_gemeente;
pub mod kengetal;
pub mod onderzoek;
pub mod onderzoek_fusie;
pub mod provincie;
pub mod register_teller;
pub mod wijziging;
