//! When an admitted GraphQL request may execute.
//!
//! An executing request holds its rows, its result tree and its JSON at once: about forty times
//! its answer's size. For most documents that is well under a megabyte; for the few whose answers
//! are large it is tens of megabytes, and several of them side by side is what drove the
//! process's peak memory. So the execution slots are shared out by answer size: all the slots
//! together stand for [`ANSWERS_EXECUTING_BYTES`] of answers, and a request takes as many slots
//! as its answer needs. The size of an answer cannot be known before it is computed (the same
//! document answers 15 kB or 955 kB depending on the data), so it is learned: a document takes the
//! slots its last answer needed. A document not seen before takes half of them: a client sending
//! ever new large documents gets at most two built side by side, and a front end's documents
//! are known after their first answer. The semaphore is fair, so a request waiting for many
//! slots is not overtaken by light ones that arrive after it.

use std::hash::{BuildHasher, RandomState};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

/// The answers that may be under construction at once, together. An answer at least this large
/// takes every slot and runs alone. The answers of the registry's own pages (at most 131 kB,
/// for all municipalities with their herindelingen) fit several times over; the synthetic large
/// scale's nested page (955 kB) runs alone.
pub const ANSWERS_EXECUTING_BYTES: usize = 512 * 1024;

/// How many documents' weights are remembered; the least recently run is forgotten first, so a
/// client sending ever new documents cannot grow the memory.
const REMEMBERED_DOCUMENTS: NonZeroUsize = NonZeroUsize::MIN.saturating_add(255);

/// The execution slots of one server instance and what it has learned of documents' weights.
pub struct Admission {
    slots: u32,
    permits: Arc<Semaphore>,
    /// Slots a document's last answer needed.
    weights: Mutex<LruCache<u64, u32>>,
    /// Keys documents by a per-process random seed, so that a client cannot aim for collisions.
    hasher: RandomState,
    executing: Arc<AtomicUsize>,
}

/// A request's turn to execute; the slots return when it is dropped. Tell it the answer's size
/// with [`Admission::finish`] so that the document's next run takes the right number of slots.
pub struct Turn {
    _permits: OwnedSemaphorePermit,
    document: u64,
    executing: Arc<AtomicUsize>,
}

impl Admission {
    /// `slots` execution slots (at least one), sharing [`ANSWERS_EXECUTING_BYTES`] between them.
    pub fn new(slots: usize) -> Self {
        let slots = u32::try_from(slots.max(1)).unwrap_or(u32::MAX);
        Self {
            slots,
            permits: Arc::new(Semaphore::new(slots as usize)),
            weights: Mutex::new(LruCache::new(REMEMBERED_DOCUMENTS)),
            hasher: RandomState::new(),
            executing: Arc::default(),
        }
    }

    /// Waits for the turn of a request for this document (its text and operation name), with
    /// the slots its last answer needed (half of them if it has none yet).
    pub async fn enter(&self, query: &str, operation_name: Option<&str>) -> Result<Turn, AcquireError> {
        let document = self.hasher.hash_one((query, operation_name));
        let weight = self.weight(document);
        let permits = self.permits.clone().acquire_many_owned(weight).await?;
        self.executing.fetch_add(1, Ordering::Relaxed);
        Ok(Turn { _permits: permits, document, executing: self.executing.clone() })
    }

    /// Records the size of the answer a turn produced, then ends the turn.
    pub fn finish(&self, turn: Turn, answer_bytes: usize) {
        let needed = self.slots_for(answer_bytes);
        let mut weights = self.weights.lock().unwrap_or_else(PoisonError::into_inner);
        weights.put(turn.document, needed);
    }

    /// Requests executing now.
    pub fn executing(&self) -> usize {
        self.executing.load(Ordering::Relaxed)
    }

    /// The slots an answer of this size needs: its share of [`ANSWERS_EXECUTING_BYTES`], rounded
    /// up, at least one and at most all.
    fn slots_for(&self, answer_bytes: usize) -> u32 {
        let per_slot = (ANSWERS_EXECUTING_BYTES / self.slots as usize).max(1);
        let needed = answer_bytes.div_ceil(per_slot);
        u32::try_from(needed).unwrap_or(u32::MAX).clamp(1, self.slots)
    }

