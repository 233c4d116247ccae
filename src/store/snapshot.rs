//! A record as stored, as JSON: what the change log keeps beside each change (`gegevens`), so
//! that the log tells what a record looked like right after every change, also after later
//! changes or its deletion.
//!
//! The snapshot is the record's own row, read in the write's transaction just before the change
//! is logged, column by column under the database's column names. Its foreign keys are the
//! registry's internal row numbers; the change's `entiteitId` names the record publicly.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::domain::NodeId;
use crate::entity::{
    ambtelijke_fusie, bron, deelname, evaluatie, gemeente, herindeling, kengetal, onderzoek, provincie,
};

/// The row of the record `id` as JSON; `None` when it does not exist (it was deleted).
///
/// # Errors
/// A database error.
pub async fn of(db: &impl ConnectionTrait, id: &NodeId) -> Result<Option<Value>, DbErr> {
    match id {
        NodeId::Provincie(code) => {
            provincie::Entity::find().filter(provincie::Column::Code.eq(code.as_str())).into_json().one(db).await
        }
        NodeId::Gemeente(code) => {
            gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).into_json().one(db).await
        }
        NodeId::AmbtelijkeFusie(sleutel) => {
            let by_key = ambtelijke_fusie::Column::Sleutel.eq(sleutel.as_str());
            ambtelijke_fusie::Entity::find().filter(by_key).into_json().one(db).await
        }
        NodeId::Herindeling(sleutel) => {
            let by_key = herindeling::Column::Sleutel.eq(sleutel.as_str());
            herindeling::Entity::find().filter(by_key).into_json().one(db).await
        }
        NodeId::Onderzoek(sleutel) => {
            onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Evaluatie(sleutel) => {
            evaluatie::Entity::find().filter(evaluatie::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Bron(sleutel) => {
            bron::Entity::find().filter(bron::Column::Sleutel.eq(sleutel.as_str())).into_json().one(db).await
        }
        NodeId::Kengetal { onderzoek: study, sleutel } => {
            let Some(study) =
                onderzoek::Entity::find().filter(onderzoek::Column::Sleutel.eq(study.as_str())).one(db).await?
            else {
                return Ok(None);
            };
            kengetal::Entity::find()
                .filter(kengetal::Column::OnderzoekId.eq(study.id))
                .filter(kengetal::Column::Sleutel.eq(sleutel.as_str()))
                .into_json()
                .one(db)
                .await
        }
        NodeId::Deelname { fusie, gemeente: code, begindatum } => {
            let by_key = ambtelijke_fusie::Column::Sleutel.eq(fusie.as_str());
            let fusie = ambtelijke_fusie::Entity::find().filter(by_key).one(db).await?;
            let member = gemeente::Entity::find().filter(gemeente::Column::Code.eq(code.as_str())).one(db).await?;
            let (Some(fusie), Some(member)) = (fusie, member) else { return Ok(None) };
            let begin = match begindatum {
                Some(day) => deelname::Column::Begindatum.eq(*day),
                None => deelname::Column::Begindatum.is_null(),
            };
            deelname::Entity::find()
                .filter(deelname::Column::AmbtelijkeFusieId.eq(fusie.id))
                .filter(deelname::Column::GemeenteId.eq(member.id))
                .filter(begin)
                .into_json()
                .one(db)
                .await
        }
    }
}
