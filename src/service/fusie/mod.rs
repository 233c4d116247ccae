//! Writing ambtelijke fusies and their deelnames, keeping rules 2–5 of the registry: one module
//! per kind of use-case, each taking a typed command parsed at the edge (resolver or import).

mod change;
mod deelname;
mod register;

pub use change::{
    ChangeAmbtelijkeFusie, EndAmbtelijkeFusie, change_ambtelijke_fusie, delete_ambtelijke_fusie, end_ambtelijke_fusie,
};
pub(crate) use deelname::end_running;
pub use deelname::{
    AddDeelname, DeleteDeelname, EndDeelname, add_deelname, add_deelname_in, delete_deelname, end_deelname,
};
pub use register::{
    NewFusie, RegisterCentrumconstructie, RegisterFusieorganisatie, register_centrumconstructie,
    register_centrumconstructie_in, register_fusieorganisatie, register_fusieorganisatie_in,
};