    fn weight(&self, document: u64) -> u32 {
        let mut weights = self.weights.lock().unwrap_or_else(PoisonError::into_inner);
        weights.get(&document).copied().unwrap_or_else(|| self.slots.div_ceil(2))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.executing.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use super::*;

    const LARGE: &str = "{ gemeenten(first: 100) { nodes { code } } }";
    const SMALL: &str = "{ gemeente(code: \"GM0363\") { naam } }";

    #[tokio::test]
    async fn light_documents_share_the_slots() {
        let admission = Admission::new(2);
        let first = admission.enter(SMALL, None).await.unwrap();
        let second = admission.enter(SMALL, None).now_or_never();
        assert!(second.is_some(), "a second light request gets the second slot");
        assert_eq!(admission.executing(), 2);
        let third = admission.enter(LARGE, None).now_or_never();
        assert!(third.is_none(), "no third slot");
        drop(first);
    }

    #[tokio::test]
    async fn a_document_whose_answer_was_heavy_runs_alone_until_its_answers_are_light() {
        let admission = Admission::new(2);
        let turn = admission.enter(LARGE, None).await.unwrap();
        admission.finish(turn, ANSWERS_EXECUTING_BYTES);

        let light = admission.enter(SMALL, None).await.unwrap();
        let mut heavy = Box::pin(admission.enter(LARGE, None));
        assert!((&mut heavy).now_or_never().is_none(), "waits for the light request to end");
        drop(light);
        let turn = heavy.await.unwrap();
        assert!(admission.enter(SMALL, None).now_or_never().is_none(), "nothing runs beside it");
        admission.finish(turn, 1_000);

        let first = admission.enter(LARGE, None).await.unwrap();
        assert!(admission.enter(LARGE, None).now_or_never().is_some(), "light again: two at once");
        drop(first);
    }

    #[tokio::test]
    async fn a_document_takes_its_answers_share_of_the_slots() {
        let admission = Admission::new(8);
        let per_slot = ANSWERS_EXECUTING_BYTES / 8;
        assert_eq!(admission.slots_for(0), 1);
        assert_eq!(admission.slots_for(per_slot), 1);
        assert_eq!(admission.slots_for(per_slot + 1), 2);
        assert_eq!(admission.slots_for(usize::MAX), 8);

        let turn = admission.enter(SMALL, None).await.unwrap();
        admission.finish(turn, 1_000);
        let turn = admission.enter(LARGE, None).await.unwrap();
        admission.finish(turn, 3 * per_slot);
        let mut medium = Vec::new();
        for _ in 0..2 {
            medium.push(admission.enter(LARGE, None).now_or_never().expect("three slots each: two fit in eight"));
        }
        assert!(admission.enter(LARGE, None).now_or_never().is_none(), "a third would need nine slots");
        let light: Vec<_> = (0..2).map(|_| admission.enter(SMALL, None).now_or_never()).collect();
        assert!(light.iter().all(Option::is_some), "the two slots left go to light documents");
        assert!(admission.enter(SMALL, None).now_or_never().is_none());
    }

    #[tokio::test]
    async fn a_document_not_seen_before_takes_half_the_slots_until_its_answer_is_known() {
        let admission = Admission::new(4);
        let first = admission.enter(LARGE, None).await.unwrap();
        let second = admission.enter(SMALL, None).now_or_never().expect("two slots of four are left");
        assert!(admission.enter(LARGE, None).now_or_never().is_none(), "no third unknown document");
        drop(second);
        admission.finish(first, 1_000);
        let light: Vec<_> = (0..4).map(|_| admission.enter(LARGE, None).now_or_never()).collect();
        assert!(light.iter().all(Option::is_some), "its answer was light: one slot each");
    }

    #[tokio::test]
    async fn the_operation_name_is_part_of_the_document() {
        let admission = Admission::new(2);
        let turn = admission.enter(LARGE, Some("Groot")).await.unwrap();
        admission.finish(turn, ANSWERS_EXECUTING_BYTES);
        let other = admission.enter(LARGE, Some("Ander")).await.unwrap();
        assert!(admission.enter(LARGE, None).now_or_never().is_some());
        drop(other);
    }

    #[tokio::test]
    async fn a_waiting_heavy_request_is_not_overtaken() {
        let admission = Admission::new(2);
        let turn = admission.enter(LARGE, None).await.unwrap();
        admission.finish(turn, ANSWERS_EXECUTING_BYTES);

        let light = admission.enter(SMALL, None).await.unwrap();
        let mut heavy = Box::pin(admission.enter(LARGE, None));
        assert!((&mut heavy).now_or_never().is_none());
        // One slot is free, but the heavy request queued first.
        assert!(admission.enter(SMALL, None).now_or_never().is_none());
        drop(light);
        assert!(heavy.now_or_never().is_some());
    }
}
