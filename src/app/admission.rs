//! When an admitted GraphQL request may execute.
//!
//! An executing request holds its rows, its result tree and its JSON at once. For most documents
//! that is well under a megabyte, and one executing request per core keeps the cores busy. For
//! the few whose answers are large it is tens of megabytes each (about forty times the answer's
//! size), and two of them side by side is what drove the process's peak memory. The size of an
//! answer cannot be known before it is computed (the same document answers 14 kB or 570 kB
//! depending on the data), so it is learned: a document whose last answer was heavy takes every
//! execution slot and runs alone; every other document takes one slot. The semaphore is fair, so a
//! heavy request waiting for every slot is not overtaken by light ones that arrive after it.

use std::hash::{BuildHasher, RandomState};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

/// An answer at least this large makes its document heavy: its next run waits to run alone.
/// The answers the registry's own pages give (at most 131 kB for all municipalities with their
/// herindelingen) stay under it; the synthetic large scale's nested page (570 kB) is over it.
pub const HEAVY_ANSWER_BYTES: usize = 256 * 1024;

/// How many heavy documents are remembered; the least recently run is forgotten first, so a
/// client sending ever new documents cannot grow the memory.
const REMEMBERED_DOCUMENTS: NonZeroUsize = NonZeroUsize::MIN.saturating_add(255);

/// The execution slots of one server instance and what it has learned of documents' weights.
pub struct Admission {
    slots: u32,
    permits: Arc<Semaphore>,
    heavy: Mutex<LruCache<u64, ()>>,
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
    /// `slots` requests may execute at once (at least one).
    pub fn new(slots: usize) -> Self {
        let slots = u32::try_from(slots.max(1)).unwrap_or(u32::MAX);
        Self {
            slots,
            permits: Arc::new(Semaphore::new(slots as usize)),
            heavy: Mutex::new(LruCache::new(REMEMBERED_DOCUMENTS)),
            hasher: RandomState::new(),
            executing: Arc::default(),
        }
    }

    /// Waits for the turn of a request for this document (its text and operation name): alone
    /// when its last answer was heavy, beside others otherwise.
    pub async fn enter(&self, query: &str, operation_name: Option<&str>) -> Result<Turn, AcquireError> {
        let document = self.hasher.hash_one((query, operation_name));
        let weight = if self.is_heavy(document) { self.slots } else { 1 };
        let permits = self.permits.clone().acquire_many_owned(weight).await?;
        self.executing.fetch_add(1, Ordering::Relaxed);
        Ok(Turn { _permits: permits, document, executing: self.executing.clone() })
    }

    /// Records the size of the answer a turn produced, then ends the turn.
    pub fn finish(&self, turn: Turn, answer_bytes: usize) {
        let mut heavy = self.heavy.lock().unwrap_or_else(PoisonError::into_inner);
        if answer_bytes >= HEAVY_ANSWER_BYTES {
            heavy.put(turn.document, ());
        } else {
            // Its answers became small (the data changed, or the first was an exception).
            heavy.pop(&turn.document);
        }
    }

    /// Requests executing now.
    pub fn executing(&self) -> usize {
        self.executing.load(Ordering::Relaxed)
    }

    fn is_heavy(&self, document: u64) -> bool {
        let mut heavy = self.heavy.lock().unwrap_or_else(PoisonError::into_inner);
        heavy.get(&document).is_some()
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
        admission.finish(turn, HEAVY_ANSWER_BYTES);

        let light = admission.enter(SMALL, None).await.unwrap();
        let mut heavy = Box::pin(admission.enter(LARGE, None));
        assert!((&mut heavy).now_or_never().is_none(), "waits for the light request to end");
        drop(light);
        let turn = heavy.await.unwrap();
        assert!(admission.enter(SMALL, None).now_or_never().is_none(), "nothing runs beside it");
        admission.finish(turn, HEAVY_ANSWER_BYTES - 1);

        let first = admission.enter(LARGE, None).await.unwrap();
        assert!(admission.enter(LARGE, None).now_or_never().is_some(), "light again: two at once");
        drop(first);
    }

    #[tokio::test]
    async fn the_operation_name_is_part_of_the_document() {
        let admission = Admission::new(2);
        let turn = admission.enter(LARGE, Some("Groot")).await.unwrap();
        admission.finish(turn, HEAVY_ANSWER_BYTES);
        let other = admission.enter(LARGE, Some("Ander")).await.unwrap();
        assert!(admission.enter(LARGE, None).now_or_never().is_some());
        drop(other);
    }

    #[tokio::test]
    async fn a_waiting_heavy_request_is_not_overtaken() {
        let admission = Admission::new(2);
        let turn = admission.enter(LARGE, None).await.unwrap();
        admission.finish(turn, HEAVY_ANSWER_BYTES);

        let light = admission.enter(SMALL, None).await.unwrap();
        let mut heavy = Box::pin(admission.enter(LARGE, None));
        assert!((&mut heavy).now_or_never().is_none());
        // One slot is free, but the heavy request queued first.
        assert!(admission.enter(SMALL, None).now_or_never().is_none());
        drop(light);
        assert!(heavy.now_or_never().is_some());
    }
}
